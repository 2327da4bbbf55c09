/**
 * Other providers (IMAP/SMTP + CalDAV) connect through the same Save, against a real Dovecot, a real
 * Radicale and an SMTP server that requires AUTH: every login the account will use (IMAP, SMTP and,
 * with a CalDAV URL, CalDAV down to a calendar) is proved before anything is stored, and a failure
 * names the server and why. The capture folders are created on the server once it is connected.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCredentials } from '../../src/sync/credentials';
import { startDovecot, type DovecotServer, type ServerUser } from '../support/servers/dovecot';
import { freePort } from '../support/servers/net-utils';
import { startRadicale, type RadicaleServer } from '../support/servers/radicale';
import { startSmtpSink, type SmtpSink } from '../support/servers/smtp-sink';
import { testDrivers } from '../support/test-db';
import { accountRows, expectNoSecretsLogged, save, settings, signInAs, startConnectHarness, type ConnectHarness } from './connect-harness';

const domain = 'mail.tandem.test';
const user = (name: string): ServerUser => ({ user: name, password: `${name}-Imap-Password-1` });
/** Right everywhere, with a calendar. */
const erin = user('erin');
/** Right everywhere, but no calendar on the CalDAV server. */
const nora = user('nora');
/** The SMTP server knows another password. */
const sam = user('sam');
/** The CalDAV server knows another password. */
const wade = user('wade');
const elsewhere = (u: ServerUser): ServerUser => ({ user: u.user, password: `${u.user}-Other-Password-9` });

let dovecot: DovecotServer;
let radicale: RadicaleServer;
let smtp: SmtpSink;
beforeAll(async () => {
  [dovecot, radicale, smtp] = await Promise.all([
    startDovecot({ users: [erin, nora, sam, wade] }),
    startRadicale({ users: [erin, nora, sam, elsewhere(wade)] }),
    startSmtpSink({ users: [erin, nora, elsewhere(sam), wade] }),
  ]);
  await radicale.createCalendar(erin.user);
});
afterAll(async () => {
  await Promise.all([dovecot?.stop(), radicale?.stop(), smtp?.stop()]);
});

interface FormOver {
  password?: string;
  smtpPort?: number;
  caldavUrl?: string | null;
}

function imapForm(u: ServerUser, over: FormOver = {}) {
  const caldavUrl = over.caldavUrl === undefined ? radicale.url : over.caldavUrl;
  return {
    email: `${u.user}@${domain}`,
    username: u.user,
    password: over.password ?? u.password,
    imap: { host: dovecot.host, port: dovecot.port, secure: false },
    smtp: { host: smtp.host, port: over.smtpPort ?? smtp.port, secure: false },
    ...(caldavUrl ? { caldavUrl } : {}),
  };
}

async function folderNames(u: ServerUser): Promise<string[]> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: u.user, pass: u.password }, logger: false });
  await client.connect();
  try {
    return (await client.list()).map((f) => f.path);
  } finally {
    await client.logout();
  }
}

