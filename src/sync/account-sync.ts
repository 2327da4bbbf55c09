/**
 * One sync run of one account: throttle gate → status "syncing" and a run-history row (one
 * statement) → each enabled feature (capture, calendar) with the retry policy applied inside the run
 * (refresh once, full resync once) → status from the pure state machine, run history, throttle state
 * and history pruning (one statement) → a follow-up job only when it is due before the regular
 * cadence (the scheduler tick enqueues the rest in bulk). pg-boss guarantees one active run per
 * account; everything here is safe to repeat after a crash.
 */
import type { Logger } from 'pino';
import { transition, type AccountSyncState, type RunFailureAction, type StatusMachineConfig, defaultStatusMachineConfig } from '../domain/account-status';
import type { Clock } from '../domain/clock';
import { ProviderError, isProviderError, type ProviderErrorKind } from '../providers/errors';
import type { Db } from '../store/db';
import type { AccountPatch, ConnectedAccount } from '../store/repos/accounts';
import { RunLedgerRepo, type RunEnd } from '../store/repos/run-ledger';
import { mailboxKey } from '../store/repos/sync-state';
import type { Metrics } from '../metrics';
import type { CredentialService } from './credentials';
import type { FeatureOutcome, SyncFeature } from './feature';
import type { ProviderAccess } from './provider-access';
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
  | { outcome: 'skipped'; why: 'gone' | 'stopped' | 'throttled' }
  | { outcome: 'succeeded'; items: number; errors: number }
  | { outcome: 'failed'; kind: ProviderErrorKind; action: RetryAction['action'] };

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

  constructor(private readonly deps: AccountSyncDeps) {
    this.statusCfg = deps.status ?? defaultStatusMachineConfig;
    this.ledger = new RunLedgerRepo(deps.db.orm);
  }

  async run(job: { accountId: string; companyId: string; reason: string; jobId?: string }): Promise<RunResult> {
    const { db, clock } = this.deps;
    const scope = { companyId: job.companyId };
    const account = await db.repos.accounts.get(scope, job.accountId);
    if (!account || account.disconnectedAt) return { outcome: 'skipped', why: 'gone' };
    if (stoppedStatuses.has(account.status)) return { outcome: 'skipped', why: 'stopped' };
    const log = this.deps.logger.child({ accountId: account.id, provider: account.provider, ...(job.jobId ? { jobId: job.jobId } : {}) });

    const key = mailboxKey(account.provider, account.mailboxAddress);
    const throttle = await db.repos.syncState.getThrottleForSystem(key);
    const now = clock.now();
    let state = stateOf(account, { until: throttle?.retryAfterUntil ?? null, failures: throttle?.failureCount ?? 0 });
    if (throttle?.retryAfterUntil && throttle.retryAfterUntil > now) {
      // Another worker (or an earlier run) was told to wait: honour it without calling the provider.
      state = transition(state, { type: 'throttled', until: throttle.retryAfterUntil }, now, this.statusCfg);
      await this.save(account, state);
      await this.deps.scheduleAt(account, throttle.retryAfterUntil);
      return { outcome: 'skipped', why: 'throttled' };
    }

    const features = this.deps.features.filter((f) => f.enabled(account));
    state = transition(state, { type: 'run_started', stage: features[0]?.name ?? 'capture' }, now, this.statusCfg);
    const run = await this.ledger.beginRun(scope, account.id, { feature: features.map((f) => f.name).join('+') || 'none', account: this.patch(account, state), now });
    const started = performance.now();
    let items = 0;
    let errors = 0;
    let result: RunResult;
    let end: Omit<RunEnd, 'now' | 'account' | 'keepRuns'>;
    // Items a feature reports as committed before it returns: a failed run's progress.
    let committed = 0;
    try {
      for (const feature of features) {
        if (feature.name !== state.stage) {
          state = { ...state, stage: feature.name, stageStartedAt: clock.now().toISOString() };
          await this.save(account, state);
        }
        committed = 0;
        const outcome = await this.runFeature(account, feature, job.jobId, (n) => {
          committed += n;
        });
        items += outcome.items;
        errors += outcome.errors;
      }
      state = transition(state, { type: 'run_succeeded', items }, clock.now(), this.statusCfg);
      result = { outcome: 'succeeded', items, errors };
      end = {
        result: { items, errors },
        ...(throttle && throttle.failureCount > 0 ? { throttle: { mailboxKey: key, until: null, failures: 0 } } : {}),
      };
    } catch (e) {
      const err = asProviderError(e);
      items += committed;
      const { action, failures } = decideRunFailure(err, { failuresBefore: state.consecutiveFailures, items }, this.deps.retry);
      log.warn({ kind: err.kind, code: err.code, action: action.action, items }, 'sync run failed');
      const at = clock.now();
      state = transition({ ...state, consecutiveFailures: failures - 1 }, { type: 'run_failed', failure: action as RunFailureAction }, at, this.statusCfg);
      state = { ...state, statusReason: state.status === 'active' ? state.statusReason : (state.statusReason ?? err.kind) };
      errors++;
      result = { outcome: 'failed', kind: err.kind, action: action.action };
      end = {
        result: { items, errors, errorKind: err.kind, message: err.message },
        ...(action.action === 'wait' || action.action === 'backoff' ? { throttle: { mailboxKey: key, until: new Date(at.getTime() + action.delayMs), failures } } : {}),
      };
    }
    const finishedAt = clock.now();
    await this.ledger.endRun(scope, run, { ...end, now: finishedAt, account: this.patch(account, state), keepRuns: this.deps.keepRuns ?? 50 });
    this.deps.metrics?.syncLatency.labels('sync', account.provider).observe((performance.now() - started) / 1000);
    // The scheduler tick asks for every account whose next run is due, in bulk; a run queues its own
    // follow-up only when it must come sooner than the regular cadence (Retry-After, backoff, resync),
    // where the tick's granularity would be felt.
    const next = asDate(state.nextRunAt);
    if (next && next.getTime() < finishedAt.getTime() + this.statusCfg.intervalMs) await this.deps.scheduleAt(account, next);
    return result;
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
  private patch(account: ConnectedAccount, state: AccountSyncState): AccountPatch {
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
