/**
 * The journey's own IMAP server: a real Dovecot (test/support/servers) on a loopback port that
 * `tandem demo` reaches as any mail host, and what a mail client would do in that mailbox — list its
 * folders, and drop a customer's message into the Tandem folder.
 */
import { ImapFlow } from 'imapflow';
import { demoCorrespondents } from '../../../src/store/seed-demo';
import type { DovecotServer, ServerUser } from '../../support/servers/dovecot';
import type { Captured } from './journey-steps';

async function withMailbox<T>(dovecot: DovecotServer, login: ServerUser, run: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: login.user, pass: login.password }, logger: false });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.logout();
  }
}

export const folderNames = (dovecot: DovecotServer, login: ServerUser): Promise<string[]> =>
  withMailbox(dovecot, login, async (client) => (await client.list()).map((f) => f.path));

/** A message from a demo contact, appended straight into the capture folder (as a move in a mail client ends). */
export async function dropIntoImapTandemFolder(dovecot: DovecotServer, login: ServerUser, to: string): Promise<Captured> {
  const from = demoCorrespondents[1];
  if (!from) throw new Error('the demo has no correspondents');
  const subject = `E2E IMAP question ${Date.now().toString(36)}`;
  const raw = [
    `From: ${from.name} <${from.email}>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${Date.now().toString(36)}.e2e@${from.email.split('@')[1] ?? 'example'}>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Could you send someone to look at the sprinklers on Friday?',
    '',
  ].join('\r\n');
  await withMailbox(dovecot, login, async (client) => {
    await client.append('Tandem', raw, ['\\Seen']);
  });
  return { subject, contact: from.name };
}
