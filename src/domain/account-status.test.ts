import { describe, expect, it } from 'vitest';
import {
  accountStatuses,
  defaultStatusMachineConfig,
  IllegalTransitionError,
  initialAccountState,
  isDue,
  transition,
  type AccountEvent,
  type AccountStatus,
  type AccountSyncState,
  type RunFailureAction,
} from './account-status';

const now = new Date('2026-11-02T09:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const later = (ms: number) => new Date(now.getTime() + ms).toISOString();

/** One representative state per status (syncing: stage started 2 h ago; throttled: wait over). */
function stateIn(status: AccountStatus): AccountSyncState {
  const base = initialAccountState(new Date(ago(600_000)));
  switch (status) {
    case 'syncing':
      return { ...base, status, stage: 'capture', stageStartedAt: ago(2 * 3_600_000) };
    case 'throttled':
      return { ...base, status, statusReason: 'throttled', throttledUntil: ago(1_000) };
    case 'needs_reconnect':
      return { ...base, status, statusReason: 'auth_revoked', nextRunAt: null };
    case 'failed':
      return { ...base, status, statusReason: 'permission', consecutiveFailures: 3 };
    case 'disabled':
      return { ...base, status, statusReason: 'disabled_by_user', nextRunAt: null };
    default:
      return { ...base, status };
  }
}

const events: Record<string, AccountEvent> = {
  run_started: { type: 'run_started', stage: 'capture' },
  run_succeeded: { type: 'run_succeeded', items: 12 },
  run_failed: { type: 'run_failed', failure: { action: 'backoff', delayMs: 30_000 } },
  throttled: { type: 'throttled', until: new Date(later(120_000)) },
  token_dead: { type: 'token_dead', reason: 'auth_revoked' },
  reconnected: { type: 'reconnected' },
  disabled: { type: 'disabled' },
  enabled: { type: 'enabled' },
  reaper_reset: { type: 'reaper_reset' },
  run_orphaned: { type: 'run_orphaned' },
};

type Outcome = AccountStatus | 'illegal';
// Rows: from-status. Columns: event. Spelled out so every transition is a visible decision.
const table: Record<AccountStatus, Record<keyof typeof events, Outcome>> = {
  active: { run_started: 'syncing', run_succeeded: 'illegal', run_failed: 'illegal', throttled: 'throttled', token_dead: 'needs_reconnect', reconnected: 'active', disabled: 'disabled', enabled: 'illegal', reaper_reset: 'illegal', run_orphaned: 'illegal' },
  syncing: { run_started: 'illegal', run_succeeded: 'active', run_failed: 'active', throttled: 'throttled', token_dead: 'needs_reconnect', reconnected: 'illegal', disabled: 'disabled', enabled: 'illegal', reaper_reset: 'active', run_orphaned: 'active' },
  throttled: { run_started: 'syncing', run_succeeded: 'illegal', run_failed: 'illegal', throttled: 'throttled', token_dead: 'needs_reconnect', reconnected: 'active', disabled: 'disabled', enabled: 'illegal', reaper_reset: 'illegal', run_orphaned: 'illegal' },
  needs_reconnect: { run_started: 'illegal', run_succeeded: 'illegal', run_failed: 'illegal', throttled: 'illegal', token_dead: 'needs_reconnect', reconnected: 'active', disabled: 'disabled', enabled: 'illegal', reaper_reset: 'illegal', run_orphaned: 'illegal' },
  failed: { run_started: 'syncing', run_succeeded: 'illegal', run_failed: 'illegal', throttled: 'throttled', token_dead: 'needs_reconnect', reconnected: 'active', disabled: 'disabled', enabled: 'illegal', reaper_reset: 'illegal', run_orphaned: 'illegal' },
  disabled: { run_started: 'illegal', run_succeeded: 'illegal', run_failed: 'illegal', throttled: 'illegal', token_dead: 'illegal', reconnected: 'illegal', disabled: 'illegal', enabled: 'active', reaper_reset: 'illegal', run_orphaned: 'illegal' },
};

const rows = accountStatuses.flatMap((from) => Object.keys(events).map((event) => ({ from, event, want: table[from][event] ?? 'missing' })));

describe('account status transitions (every status × every event)', () => {
  it('has a row for every status and event', () => {
    expect(rows).toHaveLength(accountStatuses.length * Object.keys(events).length);
    expect(rows.filter((r) => r.want === 'missing')).toEqual([]);
  });

  it.each(rows)('$from + $event → $want', ({ from, event, want }) => {
    const ev = events[event];
    if (!ev) throw new Error(`no event ${event}`);
    if (want === 'illegal') {
      expect(() => transition(stateIn(from), ev, now)).toThrow(IllegalTransitionError);
    } else {
      expect(transition(stateIn(from), ev, now).status).toBe(want);
    }
  });
});

describe('transition details', () => {
  const syncing = stateIn('syncing');

  it('a successful run clears the reason and failures and schedules the normal cadence', () => {
    const s = transition({ ...syncing, statusReason: 'permission', consecutiveFailures: 2 }, events.run_succeeded as AccountEvent, now);
    expect(s).toMatchObject({ status: 'active', statusReason: null, stage: 'idle', stageStartedAt: null, lastSuccessAt: now.toISOString(), nextRunAt: later(300_000), consecutiveFailures: 0 });
  });

  it.each<[string, RunFailureAction, Partial<AccountSyncState>]>([
    ['wait', { action: 'wait', delayMs: 90_000 }, { status: 'throttled', throttledUntil: later(90_000), nextRunAt: later(90_000) }],
    ['backoff', { action: 'backoff', delayMs: 30_000 }, { status: 'active', nextRunAt: later(30_000), consecutiveFailures: 1 }],
    ['needs_reconnect', { action: 'needs_reconnect', reason: 'auth_expired_twice' }, { status: 'needs_reconnect', statusReason: 'auth_expired_twice', nextRunAt: null }],
    ['needs_admin_consent', { action: 'needs_admin_consent' }, { status: 'needs_reconnect', statusReason: 'admin_consent_required' }],
    ['fail → slower cadence', { action: 'fail', reason: 'permission' }, { status: 'failed', statusReason: 'permission', nextRunAt: later(3_600_000) }],
    ['full_resync → again at once', { action: 'full_resync' }, { status: 'active', nextRunAt: now.toISOString() }],
    ['conflict → normal cadence', { action: 'conflict' }, { status: 'active', nextRunAt: later(300_000) }],
  ])('run_failed with %s', (_name, failure, expected) => {
    const s = transition(syncing, { type: 'run_failed', failure }, now);
    expect(s).toMatchObject({ stage: 'idle', stageStartedAt: null, ...expected });
  });

  it('run_started records the stage and its start', () => {
    expect(transition(stateIn('active'), { type: 'run_started', stage: 'calendar' }, now)).toMatchObject({ status: 'syncing', stage: 'calendar', stageStartedAt: now.toISOString() });
  });

  it('refuses to start while a throttle is still in force', () => {
    const throttled = { ...stateIn('throttled'), throttledUntil: later(10_000) };
    expect(() => transition(throttled, events.run_started as AccountEvent, now)).toThrow(/throttled until/);
  });

  it('the reaper only resets a stage stuck for over an hour', () => {
    const young = { ...syncing, stageStartedAt: ago(59 * 60_000) };
    expect(() => transition(young, { type: 'reaper_reset' }, now)).toThrow(/not stuck yet/);
    expect(transition(syncing, { type: 'reaper_reset' }, now)).toMatchObject({ status: 'active', stage: 'idle', nextRunAt: now.toISOString(), consecutiveFailures: 1 });
  });

  it('a run left without a job to end it goes back to the regular cadence at once, whatever its age', () => {
    const young = { ...syncing, stageStartedAt: ago(60_000) };
    expect(transition(young, { type: 'run_orphaned' }, now)).toMatchObject({
      status: 'active',
      stage: 'idle',
      stageStartedAt: null,
      nextRunAt: new Date(now.getTime() + defaultStatusMachineConfig.intervalMs).toISOString(),
      consecutiveFailures: 1,
    });
  });

  it('a dead token stops sync and keeps the reason for the user', () => {
    expect(transition(syncing, { type: 'token_dead', reason: 'password_changed' }, now)).toMatchObject({ status: 'needs_reconnect', statusReason: 'password_changed', nextRunAt: null, stage: 'idle' });
  });

  it('reconnecting resumes at once', () => {
    expect(transition(stateIn('needs_reconnect'), { type: 'reconnected' }, now)).toMatchObject({ status: 'active', statusReason: null, nextRunAt: now.toISOString(), consecutiveFailures: 0 });
  });

  it('names the transition in the error', () => {
    expect(() => transition(stateIn('disabled'), { type: 'run_started', stage: 'capture' }, now)).toThrow(
      expect.objectContaining({ code: 'illegal_transition', from: 'disabled', event: 'run_started' }),
    );
  });
});

describe('isDue', () => {
  it.each([
    ['active, next run passed', stateIn('active'), true],
    ['active, next run ahead', { ...stateIn('active'), nextRunAt: later(1) }, false],
    ['failed, slow retry passed', stateIn('failed'), true],
    ['syncing', stateIn('syncing'), false],
    ['needs_reconnect', stateIn('needs_reconnect'), false],
    ['disabled', stateIn('disabled'), false],
  ])('%s → %s', (_name, state, due) => {
    expect(isDue(state, now)).toBe(due);
  });
});
