/**
 * Test wiring for the Exchange provider: the EWS simulator with a user mailbox (Alice) and two
 * outside recipients that are simulated mailboxes too, so what left through Exchange is observed by
 * what arrived in their inboxes; the provider under test; and the user's side of the same mailbox
 * (the simulator's administrator / Outlook controls).
 */
import { pino } from 'pino';
import { startExchangeSim, type ExchangeSimHandle } from '../../../sim/exchange/index';
import type { SimServer } from '../../../sim/common/sim-server';
import { FakeClock } from '../../domain/clock';
import { ianaToWindows } from '../../domain/timezones';
import { localToUtc } from '../../domain/zoned-time';
import type { ContractHarness, ProviderSideEvent, ProviderSideSeries } from '../contract/contract-harness';
import type { FetchLike, ProviderEndpoints } from '../provider';
import { recordWaits } from '../retry-testing';
import { createExchangeProvider, type ExchangeProvider, type ExchangeProviderOptions } from './exchange-provider';

export const ALICE = 'alice@contoso.com';
export const ALICE_LOGIN = 'CONTOSO\\alice';
export const ALICE_PASSWORD = 'alice-pw';
/** Outside recipients the contract sends to; their inboxes show what Exchange delivered. */
export const OUTSIDE = ['carol@client.test', 'dave@client.test'];

export interface ExchangeTestEnv {
  sim: SimServer<ExchangeSimHandle>;
  handle: ExchangeSimHandle;
  clock: FakeClock;
  provider(o?: { mailbox?: string; username?: string; password?: string; endpoints?: ProviderEndpoints; fetch?: FetchLike; options?: ExchangeProviderOptions }): ExchangeProvider;
  close(): Promise<void>;
}

export async function startExchangeTestEnv(): Promise<ExchangeTestEnv> {
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const sim = await startExchangeSim({ clock, seed: 5 });
  const { handle } = sim;
  handle.addMailbox({ address: ALICE, username: ALICE_LOGIN, password: ALICE_PASSWORD, type: 'user', displayName: 'Alice Archer' });
  for (const address of OUTSIDE) handle.addMailbox({ address, username: address, password: 'outside-pw', type: 'user' });
  return {
    sim,
    handle,
    clock,
    provider: (o = {}) =>
      createExchangeProvider(
        {
          mailbox: o.mailbox ?? ALICE,
          credentials: { kind: 'password', username: o.username ?? ALICE_LOGIN, password: o.password ?? ALICE_PASSWORD },
          endpoints: o.endpoints ?? { ewsUrl: handle.ewsUrl },
          clock,
          logger: pino({ level: 'silent' }),
          fetch: o.fetch ?? ((input, init) => fetch(input, init)),
        },
        // Tests never wait for real: repeats after ErrorServerBusy / 5xx happen at once unless a test records them.
        { ...o.options, retry: { ...recordWaits().retry, ...o.options?.retry } },
      ),
    close: () => sim.close(),
  };
}

const utcIso = (local: string, iana: string) => localToUtc(local, iana).toISOString();
const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

export async function exchangeContractHarness(): Promise<ContractHarness> {
  const env = await startExchangeTestEnv();
  const { handle } = env;
  const folderIds = (folder: string): string[] => {
    try {
      return handle.folderMessages(ALICE, folder).map((m) => m.internetMessageId);
    } catch {
      return []; // the folder does not exist (yet)
    }
  };
  return {
    provider: env.provider(),
    mailbox: ALICE,
    folderNames: { capture: 'Tandem', processed: 'Processed' },
    window: { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') },
    placeInFolder: async (folder, raw) => {
      handle.placeMessage(ALICE, folder, raw);
    },
    folderContents: async (folder) => folderIds(folder),
    sentFolder: async () => handle.sentItems(ALICE).map((m) => m.internetMessageId),
    sentMessages: async () =>
      handle.sentItems(ALICE).map((m) => ({
        messageId: m.internetMessageId,
        recipients: OUTSIDE.filter((r) => handle.folderMessages(r, 'inbox').some((x) => x.internetMessageId === m.internetMessageId)),
      })),
    createProviderEvent: async (e: ProviderSideEvent) =>
      handle.createProviderEvent(ALICE, { subject: e.subject, start: utcIso(e.start, e.timeZone), end: utcIso(e.end, e.timeZone), timeZone: ianaToWindows(e.timeZone) }),
    updateProviderEvent: async (id, changes) => handle.updateProviderEvent(ALICE, id, changes),
    deleteProviderEvent: async (id) => handle.deleteProviderEvent(ALICE, id),
    createProviderSeries: async (s: ProviderSideSeries) => {
      const first = utcIso(s.firstStart, s.timeZone);
      const weekday = new Date(`${s.firstStart.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
      const id = handle.createProviderEvent(ALICE, {
        subject: s.subject,
        start: first,
        end: plusMinutes(first, s.durationMinutes),
        timeZone: ianaToWindows(s.timeZone),
        recurrence: {
          pattern: { type: 'Weekly', interval: 1, days: weekday, firstDayOfWeek: 'Monday' },
          range: { type: 'Numbered', startDate: s.firstStart.slice(0, 10), count: 4 },
        },
      });
      // The 2nd and 3rd occurrences by their original start (a week apart on local wall-clock time).
      const nth = (n: number) => utcIso(`${new Date(Date.parse(`${s.firstStart}Z`) + n * 7 * 86_400_000).toISOString().slice(0, 19)}`, s.timeZone);
      const moved = utcIso(s.movedStart, s.timeZone);
      handle.updateProviderEvent(ALICE, id, { occurrenceStart: nth(1), start: moved, end: plusMinutes(moved, s.durationMinutes) });
      handle.deleteProviderEvent(ALICE, id, nth(2));
      return id;
    },
    expireCalendarCursor: async (cursor) => {
      handle.expireSyncState(ALICE);
      return cursor;
    },
    close: () => env.close(),
  };
}
