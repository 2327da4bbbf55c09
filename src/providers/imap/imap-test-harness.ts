/**
 * Test wiring for the IMAP provider: real Dovecot + Radicale + SMTP sink, the provider under test,
 * and the user's side of the same mailbox (an independent imapflow client, plain CalDAV requests).
 * Used by the contract test and the fault tests.
 */
import { ImapFlow } from 'imapflow';
import { pino } from 'pino';
import { FakeClock } from '../../domain/clock';
import { startDovecot, type DovecotOptions, type DovecotServer } from '../../../test/support/servers/dovecot';
import { startRadicale, type RadicaleServer } from '../../../test/support/servers/radicale';
import { startSmtpSink, type SmtpSink } from '../../../test/support/servers/smtp-sink';
import type { ContractHarness, ProviderSideEvent, ProviderSideSeries } from '../contract/contract-harness';
import type { ProviderContext } from '../provider';
import { createImapProvider, type ImapProvider, type ImapProviderOptions } from './imap-provider';

export const testUser = { user: 'alice', password: 'pw-alice' };
export const testMailbox = 'alice@tandem.test';

export interface ImapServers {
  dovecot: DovecotServer;
  radicale: RadicaleServer;
  smtp: SmtpSink;
  calendarUrl: string;
  stop(): Promise<void>;
}

export async function startImapServers(dovecotOptions: Partial<DovecotOptions> = {}): Promise<ImapServers> {
  const users = [testUser];
  const [dovecot, radicale, smtp] = await Promise.all([startDovecot({ users, ...dovecotOptions }), startRadicale({ users }), startSmtpSink({ users })]);
  const calendarUrl = await radicale.createCalendar(testUser.user);
  return {
    dovecot,
    radicale,
    smtp,
    calendarUrl,
    stop: async () => {
      await Promise.all([dovecot.stop(), radicale.stop(), smtp.stop()]);
    },
  };
}

export function providerContext(s: ImapServers, over: { password?: string; imapPort?: number; caldavUrl?: string } = {}): ProviderContext {
  return {
    mailbox: testMailbox,
    credentials: { kind: 'password', username: testUser.user, password: over.password ?? testUser.password },
    endpoints: {
      imap: { host: s.dovecot.host, port: over.imapPort ?? s.dovecot.port, secure: false },
      smtp: { host: s.smtp.host, port: s.smtp.port, secure: false },
      caldavUrl: over.caldavUrl ?? s.radicale.url,
    },
    clock: new FakeClock('2026-11-02T09:00:00Z'),
    logger: pino({ level: 'silent' }),
    fetch: (input, init) => fetch(input, init),
  };
}

