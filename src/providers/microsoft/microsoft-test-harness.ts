/**
 * Test wiring for the Microsoft provider: the Microsoft 365 simulator, a mailbox signed in through
 * our own OAuth ability (msal-node + the simulator's sign-in pages), the provider under test, and the
 * user's side of the same mailbox (the simulator's admin handle, and plain Graph calls).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Event } from '@microsoft/microsoft-graph-types';
import { pino } from 'pino';
import { signIn, simDefaultApp, startMicrosoftSim, type MicrosoftSimHandle } from '../../../sim/microsoft/index';
import type { SimServer } from '../../../sim/common/sim-server';
import { FakeClock } from '../../domain/clock';
import type { ContractHarness, ProviderSideEvent, ProviderSideSeries } from '../contract/contract-harness';
import { isProviderError, type ProviderError } from '../errors';
import type { FetchLike, OAuthCredentials, Provider, ProviderEndpoints } from '../provider';
import { createMicrosoftOAuth, type MicrosoftOAuth } from './microsoft-oauth';
import { recordWaits } from '../retry-testing';
import { createMicrosoftProvider, type MicrosoftProviderOptions } from './microsoft-provider';

export const testMailbox = 'ava@contoso.example';
export const testPassword = 'pw-ava';
export const redirectUri = 'http://localhost:3000/auth/microsoft/callback';

export interface MicrosoftTestEnv {
  sim: SimServer<MicrosoftSimHandle>;
  clock: FakeClock;
  endpoints: ProviderEndpoints;
  oauth: MicrosoftOAuth;
  close(): Promise<void>;
}

export interface TestEnvOptions {
  mailboxes?: { address: string; type: 'user' | 'shared' | 'group' }[];
  /** Where the simulator delivers change notifications (the webhook under test). */
  notificationFetch?: FetchLike;
}

export async function startMicrosoftTestEnv(options: TestEnvOptions = {}): Promise<MicrosoftTestEnv> {
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const sim = await startMicrosoftSim({ clock, seed: 11, ...(options.notificationFetch ? { notificationFetch: options.notificationFetch } : {}) });
  for (const m of options.mailboxes ?? [{ address: testMailbox, type: 'user' as const }]) sim.handle.addMailbox({ address: m.address, type: m.type, password: testPassword, displayName: m.address.split('@')[0] });
  const endpoints: ProviderEndpoints = { graphBaseUrl: `${sim.url}/v1.0`, microsoftAuthorityHost: sim.url };
  const fetchImpl = (input: string | URL, init?: RequestInit) => fetch(input, init);
  const oauth = createMicrosoftOAuth({ clientId: simDefaultApp.clientId, clientSecret: simDefaultApp.clientSecret }, endpoints, { fetch: fetchImpl, clock });
  return { sim, clock, endpoints, oauth, close: () => sim.close() };
}

/** The ProviderError a promise rejects with; a success (or another error) fails the test. */
export async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const outcome = await p.then(
    () => new Error('expected a ProviderError, the call succeeded'),
    (e: unknown) => e,
  );
  if (!isProviderError(outcome)) throw outcome;
  return outcome;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The connect flow end to end: authorize URL → the user's sign-in pages → code → credentials. */
export async function connect(env: MicrosoftTestEnv, login = testMailbox, extra: { otc?: string } = {}): Promise<OAuthCredentials> {
  const { verifier, challenge } = pkcePair();
  const url = env.oauth.authorizeUrl({ state: 'st-1', codeChallenge: challenge, redirectUri, loginHint: login });
  const back = await signIn(env.sim.url, url, { login, password: testPassword, ...extra });
  const { code } = env.oauth.parseRedirect(back.searchParams);
  return env.oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri });
}

export function providerFor(env: MicrosoftTestEnv, credentials: OAuthCredentials, mailbox = testMailbox, options: MicrosoftProviderOptions = {}): Provider {
  return createMicrosoftProvider(
    { mailbox, credentials, endpoints: env.endpoints, clock: env.clock, logger: pino({ level: 'silent' }), fetch: (input, init) => fetch(input, init) },
    // Tests never wait for real: repeats after a 429 / 5xx happen at once unless a test records them.
    { ...options, retry: { ...recordWaits().retry, ...options.retry } },
  );
}

