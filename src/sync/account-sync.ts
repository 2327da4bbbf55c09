/**
 * One sync run of one account: throttle gate → status "syncing" → each enabled feature (capture,
 * calendar) with the retry policy applied inside the run (refresh once, full resync once) → status
 * from the pure state machine → run history → the next run scheduled. pg-boss guarantees one active
 * run per account; everything here is safe to repeat after a crash.
 */
import type { Logger } from 'pino';
import { transition, type AccountSyncState, type RunFailureAction, type StatusMachineConfig, defaultStatusMachineConfig } from '../domain/account-status';
import type { Clock } from '../domain/clock';
import { ProviderError, isProviderError, type ProviderErrorKind } from '../providers/errors';
import type { Db } from '../store/db';
import type { ConnectedAccount } from '../store/repos/accounts';
import { mailboxKey } from '../store/repos/sync-state';
import type { Metrics } from '../metrics';
import type { CredentialService } from './credentials';
import type { FeatureOutcome, SyncFeature } from './feature';
import type { ProviderAccess } from './provider-access';
import { decideRetry, type RetryAction, type RetryPolicyConfig } from './retry-policy';

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

  constructor(private readonly deps: AccountSyncDeps) {
    this.statusCfg = deps.status ?? defaultStatusMachineConfig;
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
    await this.save(account, state);
    const run = await db.repos.syncState.startRun(scope, account.id, features.map((f) => f.name).join('+') || 'none', now);
    const started = performance.now();
    let items = 0;
    let errors = 0;
    let result: RunResult;
    try {
      for (const feature of features) {
        if (feature.name !== state.stage) {
          state = { ...state, stage: feature.name, stageStartedAt: clock.now().toISOString() };
          await this.save(account, state);
        }
        const outcome = await this.runFeature(account, feature, job.jobId);
        items += outcome.items;
        errors += outcome.errors;
      }
      state = transition(state, { type: 'run_succeeded', items }, clock.now(), this.statusCfg);
      if (throttle && throttle.failureCount > 0) await db.repos.syncState.clearThrottleForSystem(key, clock.now());
      result = { outcome: 'succeeded', items, errors };
    } catch (e) {
      const err = asProviderError(e);
      const action = decideRetry(err, { attempt: state.consecutiveFailures + 1, scope: 'operation' }, this.deps.retry);
      log.warn({ kind: err.kind, code: err.code, action: action.action }, 'sync run failed');
      if (action.action === 'wait' || action.action === 'backoff') {
        await db.repos.syncState.recordThrottleForSystem(key, new Date(clock.now().getTime() + action.delayMs), clock.now());
      }
      state = transition(state, { type: 'run_failed', failure: action as RunFailureAction }, clock.now(), this.statusCfg);
      state = { ...state, statusReason: state.status === 'active' ? state.statusReason : (state.statusReason ?? err.kind) };
      errors++;
      result = { outcome: 'failed', kind: err.kind, action: action.action };
      await db.repos.syncState.finishRun(scope, run.id, { now: clock.now(), items, errors, errorKind: err.kind, message: err.message });
    }
    if (result.outcome === 'succeeded') await db.repos.syncState.finishRun(scope, run.id, { now: clock.now(), items, errors });
    await this.save(account, state);
    await db.repos.syncState.pruneRuns(scope, account.id, this.deps.keepRuns ?? 50);
    this.deps.metrics?.syncLatency.labels('sync', account.provider).observe((performance.now() - started) / 1000);
    const next = asDate(state.nextRunAt);
    if (next) await this.deps.scheduleAt(account, next);
    return result;
  }

  /** Runs one feature, applying in-run recoveries: one forced token refresh, one full resync. */
  private async runFeature(account: ConnectedAccount, feature: SyncFeature, jobId?: string): Promise<FeatureOutcome> {
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

  private async save(account: ConnectedAccount, state: AccountSyncState): Promise<void> {
    const patch = {
      status: state.status,
      statusReason: state.statusReason,
      stage: state.stage === 'idle' ? null : state.stage,
      stageStartedAt: asDate(state.stageStartedAt),
      lastSuccessAt: asDate(state.lastSuccessAt),
      nextRunAt: asDate(state.nextRunAt),
    };
    Object.assign(account, patch);
    await this.deps.db.repos.accounts.update({ companyId: account.companyId }, account.id, patch, this.deps.clock.now());
  }
}
