/**
 * The scheduler tick (one worker at a time runs it): asks for runs of every due account, resets
 * runs no sync job is left to end (their job used up its retries), resets stages stuck for over an
 * hour (their worker died), sends the 14- and 3-day expiry warnings, puts
 * expired connections in needs-reconnect, wakes the outbox, and keeps the embedded store's planner
 * statistics fresh (embedded-stats.ts). Pure decisions come from domain/.
 */
import type { Logger } from 'pino';
import { transition, type AccountSyncState, type StatusMachineConfig, defaultStatusMachineConfig } from '../domain/account-status';
import type { Clock } from '../domain/clock';
import type { Db } from '../store/db';
import type { ConnectedAccount, DueAccount } from '../store/repos/accounts';
import { EmbeddedStats } from '../store/embedded-stats';
import { RunLedgerRepo, type SyncJobTable } from '../store/repos/run-ledger';

export interface SchedulerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  status?: StatusMachineConfig;
  /** Where the sync jobs live; without it (no job queue) orphaned runs are left to the stuck-stage reaper. */
  syncJobs?: SyncJobTable;
  enqueueSync(accounts: DueAccount[], reason: string): Promise<void>;
  wakeOutbox(): Promise<void>;
}

export interface TickReport {
  enqueued: number;
  reaped: number;
  /** Runs reset because no sync job was left to end them. */
  orphaned: number;
  warned14d: number;
  warned3d: number;
  expired: number;
}

const day = 24 * 3600_000;

/** The state of an account whose run began and never ended, as the status machine reads it. */
function syncingState(account: Pick<ConnectedAccount, 'statusReason' | 'stageStartedAt' | 'lastSuccessAt' | 'nextRunAt'>): AccountSyncState {
  return {
    status: 'syncing',
    statusReason: account.statusReason,
    stage: 'capture',
    stageStartedAt: account.stageStartedAt?.toISOString() ?? null,
    lastSuccessAt: account.lastSuccessAt?.toISOString() ?? null,
    nextRunAt: account.nextRunAt?.toISOString() ?? null,
    throttledUntil: null,
    consecutiveFailures: 0,
  };
}

export class Scheduler {
  private readonly stats: EmbeddedStats;

  constructor(private readonly deps: SchedulerDeps) {
    this.stats = new EmbeddedStats(deps.db);
  }

  async tick(): Promise<TickReport> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const cfg = this.deps.status ?? defaultStatusMachineConfig;

    const expired = await this.expireConnections(now);
    const warned3d = await this.warn(now, '3d', 3 * day);
    const warned14d = await this.warn(now, '14d', 14 * day);
    // Before the stuck-stage reaper: an orphaned run need not wait an hour.
    const orphaned = await this.resetOrphanedRuns(now, cfg);
    let reaped = 0;
    for (const account of await db.repos.accounts.listStuckForSystem(new Date(now.getTime() - cfg.stuckAfterMs))) {
      const state = transition(
        syncingState(account),
        { type: 'reaper_reset' },
        now,
        cfg,
      );
      await db.repos.accounts.update(
        { companyId: account.companyId },
        account.id,
        { status: state.status, stage: null, stageStartedAt: null, nextRunAt: state.nextRunAt ? new Date(state.nextRunAt) : now },
        now,
      );
      this.deps.logger.warn({ accountId: account.id, stage: account.stage }, 'reset a sync stage stuck for over an hour');
      reaped++;
    }

    let enqueued = 0;
    for (;;) {
      const due = await db.repos.accounts.listDueForSync(now, 1000);
      const fresh = due.filter((a) => a.status !== 'syncing');
      if (fresh.length > 0) await this.deps.enqueueSync(fresh, 'schedule');
      // Mark them as asked for, so the next page (and the next tick) does not ask again.
      await db.repos.accounts.pushNextRunForSystem(
        due.map((a) => a.id),
        new Date(now.getTime() + cfg.intervalMs),
        now,
      );
      enqueued += fresh.length;
      if (due.length < 1000) break;
    }
    await this.deps.wakeOutbox();
    try {
      await this.stats.refreshIfDue(now);
    } catch (err) {
      // Only query plans suffer; the next tick tries again an interval later.
      this.deps.logger.warn({ err }, 'could not refresh the embedded store statistics');
    }
    return { enqueued, reaped, orphaned, warned14d, warned3d, expired };
  }

  /**
   * An account stays "syncing" until its run's end is written; when its sync job is gone for good
   * (failed after its last retry: a worker killed during each attempt) nothing ever writes that end.
   */
  private async resetOrphanedRuns(now: Date, cfg: StatusMachineConfig): Promise<number> {
    const jobs = this.deps.syncJobs;
    if (!jobs) return 0;
    const ledger = new RunLedgerRepo(this.deps.db.orm);
    let reset = 0;
    for (const account of await ledger.orphanedRuns(jobs)) {
      const state = transition(
        syncingState(account),
        { type: 'run_orphaned' },
        now,
        cfg,
      );
      const patch = { status: state.status, nextRunAt: state.nextRunAt ? new Date(state.nextRunAt) : null };
      if (await ledger.resetOrphanedRun(account, patch, jobs, now)) {
        this.deps.logger.warn({ accountId: account.id, stage: account.stage }, 'reset a sync run no job is left to end');
        reset++;
      }
    }
    return reset;
  }

  private async warn(now: Date, level: '14d' | '3d', ahead: number): Promise<number> {
    const { db } = this.deps;
    const rows = await db.repos.accounts.listNeedingExpiryWarning(new Date(now.getTime() + ahead), level);
    for (const a of rows) {
      if (a.expiresAt <= now) continue;
      await db.repos.accounts.update({ companyId: a.companyId }, a.id, { expiryWarned: level }, now);
      this.deps.logger.info({ accountId: a.id, level, expiresAt: a.expiresAt.toISOString() }, 'connection expiry warning');
    }
    return rows.length;
  }

  private async expireConnections(now: Date): Promise<number> {
    const { db } = this.deps;
    const rows = await db.repos.accounts.listExpiredForSystem(now);
    for (const a of rows) {
      await db.repos.accounts.update(
        { companyId: a.companyId },
        a.id,
        { status: 'needs_reconnect', statusReason: 'connection_expired', nextRunAt: null, stage: null, stageStartedAt: null },
        now,
      );
    }
    return rows.length;
  }
}
