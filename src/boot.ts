/**
 * The composition root: configuration → database → vault → sync engine → API. `tandem start`,
 * `tandem worker`, `tandem demo` and the end-to-end tests all boot through here, so what runs in
 * production is what the tests run.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app';
import { buildRoutes } from './api/routes';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/clock';
import { createMetrics, type Metrics } from './metrics';
import type { FetchLike, ProviderFactory, ProviderKind } from './providers/provider';
import { providerFactories } from './providers/registry';
import { openDb, type Db } from './store/db';
import { migrate } from './store/migrate';
import { openVault, type Vault } from './store/vault';
import { CredentialService } from './sync/credentials';
import { SyncEngine, type EngineDeps } from './sync/engine';
import type { SyncFeature } from './sync/feature';
import type { OutboxHandler } from './sync/outbox-worker';
import { MailboxLimiter, providerConcurrency } from './sync/mailbox-limiter';
import { ProviderAccess } from './sync/provider-access';
import { createPush, withGmailTopic } from './sync/push/push-wiring';
import { PubSubPushVerifier } from './providers/google/pubsub-push';
import { blobStoreFor, syncFeatures, outboxHandlers } from './sync/wiring';

export interface BootOptions {
  config: Config;
  logger: Logger;
  /** Take jobs in this process (start: per config; worker: yes; API-only nodes: no). */
  workers: boolean;
  /** Serve HTTP (start, demo) or not (worker). */
  api: boolean;
  clock?: Clock;
  fetch?: FetchLike;
  /** Tests and the demo swap adapters (e.g. to count calls); production uses the registry. */
  factories?: Partial<Record<ProviderKind, ProviderFactory>>;
  /** An already-open database (tests); otherwise opened from the configuration. */
  db?: Db;
  /** Tests swap the pipeline for a scripted one; production uses sync/wiring.ts. */
  features?: SyncFeature[];
  outboxHandlers?: OutboxHandler[];
  /** Job-queue timings (tests shorten expiry to prove kill -9 recovery). */
  queue?: EngineDeps['queue'];
  /** Outbox lease (tests shorten it so a killed worker's rows come back quickly). */
  outboxLeaseMs?: number;
  /** Jobs fetched per poll and run at once by this process (default 20 and 4). */
  workerSizing?: { batchSize: number; concurrency: number };
  /** Push subscriptions and IDLE / EWS-pull watchers (default on; tests of other parts may turn it off). */
  push?: boolean;
}

export interface Runtime {
  db: Db;
  vault: Vault;
  engine: SyncEngine;
  metrics: Metrics;
  app?: FastifyInstance;
  close(): Promise<void>;
}

export const webRoot = fileURLToPath(new URL('../web/dist', import.meta.url));

export async function boot(options: BootOptions): Promise<Runtime> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const db = options.db ?? (await openDb({ dataDir: config.dataDir, logger, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) }));
  try {
    await migrate(db);
    const vault = openVault({ dataDir: config.dataDir, ...(config.secretKey ? { secretKey: config.secretKey } : {}) });
    const metrics = createMetrics();
    const blobs = blobStoreFor(config, db);
    const providers = new ProviderAccess({
      factories: withGmailTopic(options.factories ?? providerFactories, config.google.pubsubTopic),
      endpoints: {
        graphBaseUrl: config.microsoft.graphUrl,
        microsoftAuthorityHost: config.microsoft.authorityHost,
        googleOAuthBaseUrl: config.google.oauthUrl,
        gmailRootUrl: config.google.gmailUrl,
        calendarRootUrl: config.google.calendarUrl,
      },
      oauthClients: {
        microsoft: { clientId: config.microsoft.clientId, clientSecret: config.microsoft.clientSecret },
        google: { clientId: config.google.clientId, clientSecret: config.google.clientSecret },
      },
      fetch: fetchImpl,
      clock,
      logger,
      limiter: new MailboxLimiter((key) => providerConcurrency[key.split(':')[0] ?? ''] ?? 2),
    });
    const credentials = new CredentialService({ db, vault, clock, oauthFor: (account) => providers.oauthFor(account) });
    const engine = new SyncEngine({
      db,
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      clock,
      logger,
      metrics,
      credentials,
      providers,
      features: options.features ?? syncFeatures({ blobs, captureBatchSize: config.captureBatchSize }),
      outboxHandlers: options.outboxHandlers ?? outboxHandlers({ vault }),
      ...(options.queue ? { queue: options.queue } : {}),
      ...(options.outboxLeaseMs ? { outboxLeaseMs: options.outboxLeaseMs } : {}),
      ...(options.workerSizing ?? {}),
      status: { intervalMs: config.captureIntervalMs, failedIntervalMs: 60 * 60_000, stuckAfterMs: 60 * 60_000 },
    });
    await engine.start({ workers: options.workers });
    const push = options.push === false ? undefined : createPush({ db, clock, logger, credentials, providers, engine, publicUrl: config.publicUrl, workers: options.workers });

    let app: FastifyInstance | undefined;
    if (options.api) {
      const routeDeps = { db, clock, config, randomToken: (n: number) => randomBytes(n).toString('base64url') };
      const pubsubAuth = config.google.pubsubAuth;
      const built = buildRoutes(routeDeps, {
        engine,
        vault,
        providers,
        blobs,
        ...(push ? { push: push.manager } : {}),
        ...(pubsubAuth ? { gmailPushAuth: new PubSubPushVerifier(pubsubAuth, { fetch: fetchImpl, clock }) } : {}),
      });
      app = await buildApp({
        logger,
        metrics,
        sessions: built.sessions,
        routes: built.routes,
        ready: async () => {
          await db.orm.execute('select 1');
          return true;
        },
        webRoot,
      });
      await app.listen({ port: config.port, host: config.host });
    }
    // After listen: Graph validates the callback URL while we subscribe.
    await push?.start();
    return {
      db,
      vault,
      engine,
      metrics,
      ...(app ? { app } : {}),
      async close() {
        await app?.close();
        await push?.stop();
        await engine.stop();
        if (!options.db) await db.close();
      },
    };
  } catch (e) {
    if (!options.db) await db.close();
    throw e;
  }
}
