/**
 * The sync engine's composition: the job queue, the account runs, the outbox worker and the
 * scheduler tick. `tandem start` runs it with workers; `tandem worker` runs only workers; an
 * API-only node uses it to enqueue (sync now, push notifications, outbox wake-ups).
 */
import type { Logger } from 'pino';
import { transition, type StatusMachineConfig, defaultStatusMachineConfig } from '../domain/account-status';
import type { Clock } from '../domain/clock';
import type { Metrics } from '../metrics';
import type { ProviderError } from '../providers/errors';
import type { Db } from '../store/db';
import type { ConnectedAccount } from '../store/repos/accounts';
import { AccountSync } from './account-sync';
import type { CredentialService } from './credentials';
import type { SyncFeature } from './feature';
import { JobQueue, queueNames } from './job-queue';
import { OutboxWorker, type OutboxHandler } from './outbox-worker';
import type { ProviderAccess } from './provider-access';
import { defaultRetryPolicyConfig, type RetryPolicyConfig } from './retry-policy';
import { RunSlots } from './run-slots';
import { Scheduler } from './scheduler';
import { collectOnScrape } from './metrics-collector';

export interface EngineDeps {
  db: Db;
  databaseUrl?: string;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  credentials: CredentialService;
  providers: ProviderAccess;
  features: SyncFeature[];
  outboxHandlers: OutboxHandler[];
  status?: StatusMachineConfig;
  retry?: Partial<RetryPolicyConfig>;
  /** Sync jobs claimed per fetch (default 20). */
  batchSize?: number;
  /**
   * Run slots: account runs this process carries out at once (default 80). Fetch loops are sized so
   * one batch more than the slots hold is always claimed and begun ahead.
   */
  concurrency?: number;
  /** How often this process offers a scheduler tick (one process runs each). */
  tickIntervalMs?: number;
  /** Job-queue timings (tests shorten them). */
  queue?: { heartbeatSeconds?: number; jobExpirySeconds?: number; superviseIntervalSeconds?: number; pollingIntervalSeconds?: number };
  /** How long a claimed outbox row is one worker's before another may take it (default 5 minutes). */
  outboxLeaseMs?: number;
}

export class SyncEngine {
  readonly queue: JobQueue;
  readonly accountSync: AccountSync;
  readonly outbox: OutboxWorker;
  readonly scheduler: Scheduler;
  private tickTimer: NodeJS.Timeout | undefined;
  private slots: RunSlots | undefined;

  /** The process's run slots once workers started (benchmarks watch their use). */
  get runSlots(): RunSlots | undefined {
    return this.slots;
  }
  private readonly status: StatusMachineConfig;

  constructor(private readonly deps: EngineDeps) {
    this.status = deps.status ?? defaultStatusMachineConfig;
    const retry: RetryPolicyConfig = { ...defaultRetryPolicyConfig, random: Math.random, ...deps.retry };
    this.queue = new JobQueue({ db: deps.db, logger: deps.logger, ...deps.queue, ...(deps.databaseUrl ? { databaseUrl: deps.databaseUrl } : {}) });
    this.accountSync = new AccountSync({
      db: deps.db,
      clock: deps.clock,
      logger: deps.logger,
      credentials: deps.credentials,
      providers: deps.providers,
      features: deps.features,
      retry,
      status: this.status,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      scheduleAt: (account, at) => this.scheduleAt(account, at),
    });
    this.outbox = new OutboxWorker({
      db: deps.db,
      clock: deps.clock,
      logger: deps.logger,
      credentials: deps.credentials,
      providers: deps.providers,
      handlers: deps.outboxHandlers,
      retry,
      ...(deps.outboxLeaseMs ? { leaseMs: deps.outboxLeaseMs } : {}),
      onTokenDead: (account, error) => this.markTokenDead(account, error),
    });
    this.scheduler = new Scheduler({
      db: deps.db,
      clock: deps.clock,
      logger: deps.logger,
      status: this.status,
      syncJobs: { schema: this.queue.schema, queue: queueNames.sync },
      enqueueSync: (accounts, reason) =>
        this.queue.enqueueMany(
          queueNames.sync,
          accounts.map((a) => ({ accountId: a.id, companyId: a.companyId, reason })),
        ),
      wakeOutbox: () => this.wakeOutbox(),
    });
  }

