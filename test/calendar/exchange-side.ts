/**
 * The user's side of a simulated Exchange mailbox (Outlook editing the calendar): the simulator's
 * administrator handle, which changes items as EWS CreateItem / UpdateItem / DeleteItem do (change
 * keys, occurrence exceptions, sync states), plus a provider instance of our own to read back what
 * Exchange holds.
 */
import { exchangeProviderFactory } from '../../src/providers/exchange/exchange-provider';
import type { ExchangeTestEnv } from '../../src/providers/exchange/exchange-test-harness';
import { ianaToWindows } from '../../src/domain/timezones';
import { localToUtc } from '../../src/domain/zoned-time';
import type { AccountSetup } from './calendar-harness';
import { listAll, type CalendarSide, type SideEvent } from './caldav-side';

const addHours = (local: string, h: number) => new Date(Date.parse(`${local}Z`) + h * 3_600_000).toISOString().slice(0, 19);
const addDays = (local: string, d: number) => addHours(local, 24 * d);

// Outlook sends instants with the item's Windows zone.
const at = (local: string, timeZone: string) => localToUtc(local, timeZone).toISOString();
/** Occurrences are addressed by their original start, a week apart on local wall-clock time. */
const originalStart = (e: SideEvent, n: number) => at(addDays(e.start, 7 * n), e.timeZone);

export function exchangeSide(env: ExchangeTestEnv, user: { address: string; username: string; password: string }): CalendarSide {
  const { handle } = env;
  const mailbox = user.address;
  const setup: AccountSetup = {
    provider: 'exchange',
    factory: exchangeProviderFactory,
    mailbox,
    endpoints: { ewsUrl: handle.ewsUrl },
    credentials: { kind: 'password', username: user.username, password: user.password },
  };
  const reader = env.provider({ mailbox, username: user.username, password: user.password });
  return {
    setup,
    async createEvent(e) {
      // An all-day item runs from midnight to midnight in its zone (Outlook's convention).
      const local = (v: string) => (e.allDay ? `${v}T00:00:00` : v);
      return handle.createProviderEvent(mailbox, { subject: e.subject, isAllDay: e.allDay === true, start: at(local(e.start), e.timeZone), end: at(local(e.end), e.timeZone), timeZone: ianaToWindows(e.timeZone) });
    },
    async updateEvent(id, changes) {
      handle.updateProviderEvent(mailbox, id, { subject: changes.subject });
    },
    async deleteEvent(id) {
      handle.deleteProviderEvent(mailbox, id);
    },
    async createSeries(e) {
      const weekday = new Date(`${e.start.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
      const id = handle.createProviderEvent(mailbox, {
        subject: e.subject,
        start: at(e.start, e.timeZone),
        end: at(e.end, e.timeZone),
        timeZone: ianaToWindows(e.timeZone),
        recurrence: { pattern: { type: 'Weekly', interval: 1, days: weekday, firstDayOfWeek: 'Monday' }, range: { type: 'Numbered', startDate: e.start.slice(0, 10), count: 6 } },
      });
      const nth = (n: number) => originalStart(e, n);
      handle.updateProviderEvent(mailbox, id, { occurrenceStart: nth(1), start: at(addHours(addDays(e.start, 7), 2), e.timeZone), end: at(addHours(addDays(e.end, 7), 2), e.timeZone) });
      handle.deleteProviderEvent(mailbox, id, nth(2));
      return id;
    },
    async cancelOccurrence(id, e, n) {
      handle.deleteProviderEvent(mailbox, id, originalStart(e, n));
    },
    list: (window) => listAll(reader, window),
    async expireCursor() {
      handle.expireSyncState(mailbox);
    },
  };
}
