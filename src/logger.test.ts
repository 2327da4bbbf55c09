import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, lines };
}

describe('logger redaction', () => {
  it('never writes tokens, passwords, cookies or message bodies, wherever they sit in a log object', () => {
    const { stream, lines } = capture();
    const log = createLogger('debug', stream).child({ accountId: 'acc-1', provider: 'microsoft' });
    log.info({ accessToken: 'AT-secret-1', refreshToken: 'RT-secret-2', password: 'pw-secret-3' }, 'top level');
    log.info({ credentials: { kind: 'oauth', accessToken: 'AT-secret-4' } }, 'nested credentials');
    log.info({ body: { refresh_token: 'RT-secret-5', client_secret: 'CS-secret-6' } }, 'token endpoint body');
    log.info({ req: { headers: { authorization: 'Bearer AT-secret-7', cookie: 'tandem_session=SESS-secret-8' } } }, 'request');
    log.info({ mail: { mime: 'From: a\r\n\r\nbody-secret-9', bodyText: 'text-secret-10' } }, 'message');
    log.info({ req: { method: 'GET', url: '/api/oauth/microsoft/callback?code=CODE-secret-11&state=STATE-secret-12' } }, 'incoming request');
    const out = lines.join('');
    for (let i = 1; i <= 12; i++) expect(out).not.toContain(`secret-${i}`);
    expect(out).toContain('[redacted]');
    expect(out).toContain('"accountId":"acc-1"');
    expect(lines).toHaveLength(6);
    expect(out).toContain('"url":"/api/oauth/microsoft/callback"');
  });
});
