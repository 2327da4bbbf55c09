/**
 * Other providers (IMAP/SMTP + CalDAV) connect through the same Save, against a real Dovecot: the
 * login is proved before anything is stored, and the capture folders are created on the server.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCredentials } from '../../src/sync/credentials';
import { startDovecot, type DovecotServer } from '../support/servers/dovecot';
import { accountRows, expectNoSecretsLogged, save, settings, signInAs, startConnectHarness, type ConnectHarness } from './connect-harness';

const mailUser = { user: 'erin', password: 'erin-Imap-Password-1' };
const address = 'erin@mail.tandem.test';

let h: ConnectHarness;
let dovecot: DovecotServer;
beforeAll(async () => {
  [h, dovecot] = await Promise.all([startConnectHarness(), startDovecot({ users: [mailUser] })]);
});
beforeEach(() => h.reset());
afterEach(() => expectNoSecretsLogged(h));
afterAll(async () => {
  await Promise.all([h?.close(), dovecot?.stop()]);
});

const imapForm = (password: string) => ({
  email: address,
  username: mailUser.user,
  password,
  imap: { host: dovecot.host, port: dovecot.port, secure: false },
  // SMTP is only used when sending; connecting proves the IMAP login.
  smtp: { host: dovecot.host, port: 2525, secure: false },
});

async function folderNames(): Promise<string[]> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: mailUser.user, pass: mailUser.password }, logger: false });
  await client.connect();
  try {
    return (await client.list()).map((f) => f.path);
  } finally {
    await client.logout();
  }
}

describe('IMAP', () => {
  it('connects with a real login, stores the sealed password and creates the capture folders', async () => {
    const session = await signInAs(h, h.member);
    expect(await save(h, session, settings('imap', { imap: imapForm(mailUser.password) }))).toEqual({ type: 'done' });
    const [row] = await accountRows(h);
    expect(row).toMatchObject({ provider: 'imap', mailboxAddress: address, status: 'active', endpoints: { imap: { host: dovecot.host, port: dovecot.port } } });
    expect(openCredentials(h.vault, row!)).toEqual({ kind: 'password', username: mailUser.user, password: mailUser.password });
    expect(await folderNames()).toEqual(expect.arrayContaining(['Tandem', 'Processed']));
    expect(h.syncNowCalls.map((c) => c.reason)).toEqual(['connect']);
  });

  it('a wrong password stores nothing', async () => {
    const wrong = 'erin-Wrong-Password-2';
    h.secrets.add(wrong);
    const session = await signInAs(h, h.member);
    expect(await save(h, session, settings('imap', { imap: imapForm(wrong) }))).toMatchObject({ type: 'error', code: 'invalid_credentials' });
    expect(await accountRows(h)).toEqual([]);
  });
});