  /** Starts the queue; with `workers`, also takes jobs and offers scheduler ticks. */
  async start(options: { workers: boolean }): Promise<void> {
    await this.queue.start();
    if (this.deps.metrics) collectOnScrape(this.deps.metrics, { db: this.deps.db, queue: this.queue, logger: this.deps.logger });
    if (!options.workers) return;
    const batchSize = this.deps.batchSize ?? 20;
    const slots = new RunSlots(this.deps.concurrency ?? 80);
    this.slots = slots;
    // A loop holds its batch until the batch's last run has ended, then completes it, fetches, reads
    // and begins the next before those runs can take slots; the other loops' claimed runs must cover
    // that gap. One batch ahead left slots idle at times (bench, load 5: 6-7 % overhead), two did not
    // (2-3 %); a process then holds at most 2 × batchSize jobs it is not running yet.
    const loops = Math.ceil(slots.size / batchSize) + 2;
    const complete = this.queue.completer(queueNames.sync);
    await this.queue.workBatch(queueNames.sync, { batchSize, localConcurrency: loops }, async (jobs) => {
      let unsettled = jobs.length;
      await this.accountSync.runBatch(
        jobs.map((job) => ({ ...job.data, jobId: job.id })),
        {
          slot: (work) => slots.use(work),
          // Completed as soon as its end is committed, not when the batch's slowest run is done. The
          // batch's last one is left to pg-boss, which completes the batch when this handler returns.
          ended: async (index) => {
            const job = jobs[index];
            if (--unsettled > 0 && job) await complete(job);
          },
        },
      );
    });
    await this.queue.work(queueNames.outbox, { batchSize: 1, localConcurrency: 2 }, async () => {
      await this.outbox.drain();
    });
    await this.queue.work(queueNames.tick, { batchSize: 1, localConcurrency: 1 }, async () => {
      await this.scheduler.tick();
    });
    const every = this.deps.tickIntervalMs ?? 30_000;
    this.tickTimer = setInterval(() => void this.offerTick(), every);
    this.tickTimer.unref();
    await this.offerTick();
  }

  async stop(timeoutMs?: number): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    // Runs still waiting for a slot give their jobs back (failed → retried) rather than start now.
    this.slots?.close(new Error('the worker is stopping'));
    await this.queue.stop(timeoutMs);
  }

  /** "Sync now" and push notifications: run the account as soon as a worker is free. */
  async syncNow(account: Pick<ConnectedAccount, 'id' | 'companyId'>, reason: string): Promise<void> {
    await this.queue.runSoon(queueNames.sync, { accountId: account.id, companyId: account.companyId, reason });
  }

  async wakeOutbox(): Promise<void> {
    await this.queue.enqueue(queueNames.outbox, { accountId: 'outbox', companyId: 'system', reason: 'wake' });
  }

  private async scheduleAt(account: ConnectedAccount, at: Date): Promise<void> {
    await this.queue.enqueue(queueNames.sync, { accountId: account.id, companyId: account.companyId, reason: 'schedule' }, { startAfter: at });
  }

  private async offerTick(): Promise<void> {
    try {
      await this.queue.enqueue(queueNames.tick, { accountId: 'tick', companyId: 'system', reason: 'tick' });
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not offer a scheduler tick');
    }
  }

  /** Credentials died outside a sync run (e.g. while sending): stop the account, keep everything. */
  private async markTokenDead(account: ConnectedAccount, error: ProviderError): Promise<void> {
    const now = this.deps.clock.now();
    const next = transition(
      {
        status: account.status === 'syncing' ? 'active' : account.status,
        statusReason: account.statusReason,
        stage: 'idle',
        stageStartedAt: null,
        lastSuccessAt: account.lastSuccessAt?.toISOString() ?? null,
        nextRunAt: account.nextRunAt?.toISOString() ?? null,
        throttledUntil: null,
        consecutiveFailures: 0,
      },
      { type: 'token_dead', reason: error.kind === 'consent_required' ? 'admin_consent_required' : error.kind },
      now,
      this.status,
    );
    await this.deps.db.repos.accounts.update({ companyId: account.companyId }, account.id, { status: next.status, statusReason: next.statusReason, nextRunAt: null }, now);
  }
}
