/**
 * Connect tests through the HTTP API: the real Fastify app (inject), a fresh PGlite database, the
 * three provider simulators with the demo mailboxes, the registry's real adapters behind
 * ProviderAccess, a fake clock, and a stub engine that records "sync now" requests. Every log line
 * (the app's and the adapters') is captured so tests can prove no secret reaches the logs.
 */
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { signIn as microsoftSignIn, simDefaultApp } from '../../sim/microsoft/index';
import { demoMailboxes, startSimulators, type DemoMailbox, type Simulators } from '../../sim/index';
import { buildApp } from '../../src/api/app';
import { buildRoutes } from '../../src/api/routes';
import { FakeClock } from '../../src/domain/clock';
import { createLogger, type Logger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import type { FetchLike } from '../../src/providers/provider';
import { providerFactories } from '../../src/providers/registry';
import type { Db } from '../../src/store/db';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import { connectedAccounts } from '../../src/store/schema';
import { createVault, type Vault } from '../../src/store/vault';
import { CredentialService, openCredentials } from '../../src/sync/credentials';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { ProviderAccess } from '../../src/sync/provider-access';
import { call, signIn, type Session } from '../api/api-harness';
import { startDnsServer, type TestDnsServer } from '../support/dns-server';
import { createTestDb, type TestDriver } from '../support/test-db';

export const publicUrl = 'http://tandem.test';
export const googleApp = { clientId: 'tandem-sim.apps.googleusercontent.com', clientSecret: 'sim-google-client-secret' };

export interface TandemUser {
  id: string;
  email: string;
  password: string;
}

export interface ConnectHarness {
  app: FastifyInstance;
  db: Db;
  vault: Vault;
  clock: FakeClock;
  sims: Simulators;
  providers: ProviderAccess;
  credentials: CredentialService;
  logger: Logger;
  companyId: string;
  /** Tandem users (not mailboxes): an admin and a member of the same company. */
  admin: TandemUser;
  member: TandemUser;
  syncNowCalls: { accountId: string; reason: string }[];
  /** The DNS server the API asks (TANDEM_DNS_SERVERS): empty unless a test adds records. */
  dns: TestDnsServer;
  logLines: string[];
  /** Secret values seen so far (see trackSecrets); checked against the logs after each test. */
  secrets: Set<string>;
  /** Before each test: frees every mailbox, new company and users, clock back to the start, empty logs. */
  reset(): Promise<void>;
  /** The same API on a server whose Microsoft / Google client ids are not configured. */
  withoutOAuthClients(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/**
 * The network as the product sees it: the demo domain's Autodiscover hosts reach the Exchange
 * simulator, and a .test host the harness DNS server has an A record for reaches that address (the
 * port stays), as the system's resolver would send them.
 */
function harnessFetch(exchangeUrl: string, dns: TestDnsServer): FetchLike {
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([dns.address]);
  return async (input, init) => {
    const url = new URL(String(input));
    if (url.hostname === 'greenleaf.example' || url.hostname === 'autodiscover.greenleaf.example') {
      return fetch(`${exchangeUrl}${url.pathname}`, init);
    }
    if (url.hostname.endsWith('.test')) {
      const [address] = await resolver.resolve4(url.hostname).catch(() => []);
      if (address) url.hostname = address;
      return fetch(url, init);
    }
    return fetch(input, init);
  };
}

/** A mailbox in a second tenant that nobody has consented for yet (the admin-consent path). */
export const otherTenantMailbox = { address: 'dora@fabrikam.example', password: 'dora-Fabrikam-2026' };

function accessFor(sims: Simulators, dns: TestDnsServer, clock: FakeClock, logger: Logger, configured: boolean): ProviderAccess {
  return new ProviderAccess({
    factories: providerFactories,
    endpoints: {
      graphBaseUrl: `${sims.microsoft.url}/v1.0`,
      microsoftAuthorityHost: sims.microsoft.url,
      googleOAuthBaseUrl: sims.google.url,
      gmailRootUrl: sims.google.url,
      calendarRootUrl: sims.google.url,
    },
    oauthClients: configured
      ? { microsoft: { clientId: simDefaultApp.clientId, clientSecret: simDefaultApp.clientSecret }, google: googleApp }
      : { microsoft: { clientId: '', clientSecret: '' }, google: { clientId: '', clientSecret: '' } },
    fetch: harnessFetch(sims.exchange.url, dns),
    clock,
    logger,
    limiter: new MailboxLimiter(() => 4),
  });
}

/**
 * One database, one set of simulators and one app per test file (PGlite and the simulators take
 * seconds to start on a busy machine); `reset()` between tests gives each a fresh company, users,
 * clock and log capture, and frees every mailbox.
 */
export async function startConnectHarness(options: { oauthConfigured?: boolean; driver?: TestDriver } = {}): Promise<ConnectHarness> {
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const logLines: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
  const sims = await startSimulators({ clock, messagesPerMailbox: 0, eventsPerMailbox: 0 });
  sims.microsoft.handle.addMailbox({ ...otherTenantMailbox, displayName: 'Dora', type: 'user' });
  const { db, cleanup } = await createTestDb(options.driver ?? 'pglite');
  const dns = await startDnsServer();
  const vault = createVault(new Map([['k1', randomBytes(32)]]), 'k1');
  const providers = accessFor(sims, dns, clock, logger, options.oauthConfigured ?? true);
  const credentials = new CredentialService({ db, vault, clock, oauthFor: (account) => providers.oauthFor(account) });
  const syncNowCalls: { accountId: string; reason: string }[] = [];
  let n = 0;
  let companies = 0;

  const buildFor = async (access: ProviderAccess): Promise<FastifyInstance> => {
    const built = buildRoutes(
      { db, clock, config: { publicUrl, dnsServers: [dns.address] }, randomToken: (bytes) => `${randomBytes(bytes).toString('base64url')}${n++}` },
      {
        engine: {
          wakeOutbox: async () => {},
          syncNow: async (account, reason) => {
            syncNowCalls.push({ accountId: account.id, reason });
          },
        },
        vault,
        providers: access,
      },
    );
    const app = await buildApp({ logger, metrics: createMetrics({ defaults: false }), sessions: built.sessions, routes: built.routes, ready: async () => true });
    await app.ready();
    return app;
  };
  const app = await buildFor(providers);

  const h: ConnectHarness = {
    app,
    db,
    vault,
    clock,
    sims,
    providers,
    credentials,
    logger,
    companyId: '',
    admin: { id: '', email: '', password: '' },
    member: { id: '', email: '', password: '' },
    syncNowCalls,
    dns,
    logLines,
    secrets: new Set(),
    async reset() {
      const now = clock.now();
      for (const row of await accountRows(h, true)) if (!row.disconnectedAt) await db.repos.accounts.disconnect({ companyId: row.companyId }, row.id, now);
      clock.set('2026-11-02T09:00:00Z');
      syncNowCalls.length = 0;
      logLines.length = 0;
      dns.setZone({});
      const k = ++companies;
      const company = await db.repos.companies.create({ name: `Greenleaf Landscaping ${k}` });
      const makeUser = async (local: string, role: 'admin' | 'member'): Promise<TandemUser> => {
        const email = `${local}.${k}@tandem.example`;
        const password = `${local}-tandem-password-${k}`;
        const u = await db.repos.users.create({ companyId: company.id }, { email, name: `${local} (Tandem)`, role, password });
        return { id: u.id, email, password };
      };
      h.companyId = company.id;
      h.admin = await makeUser('ava', 'admin');
      h.member = await makeUser('ben', 'member');
    },
    withoutOAuthClients: () => buildFor(accessFor(sims, dns, clock, logger, false)),
    async close() {
      await app.close();
      await sims.close();
      await dns.close();
      await cleanup();
    },
  };
  await h.reset();
  return h;
}

export const settings = (provider: string | null, extra: Record<string, unknown> = {}) => ({
  syncEmail: true,
  syncCalendar: true,
  syncCaptureFolder: true,
  calendarPrivacy: 'public',
  provider,
  ...extra,
});

export type NextStep = { type: 'redirect'; url: string } | { type: 'done' } | { type: 'error'; code: string; message: string; adminConsentUrl?: string };

export async function save(h: ConnectHarness, session: Session, body: unknown): Promise<NextStep> {
  const res = await call(h.app, session, 'PUT', '/api/settings/sync', body);
  if (res.statusCode !== 200) throw new Error(`PUT /api/settings/sync: ${res.statusCode} ${res.body}`);
  return (res.json() as { next: NextStep }).next;
}

export async function reconnect(h: ConnectHarness, session: Session): Promise<NextStep> {
  const res = await call(h.app, session, 'POST', '/api/settings/sync/reconnect', {});
  if (res.statusCode !== 200) throw new Error(`reconnect: ${res.statusCode} ${res.body}`);
  return (res.json() as { next: NextStep }).next;
}

/** The browser comes back from the provider to our callback; answers where it is sent next. */
export async function followCallback(h: ConnectHarness, session: Session | undefined, back: URL): Promise<URL> {
  expect(`${back.origin}${back.pathname}`).toMatch(new RegExp(`^${publicUrl}/api/oauth/(microsoft|google)/callback$`));
  const res = await h.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: session ? { cookie: session.cookie } : {} });
  expect(res.statusCode).toBe(302);
  return new URL(String(res.headers.location), publicUrl);
}

export interface MicrosoftSignIn {
  login: string;
  password: string;
  otc?: string;
}

/** Save with Microsoft 365 (or Reconnect), sign in on the simulator's pages, return to Tandem. */
export async function connectMicrosoft(h: ConnectHarness, session: Session, who: MicrosoftSignIn, step?: NextStep): Promise<URL> {
  const next = step ?? (await save(h, session, settings('microsoft')));
  if (next.type !== 'redirect') throw new Error(`expected a redirect, got ${JSON.stringify(next)}`);
  const back = await microsoftSignIn(h.sims.microsoft.url, next.url, who);
  return followCallback(h, session, back);
}

export async function connectGoogle(h: ConnectHarness, session: Session, who: { address: string; password: string }, step?: NextStep): Promise<URL> {
  const next = step ?? (await save(h, session, settings('google')));
  if (next.type !== 'redirect') throw new Error(`expected a redirect, got ${JSON.stringify(next)}`);
  return followCallback(h, session, new URL(h.sims.google.handle.signIn(next.url, who)));
}

export async function signInAs(h: ConnectHarness, user: TandemUser): Promise<Session> {
  return signIn(h.app, user.email, user.password);
}

/** Every account row of the current company (or of all companies), connected or not, straight from the database. */
export async function accountRows(h: ConnectHarness, all = false): Promise<ConnectedAccount[]> {
  const rows = await h.db.orm.select().from(connectedAccounts).orderBy(connectedAccounts.createdAt);
  return all ? rows : rows.filter((r) => r.companyId === h.companyId);
}

/** A demo mailbox of the simulators (password and Exchange sign-in name). */
export function demoMailbox(local: string): DemoMailbox {
  const m = demoMailboxes.find((d) => d.address === `${local}@greenleaf.example`);
  if (!m) throw new Error(`no demo mailbox ${local}`);
  return m;
}

/** Secret values known to the test: passwords typed anywhere, client secrets, and every stored token. */
export async function trackSecrets(h: ConnectHarness, extra: Iterable<string> = []): Promise<void> {
  const found = h.secrets;
  for (const s of [...extra, h.admin.password, h.member.password, simDefaultApp.clientSecret, googleApp.clientSecret]) found.add(s);
  for (const m of demoMailboxes) found.add(m.password);
  for (const row of await accountRows(h)) {
    if (!row.credentialsSecret) continue;
    const creds = openCredentials(h.vault, row);
    if (creds.kind === 'oauth') {
      found.add(creds.accessToken);
      found.add(creds.refreshToken);
    } else found.add(creds.password);
  }
}

/** Fails when any captured log line contains one of the secrets. */
export async function expectNoSecretsLogged(h: ConnectHarness): Promise<void> {
  await trackSecrets(h);
  expect(h.logLines.length).toBeGreaterThan(0);
  const leaks = [...h.secrets].filter((s) => s.length >= 6 && h.logLines.some((line) => line.includes(s)));
  expect(leaks).toEqual([]);
}
