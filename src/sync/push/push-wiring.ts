/**
 * Push in the running product: the subscription manager (webhook providers) in every process that
 * has the job queue, and the IDLE / EWS-pull watchers in worker processes only. Started after the
 * engine (it uses the engine's queue), stopped before it.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock';
import { createGoogleProviderFactory, googleProviderFactory } from '../../providers/google';
import type { ProviderFactory, ProviderKind } from '../../providers/provider';
import type { Db } from '../../store/db';
import type { CredentialService } from '../credentials';
import type { SyncEngine } from '../engine';
import type { ProviderAccess } from '../provider-access';
import { LocalWatchers } from './local-watchers';
import { PushManager } from './push-manager';

export interface PushWiringDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  credentials: Pick<CredentialService, 'forRun'>;
  providers: Pick<ProviderAccess, 'create'>;
  engine: Pick<SyncEngine, 'syncNow' | 'queue'>;
  publicUrl: string;
  workers: boolean;
}

export interface PushRuntime {
  manager: PushManager;
  watchers?: LocalWatchers;
  /** Starts sweeping and watching; call after the webhooks listen (Graph validates the URL on subscribe). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds push without starting it, so the API routes can hold the manager (re-subscribe at once on a
 * Graph lifecycle event, release before a disconnect) before the server listens.
 */
export function createPush(deps: PushWiringDeps): PushRuntime {
  const logger = deps.logger.child({ component: 'push' });
  const syncNow = (account: { id: string; companyId: string }, reason: string) => deps.engine.syncNow(account, reason);
  const watchers = deps.workers ? new LocalWatchers({ db: deps.db, clock: deps.clock, logger, credentials: deps.credentials, providers: deps.providers, syncNow }) : undefined;
  const manager = new PushManager({
    db: deps.db,
    clock: deps.clock,
    logger,
    credentials: deps.credentials,
    providers: deps.providers,
    publicUrl: deps.publicUrl,
    queue: deps.engine.queue,
    // A connected or disconnected IMAP / Exchange mailbox gets or loses its watcher now.
    ...(watchers ? { afterEnsure: () => watchers.refresh() } : {}),
  });
  return {
    manager,
    ...(watchers ? { watchers } : {}),
    async start() {
      await manager.start({ workers: deps.workers });
      await watchers?.start();
    },
    async stop() {
      manager.stop();
      await watchers?.stop();
    },
  };
}

/**
 * Gmail push needs the Cloud Pub/Sub topic (GOOGLE_PUBSUB_TOPIC, projects/<p>/topics/<t>) Gmail
 * publishes to; the registry's Google adapter has none, so it is swapped for one that carries it.
 * A factory a caller supplied on purpose (tests, demo) is left alone.
 */
export function withGmailTopic(factories: Partial<Record<ProviderKind, ProviderFactory>>, topic: string | undefined): Partial<Record<ProviderKind, ProviderFactory>> {
  if (!topic || factories.google !== googleProviderFactory) return factories;
  return { ...factories, google: createGoogleProviderFactory({ push: { gmailTopic: topic } }) };
}
