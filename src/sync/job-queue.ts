/**
 * pg-boss on the store's database: PostgreSQL through its own pool (LISTEN/NOTIFY wakes workers at
 * once), or PGlite through the `fromPglite` adapter in embedded mode. Every per-account job carries
 * `singletonKey = accountId`, and the queues are `stately`: at most one queued and one active job per
 * account and queue, across every worker process — "sync now" and push notifications while a run is
 * active collapse into one follow-up run (debounce for free).
 */
import { PgBoss, fromPglite, type Job, type JobAttempt } from 'pg-boss';
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import { GroupCommit } from './group-commit';

/**
 * One `sync` job per account runs its enabled features in turn (capture, then calendar): the account
 * has one status the user sees and one run at a time, which also keeps a mailbox's request budget in
 * one place. Outbox deliveries have their own queue so a send never waits behind a long sync.
 */
export const queueNames = {
  sync: 'sync',
  outbox: 'outbox',
  pushRenewal: 'push-renewal',
  tokenRefresh: 'token-refresh',
  tick: 'tick',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export interface AccountJobData {
  accountId: string;
  companyId: string;
  /** Why the run was asked for (schedule, push, sync_now, outbox, retry): shown in run history. */
  reason: string;
}

/**
 * A live worker heartbeats its jobs; a job whose heartbeat stops (the worker died, e.g. kill -9) is
 * failed by the monitor and retried on another worker. Runs are idempotent, so repeating one is
 * safe. A plain expiry would also cut off a long but healthy run (a first sync of a big mailbox) and
 * let a second worker start the same account, so expiry is only a last-resort backstop.
 * A lost heartbeat counts as a failed attempt: retryLimit must stay above 0 for the job to come back.
 */
const accountJobHeartbeatSeconds = 60;
const accountJobExpirySeconds = 4 * 3600;

/** An enqueue this large changes the job table enough to refresh its statistics at once. */
const bulkEnqueueAnalyzeAt = 500;
const analyzeEveryMs = 30_000;

export interface JobQueueOptions {
  db: Db;
  /** Required for PostgreSQL so pg-boss owns a pool that can LISTEN. */
  databaseUrl?: string;
  logger: Logger;
  schema?: string;
  /** How long a job may go without a heartbeat before it counts as lost (pg-boss minimum 10). */
  heartbeatSeconds?: number;
  /** Backstop: how long an active job may run at all. */
  jobExpirySeconds?: number;
  /** How often pg-boss looks for expired jobs (tests shorten it to prove kill -9 recovery). */
  superviseIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

export class JobQueue {
  readonly boss: PgBoss;
  /** The PostgreSQL schema pg-boss keeps its tables in. */
  readonly schema: string;
  private started = false;

  constructor(private readonly options: JobQueueOptions) {
    const { db } = options;
    const schema = options.schema ?? 'pgboss';
    this.schema = schema;
    if (db.kind === 'pglite') {
      this.boss = new PgBoss({ db: fromPglite(db.pglite), schema, useListenNotify: true, ...this.maintenance() });
    } else {
      if (!options.databaseUrl) throw new Error('JobQueue needs the DATABASE_URL of a PostgreSQL store');
      this.boss = new PgBoss({ connectionString: options.databaseUrl, schema, useListenNotify: true, max: 4, ...this.maintenance() });
    }
    this.boss.on('error', (err) => options.logger.error({ err }, 'job queue error'));
  }

  private maintenance(): { superviseIntervalSeconds?: number; monitorIntervalSeconds?: number } {
    const every = this.options.superviseIntervalSeconds;
    // Expired jobs are found by the monitor pass, which runs at the slower of the two intervals.
    return every ? { superviseIntervalSeconds: every, monitorIntervalSeconds: every } : {};
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    const perAccount = {
      policy: 'stately' as const,
      heartbeatSeconds: this.options.heartbeatSeconds ?? accountJobHeartbeatSeconds,
      expireInSeconds: this.options.jobExpirySeconds ?? accountJobExpirySeconds,
      retryLimit: 3,
      retryDelay: 5,
      notify: true,
      deleteAfterSeconds: 3600,
    };
    for (const name of [queueNames.sync, queueNames.outbox, queueNames.pushRenewal, queueNames.tokenRefresh]) {
      await this.boss.createQueue(name, perAccount);
    }
    // The scheduler tick runs on one worker at a time, wherever it is. NOTIFY wakes a worker the moment
    // a tick is offered: without it the tick offered at start waited for the next poll (a whole
    // pollingIntervalSeconds — 30 s in the push tests, seen ~18 s late on PGlite).
    await this.boss.createQueue(queueNames.tick, { policy: 'singleton', expireInSeconds: 300, retryLimit: 0, deleteAfterSeconds: 600, notify: true });
    // createQueue leaves an existing queue as it was: databases made before NOTIFY was set get it here.
    await this.boss.updateQueue(queueNames.tick, { notify: true });
    this.started = true;
  }

  /** Asks for a run of one account's feature; a no-op when one is already queued for it. */
  async enqueue(queue: QueueName, data: AccountJobData, options: { startAfter?: Date } = {}): Promise<void> {
    await this.boss.send(queue, { ...data }, { singletonKey: data.accountId, ...(options.startAfter ? { startAfter: options.startAfter } : {}) });
  }

  /**
   * Run as soon as a worker is free: pulls an already queued (future) job forward instead of being
   * swallowed by it, so "Sync now" and push notifications are never delayed by the regular schedule.
   * `startAfter: 0` means the database's now. Not a past date: pg-boss keeps a queued job until
   * start_after + retention, and its maintenance deletes a queued or retrying job past that, so a job
   * started "after 1970" was already expired — any sweep before a worker took it (a busy fleet, or
   * the retry after a worker was killed) deleted it without a trace.
   */
  async runSoon(queue: QueueName, data: AccountJobData): Promise<void> {
    await this.boss.upsert(queue, { ...data }, { singletonKey: data.accountId, startAfter: 0 });
  }

  /**
   * Bulk enqueue for the scheduler (one round trip per 500). A large enqueue also refreshes the
   * planner's statistics of the queue's table: pg-boss's fetch (skip keys already active, oldest
   * first) was planned from the stats of a nearly empty table — a scan of every waiting job per
   * fetch, 50 ms at 10,000 jobs against 0.5 ms once analysed — and autovacuum gets to it only
   * a minute or more later, when the round the tick asked for is mostly over.
   */
  async enqueueMany(queue: QueueName, jobs: AccountJobData[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += 500) {
      const chunk = jobs.slice(i, i + 500);
      await this.boss.insert(
        queue,
        chunk.map((data) => ({ data: { ...data }, singletonKey: data.accountId })),
      );
    }
    if (jobs.length >= bulkEnqueueAnalyzeAt) await this.analyze(queue);
  }

  private readonly analyzedAt = new Map<QueueName, number>();

  /** At most once per analyzeEveryMs and queue: a tick enqueues page after page of due accounts. */
  private async analyze(queue: QueueName): Promise<void> {
    const last = this.analyzedAt.get(queue);
    if (last !== undefined && Date.now() - last < analyzeEveryMs) return;
    this.analyzedAt.set(queue, Date.now());
    try {
      const db = this.boss.getDb();
      const { rows } = await db.executeSql(`select table_name from ${this.schema}.queue where name = $1`, [queue]);
      const [row]: { table_name?: unknown }[] = rows;
      const table = row?.table_name;
      if (typeof table !== 'string' || !/^[a-z0-9_]+$/.test(table)) return;
      await db.executeSql(`analyze ${this.schema}.${table}`);
    } catch (err) {
      // Only the fetch plan suffers: autovacuum catches up later.
      this.options.logger.warn({ err, queue }, 'could not refresh the job table statistics');
    }
  }

  /** Runs each job of a fetched batch on its own: one job's failure does not fail its neighbours. */
  async work(
    queue: QueueName,
    options: { batchSize: number; localConcurrency: number; pollingIntervalSeconds?: number },
    handler: (job: Job<AccountJobData>) => Promise<void>,
  ): Promise<void> {
    await this.workBatch(queue, options, async (jobs) => {
      const results = await Promise.allSettled(jobs.map((job) => handler(job)));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed && failed.status === 'rejected') this.options.logger.error({ err: failed.reason, queue }, 'job handler failed');
    });
  }

  /**
   * Hands each fetched batch to the handler whole (the sync engine reads, begins and ends a batch's
   * runs in one statement each). If the handler throws, pg-boss fails — and later retries — every job
   * of the batch, so it should settle per-job trouble itself.
   */
  async workBatch(
    queue: QueueName,
    options: { batchSize: number; localConcurrency: number; pollingIntervalSeconds?: number },
    handler: (jobs: Job<AccountJobData>[]) => Promise<void>,
  ): Promise<void> {
    const polling = options.pollingIntervalSeconds ?? this.options.pollingIntervalSeconds;
    await this.boss.work<AccountJobData>(
      queue,
      {
        batchSize: options.batchSize,
        localConcurrency: options.localConcurrency,
        pollingIntervalSeconds: polling ?? 2,
        // A deferred job (startAfter: a retry after Retry-After, the next scheduled run) raises no
        // NOTIFY when it comes due, so pg-boss finds it only on its notify backstop poll (30 s by
        // default): an explicitly set polling interval bounds that lateness as well.
        ...(polling !== undefined ? { notifyPollingIntervalSeconds: polling } : {}),
        burstWhenBatchFull: options.batchSize > 1,
      },
      handler,
    );
  }

  /**
   * Completes jobs one by one as their handler is done with each, before the rest of its batch, in
   * group-committed statements. Fenced to the attempt fetched: a job whose claim lapsed meanwhile
   * (it is running elsewhere) is left to that attempt. pg-boss's own completion of the batch later
   * finds these settled and leaves them; should the handler throw, its fail() skips them too.
   */
  completer(queue: QueueName): (job: JobAttempt) => Promise<void> {
    const group = new GroupCommit<JobAttempt>(async (jobs) => {
      await this.boss.complete(queue, jobs);
    });
    return (job) => group.submit({ id: job.id, retryCount: job.retryCount });
  }

  /** Stops fetching; waits for in-flight jobs up to the timeout, then leaves the rest to expire and repeat elsewhere. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}
