/**
 * A Microsoft 365 mailbox on the simulator, connected to Tandem on a fresh store (PGlite by default),
 * with the product's API routes (buildRoutes, so the webhooks get what the product gives them)
 * served on an ephemeral port the simulator delivers to, and a PushManager. Two modes: `engine` runs
 * the real SyncEngine (pg-boss, LISTEN/NOTIFY) so a notification becomes a run by itself; `manual`
 * records syncNow calls and runs syncs by hand on the fake clock, ensures running inline.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { SessionLookup } from '../../src/api/app';
import type { RouteDef } from '../../src/api/route';
import { buildApp } from '../../src/api/app';
import { buildRoutes } from '../../src/api/routes';
import { webhookRoutes, type WebhookRouteDeps } from '../../src/api/routes/webhooks';
import { createMetrics } from '../../src/metrics';
import { connect, startMicrosoftTestEnv, testMailbox, type MicrosoftTestEnv } from '../../src/providers/microsoft/microsoft-test-harness';
import { microsoftProviderFactory } from '../../src/providers/microsoft';
import { simDefaultApp } from '../../sim/microsoft/index';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { CredentialService } from '../../src/sync/credentials';
import { SyncEngine } from '../../src/sync/engine';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { ProviderAccess } from '../../src/sync/provider-access';
import type { AccountRef } from '../../src/sync/push/push-due';
import { PushManager } from '../../src/sync/push/push-manager';
import { connectMicrosoftAccount, rawMessage, silent, testEngine, testVault } from '../capture/capture-harness';
import { signIn, type Session } from '../api/api-harness';
import { createTestDb, type TestDb, type TestDriver } from '../support/test-db';

export const publicUrl = 'https://tandem.example';
export const contactAddress = 'margaret.ellis@oakridge-hoa.example';

export interface PushWorld {
  env: MicrosoftTestEnv;
  t: TestDb;
  app: FastifyInstance;
  /** Where the app really listens (the simulator's deliveries are rewritten from publicUrl to it). */
  appUrl: string;
  account: ConnectedAccount;
  scope: { companyId: string };
  contactId: string;
  manager: PushManager;
  /** `manual` mode: the syncNow calls the webhooks made. */
  syncCalls: { account: AccountRef; reason: string }[];
  engine?: SyncEngine;
  /** A signed-in session of the account's user, for the settings routes. */
  signIn(): Promise<Session>;
  /** Runs one sync of the account by hand (manual mode). */
  syncByHand(): Promise<unknown>;
  /** Drops a message from the contact into the Tandem folder, as the user would in Outlook. */
  drop(id: string): Promise<void>;
  activities(): Promise<number>;
  close(): Promise<void>;
}

async function listenOn(routes: RouteDef[], sessions: SessionLookup): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({ logger: silent, metrics: createMetrics({ defaults: false }), sessions, routes, ready: async () => true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, url: typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '' };
}

/** The webhook routes alone on an ephemeral loopback port. */
export function serveWebhooks(deps: Omit<WebhookRouteDeps, 'config' | 'randomToken'>): Promise<{ app: FastifyInstance; url: string }> {
  return listenOn(webhookRoutes({ ...deps, config: { publicUrl }, randomToken: (n) => randomBytes(n).toString('base64url') }), { resolve: async () => null });
}

const userPassword = 'push-world-password';

export async function startPushWorld(mode: 'engine' | 'manual', driver: TestDriver = 'pglite'): Promise<PushWorld> {
  let appUrl = '';
  const env = await startMicrosoftTestEnv({
    notificationFetch: (input, init) => fetch(String(input).replace(publicUrl, appUrl), init),
  });
  // pg-boss schedules on the wall clock: start the fake clock at "now" so both agree.
  env.clock.set(new Date());
  const t = await createTestDb(driver);
  const company = await t.db.repos.companies.create({ name: 'Greenleaf Landscaping' });
  const scope = { companyId: company.id };
  const email = `ava-${randomBytes(4).toString('hex')}@greenleaf.example`;
  const userId = (await t.db.repos.users.create(scope, { email, name: 'Ava', role: 'admin', password: userPassword })).id;
  const vault = testVault();
  const contactId = (await t.db.repos.contacts.create(scope, { name: 'Margaret Ellis', emails: [contactAddress] })).id;
  const account = await connectMicrosoftAccount(t.db, vault, scope, userId, testMailbox, await connect(env), env.endpoints, env.clock.now());
  const clock = env.clock;
  const providers = new ProviderAccess({
    factories: { microsoft: microsoftProviderFactory },
    endpoints: env.endpoints,
    // Configured so Reconnect can sign in (another mailbox, in the switch test) through the routes.
    oauthClients: { microsoft: { clientId: simDefaultApp.clientId, clientSecret: simDefaultApp.clientSecret } },
    fetch: (input, init) => fetch(input, init),
    clock,
    logger: silent,
    limiter: new MailboxLimiter(() => 4),
  });
  const credentials = new CredentialService({ db: t.db, vault, clock, oauthFor: () => env.oauth });
  const syncCalls: PushWorld['syncCalls'] = [];
  const hand = testEngine(t.db, vault, { features: [captureFeature()], factory: microsoftProviderFactory, clock, oauth: env.oauth });
  const engine =
    mode === 'engine'
      ? new SyncEngine({ db: t.db, clock, credentials, providers, features: [captureFeature()], outboxHandlers: [], queue: { pollingIntervalSeconds: 30 } , logger: pino({level: process.env.PUSH_LOG ?? 'silent'}) })
      : undefined;
  const syncNow = async (a: AccountRef, reason: string) => {
    syncCalls.push({ account: a, reason });
    await engine?.syncNow(a, reason);
  };
  const manager = new PushManager({ db: t.db, clock, logger: silent, credentials, providers, publicUrl, ...(engine ? { queue: engine.queue } : {}) });
  const built = buildRoutes(
    { db: t.db, clock, config: { publicUrl }, randomToken: (n) => randomBytes(n).toString('base64url') },
    { engine: { syncNow, wakeOutbox: async () => undefined }, vault, providers, push: manager },
  );
  const { app, url } = await listenOn(built.routes, built.sessions);
  appUrl = url;
  await engine?.start({ workers: true });

  const scopeRef = { companyId: account.companyId };
  return {
    env,
    t,
    app,
    appUrl,
    account,
    scope,
    contactId,
    manager,
    syncCalls,
    ...(engine ? { engine } : {}),
    signIn: () => signIn(app, email, userPassword),
    syncByHand: async () => hand.sync((await t.db.repos.accounts.get(scopeRef, account.id)) ?? account),
    drop: async (id) => {
      await env.sim.handle.placeMessage(testMailbox, 'Tandem', rawMessage({ id, from: contactAddress, to: testMailbox }));
    },
    activities: async () => (await t.db.repos.activities.listForContact(scope, contactId, { limit: 200 })).items.length,
    close: async () => {
      await app.close();
      await engine?.stop(2_000);
      await env.sim.handle.flushNotifications();
      await t.cleanup();
      await env.close();
    },
  };
}
