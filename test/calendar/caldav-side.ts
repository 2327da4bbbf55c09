/**
 * The user's own calendar client on the test Radicale: plain WebDAV PUT / GET / DELETE of iCalendar
 * objects, the way Thunderbird or Apple Calendar edit events, independent of Tandem's adapter.
 */
import { pino } from 'pino';
import type { FakeClock } from '../../src/domain/clock';
import { imapProviderFactory } from '../../src/providers/imap/imap-provider';
import type { CalendarWindow, Provider, ProviderEvent } from '../../src/providers/provider';
import type { RadicaleServer } from '../support/servers/radicale';
import type { AccountSetup } from './calendar-harness';

export interface SideEvent {
  subject: string;
  /** Local date-time in timeZone; with allDay, a date (end exclusive). */
  start: string;
  end: string;
  timeZone: string;
  allDay?: boolean;
}

export interface CalendarSide {
  setup: AccountSetup;
  createEvent(e: SideEvent): Promise<string>;
  /** Edits an event (also a Tandem-made one) as the user would in their calendar app. */
  updateEvent(id: string, changes: { subject: string }): Promise<void>;
  deleteEvent(id: string): Promise<void>;
  /** Weekly, 6 instances from `start`; the 2nd moved by 2 hours, the 3rd cancelled. */
  createSeries(e: SideEvent): Promise<string>;
  /** Cancels the n-th (0-based) occurrence of the series createSeries(e) made, as the user would later. */
  cancelOccurrence(seriesId: string, e: SideEvent, n: number): Promise<void>;
  /** Everything the provider holds in the window, read independently of the engine. */
  list(window: CalendarWindow): Promise<ProviderEvent[]>;
  /** Makes the stored cursor invalid at the provider. */
  expireCursor(): Promise<void>;
}

/** Every event a provider lists in the window (a full round, page by page), read with an adapter of our own. */
export async function listAll(reader: Provider, window: CalendarWindow): Promise<ProviderEvent[]> {
  const calendar = reader.calendar;
  if (!calendar) throw new Error('no calendar');
  const out: ProviderEvent[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await calendar.fetchChanges(cursor, window);
    out.push(...page.upserts);
    if (!page.more) return out;
    cursor = page.nextCursor;
  }
}

const compact = (local: string) => local.replace(/[-:]/g, '');
const wrap = (lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//user side//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const addHours = (local: string, h: number) => new Date(Date.parse(`${local}Z`) + h * 3_600_000).toISOString().slice(0, 19);
const addDays = (local: string, d: number) => addHours(local, 24 * d);

function vevent(uid: string, e: SideEvent, extra: string[] = []): string[] {
  const times = e.allDay
    ? [`DTSTART;VALUE=DATE:${compact(e.start)}`, `DTEND;VALUE=DATE:${compact(e.end)}`]
    : [`DTSTART;TZID=${e.timeZone}:${compact(e.start)}`, `DTEND;TZID=${e.timeZone}:${compact(e.end)}`];
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261101T000000Z', ...times, `SUMMARY:${e.subject}`, ...extra, 'END:VEVENT'];
}

export function caldavSide(radicale: RadicaleServer, user: { user: string; password: string }, calendarUrl: string, clock: FakeClock): CalendarSide {
  const auth = radicale.authHeader(user.user);
  let n = 0;
  const put = async (href: string, body: string) => {
    const res = await fetch(href, { method: 'PUT', headers: { authorization: auth, 'content-type': 'text/calendar' }, body });
    if (!res.ok) throw new Error(`user-side PUT ${res.status}`);
  };
  const setup: AccountSetup = {
    provider: 'imap',
    factory: imapProviderFactory,
    mailbox: `${user.user}@tandem.test`,
    // No IMAP host: the calendar tests only use CalDAV.
    endpoints: { caldavUrl: calendarUrl, imap: { host: '127.0.0.1', port: 1, secure: false } },
    credentials: { kind: 'password', username: user.user, password: user.password },
  };
  const reader = imapProviderFactory.create({ mailbox: setup.mailbox, credentials: setup.credentials, endpoints: setup.endpoints, clock, logger: pino({ level: 'silent' }), fetch: (i, init) => fetch(i, init) });

  return {
    setup,
    async createEvent(e) {
      const uid = `user-${++n}-${clock.now().getTime()}`;
      const href = `${calendarUrl}${uid}.ics`;
      await put(href, wrap(vevent(uid, e)));
      return href;
    },
    async updateEvent(href, changes) {
      const res = await fetch(href, { headers: { authorization: auth } });
      if (!res.ok) throw new Error(`user-side GET ${res.status}`);
      const ics = await res.text();
      const seq = Number(/^SEQUENCE:(\d+)/m.exec(ics)?.[1] ?? '0') + 1;
      const next = ics
        .replace(/^SUMMARY:.*$/m, `SUMMARY:${changes.subject}`)
        .replace(/^SEQUENCE:.*\r?\n/m, '')
        .replace(/^END:VEVENT/m, `SEQUENCE:${seq}\r\nEND:VEVENT`);
      await put(href, next);
    },
    async deleteEvent(href) {
      const res = await fetch(href, { method: 'DELETE', headers: { authorization: auth } });
      if (!res.ok && res.status !== 404) throw new Error(`user-side DELETE ${res.status}`);
    },
    async createSeries(e) {
      const uid = `series-${++n}-${clock.now().getTime()}`;
      const href = `${calendarUrl}${uid}.ics`;
      const second = addDays(e.start, 7);
      const third = addDays(e.start, 14);
      await put(
        href,
        wrap([
          ...vevent(uid, e, ['RRULE:FREQ=WEEKLY;COUNT=6', `EXDATE;TZID=${e.timeZone}:${compact(third)}`]),
          ...vevent(uid, { ...e, start: addHours(second, 2), end: addHours(addDays(e.end, 7), 2) }, [`RECURRENCE-ID;TZID=${e.timeZone}:${compact(second)}`]),
        ]),
      );
      return href;
    },
    async cancelOccurrence(href, e, n) {
      const res = await fetch(href, { headers: { authorization: auth } });
      if (!res.ok) throw new Error(`user-side GET ${res.status}`);
      // The master is the first VEVENT; its new EXDATE goes just before its end.
      const ics = (await res.text()).replace(/^END:VEVENT/m, `EXDATE;TZID=${e.timeZone}:${compact(addDays(e.start, 7 * n))}\r\nEND:VEVENT`);
      await put(href, ics);
    },
    async list(window) {
      const calendar = reader.calendar;
      if (!calendar) throw new Error('no calendar');
      // Radicale answers a whole calendar-multiget 404 when one listed resource was deleted in between
      // (a concurrent Tandem delete): read again.
      for (let attempt = 1; ; attempt++) {
        try {
          return (await calendar.fetchChanges(null, window)).upserts;
        } catch (e) {
          if (attempt === 3) throw e;
        }
      }
    },
    async expireCursor() {
      // Radicale answers a token equal to the collection's current state without consulting its
      // history, so change the collection after making it forget (as the contract harness does).
      radicale.forgetSyncTokens();
      await put(`${calendarUrl}marker-${++n}.ics`, wrap(vevent(`marker-${n}`, { subject: 'marker', start: '2026-11-20T10:00:00', end: '2026-11-20T11:00:00', timeZone: 'UTC' })));
    },
  };
}