type Recipients = { emailAddress?: { address?: string } }[] | undefined;

export async function microsoftContractHarness(): Promise<ContractHarness> {
  const env = await startMicrosoftTestEnv();
  const credentials = await connect(env);
  const provider = providerFor(env, credentials);
  const { handle } = env.sim;
  const graph = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const res = await fetch(`${env.sim.url}/v1.0${path}`, { ...init, headers: { authorization: `Bearer ${credentials.accessToken}`, 'content-type': 'application/json', ...init.headers } });
    return res.status === 204 ? undefined : ((await res.json()) as unknown);
  };
  const addresses = (list: Recipients) => (list ?? []).map((r) => r.emailAddress?.address ?? '');

  return {
    provider,
    mailbox: testMailbox,
    folderNames: { capture: 'Tandem', processed: 'Processed' },
    window: { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') },
    placeInFolder: async (folder, raw) => {
      await handle.placeMessage(testMailbox, folder, raw);
    },
    folderContents: async (folder) => handle.listFolderMessages(testMailbox, folder).map((m) => m.internetMessageId),
    sentFolder: async () => handle.sentItems(testMailbox).map((m) => m.internetMessageId),
    sentMessages: async () => {
      const body = (await graph('/me/mailFolders/sentitems/messages?$select=internetMessageId,toRecipients,ccRecipients,bccRecipients&$top=1000')) as {
        value: { internetMessageId: string; toRecipients?: Recipients; ccRecipients?: Recipients; bccRecipients?: Recipients }[];
      };
      return body.value.map((m) => ({ messageId: m.internetMessageId, recipients: [...addresses(m.toRecipients), ...addresses(m.ccRecipients), ...addresses(m.bccRecipients)] }));
    },
    createProviderEvent: async (e: ProviderSideEvent) => {
      const made = await handle.createProviderEvent(testMailbox, {
        subject: e.subject,
        start: { dateTime: e.start, timeZone: e.timeZone },
        end: { dateTime: e.end, timeZone: e.timeZone },
      });
      return made.id ?? '';
    },
    updateProviderEvent: async (id, changes) => {
      await handle.updateProviderEvent(testMailbox, id, changes);
    },
    deleteProviderEvent: (id) => handle.deleteProviderEvent(testMailbox, id),
    createProviderSeries: async (s: ProviderSideSeries) => {
      const end = new Date(Date.parse(`${s.firstStart}Z`) + s.durationMinutes * 60_000).toISOString().slice(0, 19);
      const weekday = new Date(`${s.firstStart.slice(0, 10)}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }).toLowerCase();
      const master = await handle.createProviderEvent(testMailbox, {
        subject: s.subject,
        start: { dateTime: s.firstStart, timeZone: s.timeZone },
        end: { dateTime: end, timeZone: s.timeZone },
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekday] },
          range: { type: 'numbered', startDate: s.firstStart.slice(0, 10), numberOfOccurrences: 4 },
        },
      });
      const instances = (await graph(
        `/me/events/${encodeURIComponent(master.id ?? '')}/instances?startDateTime=2026-01-01T00:00:00Z&endDateTime=2027-12-31T00:00:00Z&$top=50`,
        { headers: { prefer: `outlook.timezone="${s.timeZone}"` } },
      )) as { value: Event[] };
      const sorted = instances.value.sort((a, b) => (a.originalStart ?? '').localeCompare(b.originalStart ?? ''));
      const movedEnd = new Date(Date.parse(`${s.movedStart}Z`) + s.durationMinutes * 60_000).toISOString().slice(0, 19);
      await handle.updateProviderEvent(testMailbox, sorted[1]?.id ?? '', {
        start: { dateTime: s.movedStart, timeZone: s.timeZone },
        end: { dateTime: movedEnd, timeZone: s.timeZone },
      });
      await handle.deleteProviderEvent(testMailbox, sorted[2]?.id ?? '');
      return master.id ?? '';
    },
    expireCalendarCursor: async (cursor) => {
      handle.expireDeltaTokens(testMailbox);
      return cursor;
    },
    close: () => env.close(),
  };
}
