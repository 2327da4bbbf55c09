/**
 * The user's side of a simulated Google account (Google Calendar editing the calendar): the
 * simulator's handle, which changes events exactly as Calendar v3 inserts / patches / deletes do
 * (ETags, instance exceptions, sync tokens, channel notifications), plus a provider instance of our
 * own to read back what Google holds.
 */
import { pino } from 'pino';
import { localToUtc } from '../../src/domain/zoned-time';
import { createGoogleProvider, googleProviderFactory } from '../../src/providers/google/google-provider';
import type { GoogleTestEnv } from '../../src/providers/google/google-test-harness';
import type { OAuthAbility, OAuthCredentials } from '../../src/providers/provider';
import type { AccountSetup } from './calendar-harness';
import { listAll, type CalendarSide, type SideEvent } from './caldav-side';

const addHours = (local: string, h: number) => new Date(Date.parse(`${local}Z`) + h * 3_600_000).toISOString().slice(0, 19);
const addDays = (local: string, d: number) => addHours(local, 24 * d);

/** Instance ids are the master id plus the slot's UTC start (Calendar's `{id}_{YYYYMMDDTHHMMSSZ}`). */
function instanceIdOf(masterId: string, e: SideEvent, n: number): string {
  return `${masterId}_${localToUtc(addDays(e.start, 7 * n), e.timeZone).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`;
}

export function googleSide(env: GoogleTestEnv, credentials: OAuthCredentials, mailbox: string): CalendarSide & { oauth: OAuthAbility } {
  const { handle } = env.sim;
  const setup: AccountSetup = { provider: 'google', factory: googleProviderFactory, mailbox, endpoints: env.endpoints, credentials };
  const readerWith = (c: OAuthCredentials) => ({
    provider: createGoogleProvider({ mailbox, credentials: c, endpoints: env.endpoints, clock: env.clock, logger: pino({ level: 'silent' }), fetch: env.fetch }),
    expiresAt: Date.parse(c.accessTokenExpiresAt),
  });
  let reader = readerWith(credentials);
  /** Our reader refreshes once its token is about to expire on the test's clock (Google does not rotate refresh tokens). */
  const currentReader = async () => {
    if (env.clock.now().getTime() >= reader.expiresAt - 5 * 60_000) reader = readerWith(await env.oauth.refresh(credentials));
    return reader.provider;
  };
  const time = (local: string, timeZone: string) => ({ dateTime: local, timeZone });
  return {
    setup,
    oauth: env.oauth,
    async createEvent(e) {
      const at = (local: string) => (e.allDay ? { date: local } : time(local, e.timeZone));
      return handle.createProviderEvent(mailbox, { summary: e.subject, start: at(e.start), end: at(e.end) }).id ?? '';
    },
    async updateEvent(id, changes) {
      handle.updateProviderEvent(mailbox, id, { summary: changes.subject });
    },
    async deleteEvent(id) {
      handle.deleteProviderEvent(mailbox, id);
    },
    async createSeries(e) {
      const master = handle.createProviderEvent(mailbox, { summary: e.subject, start: time(e.start, e.timeZone), end: time(e.end, e.timeZone), recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'] });
      const id = master.id ?? '';
      const instanceId = (n: number) => instanceIdOf(id, e, n);
      handle.updateProviderEvent(mailbox, instanceId(1), { start: time(addHours(addDays(e.start, 7), 2), e.timeZone), end: time(addHours(addDays(e.end, 7), 2), e.timeZone) });
      handle.deleteProviderEvent(mailbox, instanceId(2));
      return id;
    },
    async cancelOccurrence(id, e, n) {
      handle.deleteProviderEvent(mailbox, instanceIdOf(id, e, n));
    },
    list: async (window) => listAll(await currentReader(), window),
    async expireCursor() {
      handle.expireSyncTokens(mailbox);
    },
  };
}
