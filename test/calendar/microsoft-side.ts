/**
 * The user's side of a simulated Microsoft 365 mailbox (Outlook editing the calendar): the
 * simulator's admin handle, plus a provider instance of our own to read back what Graph holds.
 */
import { localToUtc } from '../../src/domain/zoned-time';
import type { OAuthAbility, OAuthCredentials } from '../../src/providers/provider';
import { microsoftProviderFactory } from '../../src/providers/microsoft/microsoft-provider';
import { connect, providerFor, testMailbox, type MicrosoftTestEnv } from '../../src/providers/microsoft/microsoft-test-harness';
import type { AccountSetup } from './calendar-harness';
import { listAll, type CalendarSide, type SideEvent } from './caldav-side';

const addDays = (local: string, d: number) => new Date(Date.parse(`${local}Z`) + d * 86_400_000).toISOString().slice(0, 19);
const addHours = (local: string, h: number) => new Date(Date.parse(`${local}Z`) + h * 3_600_000).toISOString().slice(0, 19);

/** Instance ids are the master id plus the instance's UTC start (the simulator's Outlook-like scheme). */
function occurrenceIdOf(masterId: string, e: SideEvent, n: number): string {
  const utc = localToUtc(addDays(e.start, 7 * n), e.timeZone).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${masterId.replace(/=+$/, '')}_OC_${utc}=`;
}

export function microsoftSide(env: MicrosoftTestEnv, credentials: OAuthCredentials, mailbox = testMailbox): CalendarSide & { oauth: OAuthAbility } {
  const { handle } = env.sim;
  let reader = { provider: providerFor(env, credentials, mailbox), expiresAt: Date.parse(credentials.accessTokenExpiresAt) };
  /** Our reader signs in again once its token is about to expire on the test's clock (a long chaos run passes an hour). */
  const currentReader = async () => {
    if (env.clock.now().getTime() >= reader.expiresAt - 5 * 60_000) {
      const fresh = await connect(env, mailbox);
      reader = { provider: providerFor(env, fresh, mailbox), expiresAt: Date.parse(fresh.accessTokenExpiresAt) };
    }
    return reader.provider;
  };
  const setup: AccountSetup = { provider: 'microsoft', factory: microsoftProviderFactory, mailbox, endpoints: env.endpoints, credentials };
  return {
    setup,
    oauth: env.oauth,
    async createEvent(e) {
      const at = (local: string) => ({ dateTime: e.allDay ? `${local}T00:00:00` : local, timeZone: e.timeZone });
      const made = await handle.createProviderEvent(mailbox, { subject: e.subject, isAllDay: e.allDay === true, start: at(e.start), end: at(e.end) });
      return made.id ?? '';
    },
    async updateEvent(id, changes) {
      await handle.updateProviderEvent(mailbox, id, changes);
    },
    deleteEvent: (id) => handle.deleteProviderEvent(mailbox, id),
    async createSeries(e) {
      const weekday = new Date(`${e.start.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }).toLowerCase();
      const master = await handle.createProviderEvent(mailbox, {
        subject: e.subject,
        start: { dateTime: e.start, timeZone: e.timeZone },
        end: { dateTime: e.end, timeZone: e.timeZone },
        recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekday] }, range: { type: 'numbered', startDate: e.start.slice(0, 10), numberOfOccurrences: 6 } },
      });
      const id = master.id ?? '';
      const occurrenceId = (n: number) => occurrenceIdOf(id, e, n);
      const second = addDays(e.start, 7);
      await handle.updateProviderEvent(mailbox, occurrenceId(1), {
        start: { dateTime: addHours(second, 2), timeZone: e.timeZone },
        end: { dateTime: addHours(addDays(e.end, 7), 2), timeZone: e.timeZone },
      });
      await handle.deleteProviderEvent(mailbox, occurrenceId(2));
      return id;
    },
    cancelOccurrence: (id, e, n) => handle.deleteProviderEvent(mailbox, occurrenceIdOf(id, e, n)),
    list: async (window) => listAll(await currentReader(), window),
    async expireCursor() {
      handle.expireDeltaTokens(mailbox);
    },
  };
}