describe.each(testDrivers())('IMAP connect (%s)', (driver) => {
  let h: ConnectHarness;
  beforeAll(async () => {
    h = await startConnectHarness({ driver });
  });
  beforeEach(async () => {
    await h.reset();
    for (const u of [erin, nora, sam, wade, elsewhere(sam), elsewhere(wade)]) h.secrets.add(u.password);
  });
  afterEach(() => expectNoSecretsLogged(h));
  afterAll(() => h?.close());

  async function refusal(u: ServerUser, over: FormOver = {}) {
    const session = await signInAs(h, h.member);
    const next = await save(h, session, settings('imap', { imap: imapForm(u, over) }));
    expect(await accountRows(h)).toEqual([]);
    expect(h.syncNowCalls).toEqual([]);
    return next;
  }

  it('all three logins good: connected, the sealed password stored, the capture folders created, no mail sent', async () => {
    const sent = smtp.messages.length;
    const session = await signInAs(h, h.member);
    expect(await save(h, session, settings('imap', { imap: imapForm(erin) }))).toEqual({ type: 'done' });
    const [row] = await accountRows(h);
    expect(row).toMatchObject({
      provider: 'imap',
      mailboxAddress: `erin@${domain}`,
      status: 'active',
      endpoints: { imap: { host: dovecot.host, port: dovecot.port }, smtp: { host: smtp.host, port: smtp.port }, caldavUrl: radicale.url },
    });
    expect(openCredentials(h.vault, row!)).toEqual({ kind: 'password', username: erin.user, password: erin.password });
    expect(await folderNames(erin)).toEqual(expect.arrayContaining(['Tandem', 'Processed']));
    expect(h.syncNowCalls.map((c) => c.reason)).toEqual(['connect']);
    expect(smtp.messages.length).toBe(sent);
  });

  it('without a CalDAV URL and with Sync Calendar off, IMAP and SMTP are proved and the calendar is not asked for', async () => {
    const session = await signInAs(h, h.member);
    expect(await save(h, session, settings('imap', { syncCalendar: false, imap: imapForm(nora, { caldavUrl: null }) }))).toEqual({ type: 'done' });
    const [row] = await accountRows(h);
    expect(row?.endpoints).not.toHaveProperty('caldavUrl');
  });

  it('Sync Calendar without a CalDAV URL, and no calendar server at the address’s domain: refused, asking for the URL', async () => {
    // mail.tandem.test does not resolve (RFC 6761), as a domain with no /.well-known/caldav answers nothing.
    const next = await refusal(erin, { caldavUrl: null });
    expect(next).toMatchObject({ type: 'error', code: 'caldav_not_found' });
    expect(next.type === 'error' ? next.message : '').toContain('CalDAV URL');
  });

  it('Sync Calendar without a CalDAV URL finds the calendar server the domain’s DNS names (SRV, RFC 6764)', async () => {
    const port = Number(new URL(radicale.url).port);
    h.dns.setZone({
      [`_caldav._tcp.${domain}`]: { SRV: [{ priority: 0, weight: 0, port, target: `dav.${domain}` }] },
      [`dav.${domain}`]: { A: ['127.0.0.1'] },
    });
    const session = await signInAs(h, h.member);
    expect(await save(h, session, settings('imap', { imap: imapForm(erin, { caldavUrl: null }) }))).toEqual({ type: 'done' });
    const [row] = await accountRows(h);
    expect(row?.endpoints).toMatchObject({ caldavUrl: `http://dav.${domain}:${port}/` });
    expect(h.dns.queries).toContainEqual({ name: `_caldavs._tcp.${domain}`, type: 'SRV' });
  });

  it('a calendar server DNS names at another domain is not sent the password: the user is asked to confirm it', async () => {
    h.dns.setZone({ [`_caldavs._tcp.${domain}`]: { SRV: [{ priority: 0, weight: 0, port: 443, target: 'caldav.elsewhere.test' }] } });
    const next = await refusal(erin, { caldavUrl: null });
    expect(next).toMatchObject({ type: 'error', code: 'caldav_elsewhere' });
    expect(next.type === 'error' ? next.message : '').toContain('https://caldav.elsewhere.test/');
    expect(h.dns.queries.map((q) => q.name)).not.toContain('caldav.elsewhere.test');
  });

  it('a wrong password is refused at the IMAP server', async () => {
    expect(await refusal(erin, { password: 'erin-Wrong-Password-2' })).toMatchObject({ type: 'error', code: 'invalid_credentials' });
  });

  it('a password the SMTP server does not accept is refused, naming SMTP', async () => {
    const next = await refusal(sam);
    expect(next).toMatchObject({ type: 'error', code: 'smtp_invalid_credentials' });
    expect(next.type === 'error' ? next.message : '').toContain('SMTP');
  });

  it('an SMTP server nobody answers at is refused as unreachable', async () => {
    const next = await refusal(erin, { smtpPort: await freePort(smtp.host) });
    expect(next).toMatchObject({ type: 'error', code: 'smtp_unreachable' });
  });

  it('a password the CalDAV server does not accept is refused, naming CalDAV', async () => {
    const next = await refusal(wade);
    expect(next).toMatchObject({ type: 'error', code: 'caldav_invalid_credentials' });
    expect(next.type === 'error' ? next.message : '').toContain('CalDAV');
  });

  it('a CalDAV account with no calendar is refused with the no-calendar error', async () => {
    expect(await refusal(nora)).toMatchObject({ type: 'error', code: 'caldav_no_calendar' });
  });

  it('a CalDAV URL nobody answers at is refused as unreachable', async () => {
    expect(await refusal(erin, { caldavUrl: `http://127.0.0.1:${await freePort()}/` })).toMatchObject({ type: 'error', code: 'caldav_unreachable' });
  });

  it('a CalDAV URL naming the calendar itself is used as given', async () => {
    const session = await signInAs(h, h.member);
    const url = radicale.calendarUrl(erin.user);
    expect(await save(h, session, settings('imap', { imap: imapForm(erin, { caldavUrl: url }) }))).toEqual({ type: 'done' });
    expect((await accountRows(h))[0]?.endpoints).toMatchObject({ caldavUrl: url });
  });
});
