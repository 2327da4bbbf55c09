/**
 * The sync status machine of a connected account. `status` is what the user sees in Settings;
 * `stage` is internal bookkeeping for the engine and the reaper. `transition` is pure: the engine
 * loads the state, applies an event with the clock's `now`, and stores the result.
 */

export const accountStatuses = ['active', 'syncing', 'throttled', 'needs_reconnect', 'failed', 'disabled'] as const;
export type AccountStatus = (typeof accountStatuses)[number];

export const syncStages = ['idle', 'capture', 'calendar', 'send', 'full_resync'] as const;
export type SyncStage = (typeof syncStages)[number];

export interface AccountSyncState {
  status: AccountStatus;
  /** Why the account is not active (shown to the user), e.g. "auth_revoked". */
  statusReason: string | null;
  stage: SyncStage;
  stageStartedAt: string | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
  throttledUntil: string | null;
  consecutiveFailures: number;
}

/**
 * How a run failed, as decided by sync/retry-policy (its RetryAction is assignable to this; the
 * domain does not import sync/).
 */
export type RunFailureAction =
  | { action: 'wait' | 'backoff'; delayMs: number }
  | { action: 'needs_reconnect'; reason: string }
  | { action: 'needs_admin_consent'; adminConsentUrl?: string }
  | { action: 'fail'; reason: string }
  | { action: 'refresh_and_retry_once' | 'full_resync' | 'skip_item' | 'conflict' };

export type AccountEvent =
  | { type: 'run_started'; stage: Exclude<SyncStage, 'idle'> }
  | { type: 'run_succeeded'; items: number }
  | { type: 'run_failed'; failure: RunFailureAction }
  | { type: 'throttled'; until: Date }
  | { type: 'token_dead'; reason: string }
  | { type: 'reconnected' }
  | { type: 'disabled' }
  | { type: 'enabled' }
  | { type: 'reaper_reset' }
  | { type: 'run_orphaned' };

export type AccountEventType = AccountEvent['type'];

export interface StatusMachineConfig {
  /** Cadence of a healthy account. */
  intervalMs: number;
  /** Slower cadence once an account has failed, so a broken mailbox does not hammer the provider. */
  failedIntervalMs: number;
  /** A stage running longer than this is considered stuck (worker died) and may be reset. */
  stuckAfterMs: number;
}

export const defaultStatusMachineConfig: StatusMachineConfig = {
  intervalMs: 5 * 60_000,
  failedIntervalMs: 60 * 60_000,
  stuckAfterMs: 60 * 60_000,
};

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  readonly code = 'illegal_transition';
  constructor(
    readonly from: AccountStatus,
    readonly event: AccountEventType,
    readonly why: string,
  ) {
    super(`Cannot apply ${event} to an account that is ${from}: ${why}`);
  }
}

export function initialAccountState(now: Date): AccountSyncState {
  return {
    status: 'active',
    statusReason: null,
    stage: 'idle',
    stageStartedAt: null,
    lastSuccessAt: null,
    nextRunAt: now.toISOString(),
    throttledUntil: null,
    consecutiveFailures: 0,
  };
}

const at = (now: Date, plusMs: number): string => new Date(now.getTime() + plusMs).toISOString();

/** Fields every run-ending transition resets. */
const ended = { stage: 'idle', stageStartedAt: null } as const;

function onRunFailed(state: AccountSyncState, failure: RunFailureAction, now: Date, cfg: StatusMachineConfig): AccountSyncState {
  const failures = state.consecutiveFailures + 1;
  switch (failure.action) {
    case 'wait':
      return { ...state, ...ended, status: 'throttled', statusReason: 'throttled', throttledUntil: at(now, failure.delayMs), nextRunAt: at(now, failure.delayMs), consecutiveFailures: failures };
    case 'backoff':
      return { ...state, ...ended, status: 'active', nextRunAt: at(now, failure.delayMs), consecutiveFailures: failures };
    case 'needs_reconnect':
      return { ...state, ...ended, status: 'needs_reconnect', statusReason: failure.reason, nextRunAt: null, consecutiveFailures: failures };
    case 'needs_admin_consent':
      return { ...state, ...ended, status: 'needs_reconnect', statusReason: 'admin_consent_required', nextRunAt: null, consecutiveFailures: failures };
    case 'fail':
      return { ...state, ...ended, status: 'failed', statusReason: failure.reason, nextRunAt: at(now, cfg.failedIntervalMs), consecutiveFailures: failures };
    case 'full_resync':
    case 'refresh_and_retry_once':
      // Recoverable within the next run: run again at once.
      return { ...state, ...ended, status: 'active', nextRunAt: now.toISOString() };
    case 'skip_item':
    case 'conflict':
      return { ...state, ...ended, status: 'active', nextRunAt: at(now, cfg.intervalMs) };
  }
}

