/**
 * Sync runs of accounts, a worker's batch at a time: throttle gate → status "syncing" and run-history
 * rows (one statement for the batch) → each account's enabled features (capture, calendar) with the
 * retry policy applied inside the run (refresh once, full resync once), accounts side by side, each
 * holding one of the process's run slots for its provider work → status from the pure state machine,
 * run history, throttle state and history pruning, written as each run ends (runs ending together
 * share one statement: group commit) → a follow-up job only when one is due before the regular
 * cadence (the scheduler tick enqueues the rest in bulk) → the caller's `ended` hook (the engine
 * completes the job there). pg-boss guarantees one active run per account; everything here is safe
 * to repeat after a crash.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { transition, type AccountSyncState, type RunFailureAction, type StatusMachineConfig, defaultStatusMachineConfig } from '../domain/account-status';
import type { Clock } from '../domain/clock';
import { ProviderError, isProviderError, type ProviderErrorKind } from '../providers/errors';
import type { Db } from '../store/db';
import type { ConnectedAccount } from '../store/repos/accounts';
import { RunLedgerRepo, type RunEnd } from '../store/repos/run-ledger';
import { mailboxKey } from '../store/repos/sync-state';
import type { Metrics } from '../metrics';
import type { CredentialService } from './credentials';
import type { FeatureOutcome, SyncFeature } from './feature';
import type { ProviderAccess } from './provider-access';
import { GroupCommit } from './group-commit';
import { decideRetry, decideRunFailure, type RetryAction, type RetryPolicyConfig } from './retry-policy';

export interface AccountSyncDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  credentials: CredentialService;
  providers: ProviderAccess;
  features: SyncFeature[];
  retry: RetryPolicyConfig;
  status?: StatusMachineConfig;
  metrics?: Metrics;
  /** Runs kept per account for the health page. */
  keepRuns?: number;
  /** Asks for the account's next run at a time (the job queue). */
  scheduleAt(account: ConnectedAccount, at: Date): Promise<void>;
}

export type RunResult =
  | { outcome: 'skipped'; why: 'gone' | 'stopped' | 'throttled' | 'duplicate' }
  | { outcome: 'succeeded'; items: number; errors: number }
  | { outcome: 'failed'; kind: ProviderErrorKind; action: RetryAction['action'] };

/** How the engine takes part in a batch's runs (all optional: a test runs a batch bare). */
export interface RunHooks {
  /** Wraps a run's provider work: the process's run-slot limit. */
  slot?<T>(work: () => Promise<T>): Promise<T>;
  /**
   * A job is settled: its run's end is committed (or it was skipped). The engine completes the job
   * here; a throw fails that job alone (runBatch then rejects once the batch is through).
   */
  ended?(index: number, result: RunResult): Promise<void>;
}

export interface RunJob {
  accountId: string;
  companyId: string;
  reason: string;
  jobId?: string;
}

/** A run that passed the gates and is about to begin. */
interface PreparedRun {
  index: number;
  job: RunJob;
  account: ConnectedAccount;
  key: string;
  /** The mailbox's streak of failed runs before this one (throttle state). */
  failuresBefore: number;
  features: SyncFeature[];
  state: AccountSyncState;
  runId: string;
}

const stoppedStatuses = new Set(['needs_reconnect', 'disabled']);

function stateOf(a: ConnectedAccount, throttle: { until: Date | null; failures: number }): AccountSyncState {
  return {
    // A row left "syncing" by a worker that died: pg-boss gives each account one active job, so
    // whoever runs now is alone and may take over.
    status: a.status === 'syncing' ? 'active' : a.status,
    statusReason: a.statusReason,
    stage: 'idle',
    stageStartedAt: null,
    lastSuccessAt: a.lastSuccessAt?.toISOString() ?? null,
    nextRunAt: a.nextRunAt?.toISOString() ?? null,
    throttledUntil: throttle.until?.toISOString() ?? null,
    consecutiveFailures: throttle.failures,
  };
}

const asDate = (iso: string | null): Date | null => (iso === null ? null : new Date(iso));

/** Errors that are not ProviderErrors are our own bugs or the database: retry later, never blame the mailbox. */
function asProviderError(e: unknown): ProviderError {
  if (isProviderError(e)) return e;
  return new ProviderError('transient', e instanceof Error ? e.message : String(e), { code: 'internal', cause: e });
}

export class AccountSync {
  private readonly statusCfg: StatusMachineConfig;
  private readonly ledger: RunLedgerRepo;
  private readonly ends: GroupCommit<RunEnd>;

  constructor(private readonly deps: AccountSyncDeps) {
    this.statusCfg = deps.status ?? defaultStatusMachineConfig;
    this.ledger = new RunLedgerRepo(deps.db.orm);
    this.ends = new GroupCommit((ends) => this.ledger.endRuns(ends, deps.keepRuns ?? 50));
  }

