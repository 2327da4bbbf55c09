import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWebmail } from './webmail';
import { MemoryWebmailSource } from './webmail-memory';

const ava = 'ava@greenleaf.example';

describe('serveWebmail on node:http', () => {
  const source = new MemoryWebmailSource();
  source.addMailbox(ava);
  source.addMessage(ava, 'inbox', { id: 'm1', subject: 'Irrigation leak', from: 'margaret@oakridge.example', to: ava, date: '2026-11-02', preview: 'Zone 4' });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      void serveWebmail(source, req, res).then((handled) => {
        if (!handled) res.writeHead(418).end('not webmail');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('serves pages, posts the move form and leaves other paths alone', async () => {
    const page = await fetch(`${base}/webmail/mailbox?m=${encodeURIComponent(ava)}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('Irrigation leak');

    const moved = await fetch(`${base}/webmail/move`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ m: ava, id: 'm1', to: 'tandem' }),
      redirect: 'manual',
    });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toBe(`/webmail/mailbox?m=${encodeURIComponent(ava)}&f=tandem&moved=1`);
    expect(source.moves).toEqual([{ mailbox: ava, messageId: 'm1', toFolderId: 'tandem' }]);

    expect((await fetch(`${base}/v1.0/me`)).status).toBe(418);
  });

  it('refuses oversized form bodies with 413', async () => {
    const res = await fetch(`${base}/webmail/move`, { method: 'POST', body: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
  });
});