/** The user's own mail client. */
export async function userImap(s: ImapServers): Promise<ImapFlow> {
  const client = new ImapFlow({ host: s.dovecot.host, port: s.dovecot.port, secure: false, auth: { user: testUser.user, pass: testUser.password }, logger: false });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

function folderPathOf(s: ImapServers, name: string): string {
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : s.dovecot.prefix + name.split('/').join(s.dovecot.separator);
}

export async function messageIdsIn(client: ImapFlow, path: string): Promise<string[]> {
  const exists = (await client.list()).some((m) => m.path === path);
  if (!exists) return [];
  const box = await client.mailboxOpen(path, { readOnly: true });
  if (box.exists === 0) return [];
  const ids: string[] = [];
  for await (const m of client.fetch('1:*', { envelope: true, flags: true })) {
    if (m.envelope?.messageId && !m.flags?.has('\\Deleted')) ids.push(m.envelope.messageId);
  }
  return ids;
}

const compact = (local: string) => local.replace(/[-:]/g, '');

function vevent(uid: string, e: { subject: string; start: string; end: string; timeZone: string }, extra: string[] = []): string[] {
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261001T000000Z', `DTSTART;TZID=${e.timeZone}:${compact(e.start)}`, `DTEND;TZID=${e.timeZone}:${compact(e.end)}`, `SUMMARY:${e.subject}`, ...extra, 'END:VEVENT'];
}

const wrap = (lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//user side//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');

function addMinutes(local: string, minutes: number): string {
  return new Date(Date.parse(`${local}Z`) + minutes * 60_000).toISOString().slice(0, 19);
}

export async function imapContractHarness(options: ImapProviderOptions = {}): Promise<ContractHarness & { servers: ImapServers; provider: ImapProvider }> {
  const servers = await startImapServers();
  const provider = createImapProvider(providerContext(servers), options);
  const user = await userImap(servers);
  const auth = servers.radicale.authHeader(testUser.user);
  const events = new Map<string, { uid: string; event: ProviderSideEvent }>();
  let n = 0;
  const put = async (href: string, body: string) => {
    const res = await fetch(href, { method: 'PUT', headers: { authorization: auth, 'content-type': 'text/calendar' }, body });
    if (!res.ok) throw new Error(`user-side PUT ${res.status}`);
  };

  return {
    servers,
    provider,
    mailbox: testMailbox,
    folderNames: { capture: 'Tandem', processed: 'Processed' },
    window: { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') },
    async placeInFolder(name, raw) {
      await user.append(folderPathOf(servers, name), Buffer.from(raw));
    },
    folderContents: (name) => messageIdsIn(user, folderPathOf(servers, name)),
    async sentFolder() {
      const sent = (await user.list()).find((m) => m.specialUse === '\\Sent');
      return sent ? messageIdsIn(user, sent.path) : [];
    },
    async sentMessages() {
      return servers.smtp.messages.map((m) => ({
        messageId: /^Message-ID:\s*(\S+)/im.exec(m.raw.toString('utf8'))?.[1] ?? '',
        recipients: m.recipients,
      }));
    },
    async createProviderEvent(event) {
      const uid = `user-side-${++n}`;
      const href = `${servers.calendarUrl}${uid}.ics`;
      await put(href, wrap(vevent(uid, event)));
      events.set(href, { uid, event });
      return href;
    },
    async updateProviderEvent(href, changes) {
      const known = events.get(href);
      if (!known) throw new Error(`unknown event ${href}`);
      known.event = { ...known.event, ...changes };
      await put(href, wrap(vevent(known.uid, known.event, ['SEQUENCE:1'])));
    },
    async deleteProviderEvent(href) {
      await fetch(href, { method: 'DELETE', headers: { authorization: auth } });
    },
    async createProviderSeries(s: ProviderSideSeries) {
      const uid = `user-series-${++n}`;
      const href = `${servers.calendarUrl}${uid}.ics`;
      const first = { subject: s.subject, start: s.firstStart, end: addMinutes(s.firstStart, s.durationMinutes), timeZone: s.timeZone };
      const second = addMinutes(s.firstStart, 7 * 24 * 60);
      const third = addMinutes(s.firstStart, 14 * 24 * 60);
      await put(
        href,
        wrap([
          ...vevent(uid, first, ['RRULE:FREQ=WEEKLY;COUNT=4', `EXDATE;TZID=${s.timeZone}:${compact(third)}`]),
          ...vevent(uid, { ...first, start: s.movedStart, end: addMinutes(s.movedStart, s.durationMinutes) }, [`RECURRENCE-ID;TZID=${s.timeZone}:${compact(second)}`]),
        ]),
      );
      return href;
    },
    async expireCalendarCursor(cursor) {
      // Radicale answers a token equal to the collection's current state without consulting its token
      // history, so change the collection after making it forget.
      servers.radicale.forgetSyncTokens();
      await put(`${servers.calendarUrl}expiry-marker-${++n}.ics`, wrap(vevent(`expiry-marker-${n}`, { subject: 'marker', start: '2026-11-20T10:00:00', end: '2026-11-20T11:00:00', timeZone: 'UTC' })));
      return cursor;
    },
    async close() {
      await user.logout().catch(() => user.close());
      await servers.stop();
    },
  };
}