  /** One account's run (a batch of one). */
  async run(job: RunJob): Promise<RunResult> {
    const [result] = await this.runBatch([job]);
    if (!result) throw new Error('a batch of one gave no result');
    return result;
  }

  /**
   * The runs of a batch of jobs (what pg-boss hands a worker at once): read together, begun in one
   * statement, carried out side by side, each ended as soon as it is done. Results in the jobs'
   * order. Rejects (after every run is through) when a run's end or its `ended` hook failed.
   */
  async runBatch(jobs: readonly RunJob[], hooks: RunHooks = {}): Promise<RunResult[]> {
    const { clock } = this.deps;
    const accounts = new Map((await this.ledger.accounts(jobs)).map((a) => [a.id, a]));
    const keyOf = (a: ConnectedAccount) => mailboxKey(a.provider, a.mailboxAddress);
    const throttles = await this.ledger.throttles([...accounts.values()].filter((a) => !a.disconnectedAt && !stoppedStatuses.has(a.status)).map(keyOf));
    const now = clock.now();
    const results: RunResult[] = [];
    const runs: PreparedRun[] = [];
    const seen = new Set<string>();
    for (const [index, job] of jobs.entries()) {
      const account = accounts.get(job.accountId);
      if (!account || account.companyId !== job.companyId || account.disconnectedAt) {
        results[index] = { outcome: 'skipped', why: 'gone' };
      } else if (stoppedStatuses.has(account.status)) {
        results[index] = { outcome: 'skipped', why: 'stopped' };
      } else if (seen.has(account.id)) {
        // pg-boss keeps one active job per account; should two ever meet in a batch, one run does.
        results[index] = { outcome: 'skipped', why: 'duplicate' };
      } else {
        seen.add(account.id);
        const key = keyOf(account);
        const throttle = throttles.get(key);
        const state = stateOf(account, { until: throttle?.retryAfterUntil ?? null, failures: throttle?.failureCount ?? 0 });
        if (throttle?.retryAfterUntil && throttle.retryAfterUntil > now) {
          // Another worker (or an earlier run) was told to wait: honour it without calling the provider.
          await this.save(account, transition(state, { type: 'throttled', until: throttle.retryAfterUntil }, now, this.statusCfg));
          await this.deps.scheduleAt(account, throttle.retryAfterUntil);
          results[index] = { outcome: 'skipped', why: 'throttled' };
        } else {
          const features = this.deps.features.filter((f) => f.enabled(account));
          const started = transition(state, { type: 'run_started', stage: features[0]?.name ?? 'capture' }, now, this.statusCfg);
          this.patch(account, started);
          runs.push({ index, job, account, key, failuresBefore: throttle?.failureCount ?? 0, features, state: started, runId: randomUUID() });
        }
      }
    }
    if (runs.length > 0) {
      await this.ledger.beginRuns(
        runs.map((r) => ({ runId: r.runId, companyId: r.account.companyId, accountId: r.account.id, feature: r.features.map((f) => f.name).join('+') || 'none', stage: r.state.stage })),
        now,
      );
    }
    const settled = await Promise.allSettled([
      ...results.flatMap((result, index) => (result && hooks.ended ? [hooks.ended(index, result)] : [])),
      ...runs.map(async (r) => {
        results[r.index] = await this.finish(r, hooks);
      }),
    ]);
    const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (failed.length === 1) throw failed[0];
    if (failed.length > 1) throw new AggregateError(failed, `${failed.length} runs of the batch could not be ended`);
    return results;
  }

  /** One begun run: its provider work in a run slot, its end committed, its follow-up queued, its job settled. */
  private async finish(r: PreparedRun, hooks: RunHooks): Promise<RunResult> {
    const e = await (hooks.slot ? hooks.slot(() => this.carryOut(r)) : this.carryOut(r));
    await this.ends.submit(e.end);
    this.deps.metrics?.syncLatency.labels('sync', r.account.provider).observe(e.seconds);
    // The scheduler tick asks for every account whose next run is due, in bulk; a run queues its
    // own follow-up only when it must come sooner than the regular cadence (Retry-After, backoff,
    // resync), where the tick's granularity would be felt.
    const next = e.end.nextRunAt;
    if (next && next.getTime() < e.end.finishedAt.getTime() + this.statusCfg.intervalMs) await this.deps.scheduleAt(r.account, next);
    await hooks.ended?.(r.index, e.result);
    return e.result;
  }