export function transition(state: AccountSyncState, event: AccountEvent, now: Date, cfg: StatusMachineConfig = defaultStatusMachineConfig): AccountSyncState {
  const illegal = (why: string) => new IllegalTransitionError(state.status, event.type, why);
  const { status } = state;
  switch (event.type) {
    case 'run_started': {
      if (status === 'syncing') throw illegal('a run is already in progress');
      if (status === 'needs_reconnect' || status === 'disabled') throw illegal('sync is stopped until the user acts');
      if (status === 'throttled' && state.throttledUntil !== null && Date.parse(state.throttledUntil) > now.getTime()) throw illegal(`throttled until ${state.throttledUntil}`);
      // A failed account keeps its reason while retrying, so the user still sees why.
      return { ...state, status: 'syncing', stage: event.stage, stageStartedAt: now.toISOString(), throttledUntil: null };
    }
    case 'run_succeeded':
      if (status !== 'syncing') throw illegal('no run in progress');
      return { ...state, ...ended, status: 'active', statusReason: null, lastSuccessAt: now.toISOString(), nextRunAt: at(now, cfg.intervalMs), consecutiveFailures: 0 };
    case 'run_failed':
      if (status !== 'syncing') throw illegal('no run in progress');
      return onRunFailed(state, event.failure, now, cfg);
    case 'throttled':
      if (status === 'needs_reconnect' || status === 'disabled') throw illegal('sync is stopped');
      return { ...state, ...ended, status: 'throttled', statusReason: 'throttled', throttledUntil: event.until.toISOString(), nextRunAt: event.until.toISOString() };
    case 'token_dead':
      if (status === 'disabled') throw illegal('the account is disabled');
      // Nothing is lost: cursors stay where they were, so sync resumes from there after reconnecting.
      return { ...state, ...ended, status: 'needs_reconnect', statusReason: event.reason, nextRunAt: null };
    case 'reconnected':
      if (status === 'disabled') throw illegal('enable the account first');
      if (status === 'syncing') throw illegal('a run is in progress');
      return { ...state, ...ended, status: 'active', statusReason: null, throttledUntil: null, nextRunAt: now.toISOString(), consecutiveFailures: 0 };
    case 'disabled':
      if (status === 'disabled') throw illegal('already disabled');
      return { ...state, ...ended, status: 'disabled', statusReason: 'disabled_by_user', nextRunAt: null };
    case 'enabled':
      if (status !== 'disabled') throw illegal('not disabled');
      return { ...state, status: 'active', statusReason: null, nextRunAt: now.toISOString(), consecutiveFailures: 0 };
    case 'reaper_reset': {
      if (status !== 'syncing' || state.stageStartedAt === null) throw illegal('no run in progress');
      const age = now.getTime() - Date.parse(state.stageStartedAt);
      if (age < cfg.stuckAfterMs) throw illegal(`stage ${state.stage} has run ${Math.round(age / 60_000)} min, not stuck yet`);
      // The worker that held the stage died; count it as a failure and let the scheduler run again.
      return { ...state, ...ended, status: 'active', nextRunAt: now.toISOString(), consecutiveFailures: state.consecutiveFailures + 1 };
    }
    case 'run_orphaned':
      // "syncing" with no sync job left to end it (its retries used up, e.g. killed each time): nothing
      // will ever write its end. Back to the regular cadence rather than at once, so an account whose
      // run kills its worker does not take another one down every tick.
      if (status !== 'syncing') throw illegal('no run in progress');
      return { ...state, ...ended, status: 'active', nextRunAt: at(now, cfg.intervalMs), consecutiveFailures: state.consecutiveFailures + 1 };
  }
}

/** Whether the scheduler should start a run now. */
export function isDue(state: AccountSyncState, now: Date): boolean {
  if (state.status === 'syncing' || state.status === 'needs_reconnect' || state.status === 'disabled') return false;
  return state.nextRunAt !== null && Date.parse(state.nextRunAt) <= now.getTime();
}
