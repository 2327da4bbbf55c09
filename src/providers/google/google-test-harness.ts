/**
 * Test wiring for the Google provider: the Google simulator, a mailbox signed in through our own
 * OAuth ability (the simulator's consent decision via handle.signIn), the provider under test, and
 * the user's side of the same mailbox (the simulator's handle).
 */
import { createHash, randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startGoogleSim, type GoogleSimHandle, type GoogleSimOptions } from '../../../sim/google/index';
import type { SimServer } from '../../../sim/common/sim-server';
import { FakeClock } from '../../domain/clock';
import { localToUtc } from '../../domain/zoned-time';
import type { ContractHarness, ProviderSideSeries } from '../contract/contract-harness';
import type { FetchLike, OAuthCredentials, Provider, ProviderEndpoints } from '../provider';
import { createGoogleOAuth, type GoogleOAuth } from './google-oauth';
import { recordWaits } from '../retry-testing';
import { createGoogleProvider, type GoogleProviderOptions } from './google-provider';

export const testMailbox = 'ava@greenleaf.example';
export const testPassword = 'pw-ava';
export const redirectUri = 'http://localhost:3000/auth/google/callback';
export const testClient = { clientId: 'tandem-test.apps.googleusercontent.com', clientSecret: 'sim-secret' };

export interface GoogleTestEnv {
  sim: SimServer<GoogleSimHandle>;
  clock: FakeClock;
  endpoints: ProviderEndpoints;
  oauth: GoogleOAuth;
  fetch: FetchLike;
  close(): Promise<void>;
}

export async function startGoogleTestEnv(options: GoogleSimOptions = {}): Promise<GoogleTestEnv> {
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const sim = await startGoogleSim({ clock, seed: 7, ...options });
  sim.handle.addMailbox({ address: testMailbox, password: testPassword, displayName: 'Ava Green', timeZone: 'Europe/Berlin' });
  const endpoints: ProviderEndpoints = { gmailRootUrl: sim.url, calendarRootUrl: sim.url, googleOAuthBaseUrl: sim.url };
  const fetchImpl: FetchLike = (input, init) => fetch(input, init);
  const oauth = createGoogleOAuth(testClient, endpoints, { fetch: fetchImpl, clock });
  return { sim, clock, endpoints, oauth, fetch: fetchImpl, close: () => sim.close() };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The connect flow end to end: authorize URL → the consent decision → code → credentials. */
export async function connect(env: GoogleTestEnv, address = testMailbox, password = testPassword): Promise<OAuthCredentials> {
  const { verifier, challenge } = pkcePair();
  const url = env.oauth.authorizeUrl({ state: 'st-1', codeChallenge: challenge, redirectUri, loginHint: address });
  const back = new URL(env.sim.handle.signIn(url, { address, password }));
  const { code } = env.oauth.parseRedirect(back.searchParams);
  return env.oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri });
}

export function providerFor(env: GoogleTestEnv, credentials: OAuthCredentials, options: GoogleProviderOptions = {}, fetchImpl: FetchLike = env.fetch): Provider {
  // Tests never wait for real: repeats after a 429 / 5xx happen at once unless a test records them.
  const retry = { ...recordWaits().retry, ...options.retry };
  return createGoogleProvider({ mailbox: testMailbox, credentials, endpoints: env.endpoints, clock: env.clock, logger: pino({ level: 'silent' }), fetch: fetchImpl }, { ...options, retry });
}

const addMinutes = (local: string, minutes: number): string => new Date(Date.parse(`${local}Z`) + minutes * 60_000).toISOString().slice(0, 19);

/** The user makes a weekly series of 4 in Google Calendar, moves the 2nd and cancels the 3rd. */
export function createSeriesAtProvider(handle: GoogleSimHandle, s: ProviderSideSeries): string {
  const master = handle.createProviderEvent(testMailbox, {
    summary: s.subject,
    start: { dateTime: s.firstStart, timeZone: s.timeZone },
    end: { dateTime: addMinutes(s.firstStart, s.durationMinutes), timeZone: s.timeZone },
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
  });
  const masterId = master.id ?? '';
  const slot = (week: number) => localToUtc(addMinutes(s.firstStart, week * 7 * 24 * 60), s.timeZone);
  const instanceId = (week: number) => `${masterId}_${slot(week).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`;
  handle.updateProviderEvent(testMailbox, instanceId(1), {
    start: { dateTime: s.movedStart, timeZone: s.timeZone },
    end: { dateTime: addMinutes(s.movedStart, s.durationMinutes), timeZone: s.timeZone },
  });
  handle.deleteProviderEvent(testMailbox, instanceId(2));
  return masterId;
}

export async function googleContractHarness(): Promise<ContractHarness> {
  const env = await startGoogleTestEnv();
  const credentials = await connect(env);
  const provider = providerFor(env, credentials);
  const { handle } = env.sim;
  const ids = (list: { messageId?: string }[]) => list.map((m) => m.messageId ?? '');
  return {
    provider,
    mailbox: testMailbox,
    folderNames: { capture: 'Tandem', processed: 'Processed' },
    window: { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') },
    placeInFolder: async (folder, raw) => {
      handle.placeMessage(testMailbox, folder, raw);
    },
    folderContents: async (folder) => ids(handle.messagesWithLabel(testMailbox, folder)),
    sentFolder: async () => ids(handle.sent(testMailbox)),
    sentMessages: async () => handle.sent(testMailbox).map((m) => ({ messageId: m.messageId ?? '', recipients: m.recipients })),
    createProviderEvent: async (e) =>
      handle.createProviderEvent(testMailbox, { summary: e.subject, start: { dateTime: e.start, timeZone: e.timeZone }, end: { dateTime: e.end, timeZone: e.timeZone } }).id ?? '',
    updateProviderEvent: async (id, changes) => {
      handle.updateProviderEvent(testMailbox, id, { summary: changes.subject });
    },
    deleteProviderEvent: async (id) => handle.deleteProviderEvent(testMailbox, id),
    createProviderSeries: async (s) => createSeriesAtProvider(handle, s),
    expireCalendarCursor: async (cursor) => {
      handle.expireSyncTokens(testMailbox);
      return cursor;
    },
    close: () => env.close(),
  };
}