  /** The features of one begun run, each with in-run recoveries; what its end must record. Never throws. */
  private async carryOut(r: PreparedRun): Promise<{ result: RunResult; end: RunEnd; seconds: number }> {
    const { clock } = this.deps;
    const { account } = r;
    const started = performance.now();
    let state = r.state;
    let items = 0;
    let errors = 0;
    // Items a feature reports as committed before it returns: a failed run's progress.
    let committed = 0;
    let result: RunResult;
    let failure: { kind: string; message: string } | undefined;
    let throttle: RunEnd['throttle'];
    try {
      for (const feature of r.features) {
        if (feature.name !== state.stage) {
          state = { ...state, stage: feature.name, stageStartedAt: clock.now().toISOString() };
          await this.save(account, state);
        }
        committed = 0;
        const outcome = await this.runFeature(account, feature, r.job.jobId, (n) => {
          committed += n;
        });
        items += outcome.items;
        errors += outcome.errors;
      }
      state = transition(state, { type: 'run_succeeded', items }, clock.now(), this.statusCfg);
      result = { outcome: 'succeeded', items, errors };
      if (r.failuresBefore > 0) throttle = { mailboxKey: r.key, until: null, failures: 0 };
    } catch (e) {
      const err = asProviderError(e);
      items += committed;
      const { action, failures } = decideRunFailure(err, { failuresBefore: r.failuresBefore, items }, this.deps.retry);
      this.deps.logger
        .child({ accountId: account.id, provider: account.provider, ...(r.job.jobId ? { jobId: r.job.jobId } : {}) })
        .warn({ kind: err.kind, code: err.code, action: action.action, items }, 'sync run failed');
      const at = clock.now();
      state = transition({ ...state, consecutiveFailures: failures - 1 }, { type: 'run_failed', failure: action as RunFailureAction }, at, this.statusCfg);
      state = { ...state, statusReason: state.status === 'active' ? state.statusReason : (state.statusReason ?? err.kind) };
      errors++;
      result = { outcome: 'failed', kind: err.kind, action: action.action };
      failure = { kind: err.kind, message: err.message };
      if (action.action === 'wait' || action.action === 'backoff') throttle = { mailboxKey: r.key, until: new Date(at.getTime() + action.delayMs), failures };
    }
    const patch = this.patch(account, state);
    const end: RunEnd = {
      runId: r.runId,
      companyId: account.companyId,
      accountId: account.id,
      finishedAt: clock.now(),
      items,
      errors,
      errorKind: failure?.kind ?? null,
      message: failure?.message ?? null,
      status: patch.status,
      statusReason: patch.statusReason,
      lastSuccessAt: patch.lastSuccessAt,
      nextRunAt: patch.nextRunAt,
      ...(throttle ? { throttle } : {}),
    };
    return { result, end, seconds: (performance.now() - started) / 1000 };
  }

  /** Runs one feature, applying in-run recoveries: one forced token refresh, one full resync. */
  private async runFeature(account: ConnectedAccount, feature: SyncFeature, jobId: string | undefined, progress: (items: number) => void): Promise<FeatureOutcome> {
    let forceRefresh = false;
    let fullResync = false;
    let previousKind: ProviderErrorKind | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const credentials = await this.deps.credentials.forRun(account, { force: forceRefresh });
        const provider = this.deps.providers.create(account, credentials, jobId);
        const outcome = await feature.run({
          account,
          scope: { companyId: account.companyId },
          provider,
          db: this.deps.db,
          clock: this.deps.clock,
          logger: this.deps.logger.child({ accountId: account.id, feature: feature.name }),
          fullResync,
          progress,
        });
        this.deps.metrics?.providerRequests.labels(account.provider, 'ok').inc();
        return outcome;
      } catch (e) {
        const err = asProviderError(e);
        this.deps.metrics?.providerRequests.labels(account.provider, err.kind).inc();
        const action = decideRetry(err, { attempt, previousKind, scope: 'operation' }, this.deps.retry);
        previousKind = err.kind;
        if (action.action === 'refresh_and_retry_once' && !forceRefresh) {
          forceRefresh = true;
          continue;
        }
        if (action.action === 'full_resync' && !fullResync) {
          fullResync = true;
          continue;
        }
        if (action.action === 'needs_reconnect' && err.kind === 'auth_expired') {
          // A refreshed token refused again: the grant is dead.
          throw new ProviderError('auth_revoked', 'The provider refused a freshly refreshed token', { code: err.code ?? 'auth_expired_twice', cause: err });
        }
        throw err;
      }
    }
  }

  /** The account's stored status fields for a state (also applied to the loaded row, which features read). */
  private patch(account: ConnectedAccount, state: AccountSyncState) {
    const patch = {
      status: state.status,
      statusReason: state.statusReason,
      stage: state.stage === 'idle' ? null : state.stage,
      stageStartedAt: asDate(state.stageStartedAt),
      lastSuccessAt: asDate(state.lastSuccessAt),
      nextRunAt: asDate(state.nextRunAt),
    };
    Object.assign(account, patch);
    return patch;
  }

  private async save(account: ConnectedAccount, state: AccountSyncState): Promise<void> {
    await this.deps.db.repos.accounts.update({ companyId: account.companyId }, account.id, this.patch(account, state), this.deps.clock.now());
  }
}
