import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { startDovecot, type DovecotServer } from './dovecot';
import { startRadicale, type RadicaleServer } from './radicale';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

const users = [{ user: 'alice', password: 'pw-alice' }];

describe('real-server harnesses', () => {
  let dovecot: DovecotServer;
  let radicale: RadicaleServer;
  let smtp: SmtpSink;
  beforeAll(async () => {
    [dovecot, radicale, smtp] = await Promise.all([startDovecot({ users }), startRadicale({ users }), startSmtpSink({ users })]);
  });
  afterAll(async () => {
    await Promise.all([dovecot?.stop(), radicale?.stop(), smtp?.stop()]);
  });

  it('dovecot accepts a login and stores an appended message', async () => {
    const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'alice', pass: 'pw-alice' }, logger: false });
    await client.connect();
    await client.append('INBOX', 'Subject: hi\r\n\r\nbody\r\n');
    const status = await client.status('INBOX', { messages: true });
    await client.logout();
    expect(status && status.messages).toBe(1);
  });

  it('radicale creates a calendar the user can read', async () => {
    const url = await radicale.createCalendar('alice');
    const res = await fetch(url, { method: 'PROPFIND', headers: { authorization: radicale.authHeader('alice'), depth: '0' } });
    expect(res.status).toBe(207);
  });

  it('the smtp sink records what it receives and refuses a wrong password', async () => {
    const send = (pass: string) =>
      nodemailer
        .createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true, auth: { user: 'alice', pass } })
        .sendMail({ envelope: { from: 'alice@example.test', to: ['bob@example.test'] }, raw: 'Subject: x\r\n\r\ny\r\n' });
    await send('pw-alice');
    await expect(send('nope')).rejects.toMatchObject({ responseCode: 535 });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.recipients).toEqual(['bob@example.test']);
  });
});
