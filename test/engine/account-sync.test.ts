/**
 * The account run on a fake clock and a scripted provider, on both drivers: status transitions,
 * Retry-After honoured through the database, token refresh (ahead of expiry and once on 401),
 * needs-reconnect without losing cursors, full resync, failure cadence.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors';
import { mailboxKey } from '../../src/store/repos/sync-state';
import { openCredentials } from '../../src/sync/credentials';
import { testDrivers } from '../support/test-db';
import type { SyncFeature } from '../../src/sync/feature';
import { startEngineHarness, type EngineHarness } from './engine-harness';

describe.each(testDrivers())('account sync on %s', (driver) => {
  let h: EngineHarness;
  beforeEach(async () => {
    h = await startEngineHarness(driver);
  });
  afterEach(async () => h.close());

  const run = (accountId: string) => h.sync.run({ accountId, companyId: h.companyId, reason: 'test' });

  it('a good run: active, last success, next run in 5 minutes, run recorded', async () => {
    const a = await h.addAccount('ok@x.example');
    const result = await run(a.id);
    expect(result).toEqual({ outcome: 'succeeded', items: 1, errors: 0 });
    const after = await h.account(a.id);
    expect(after.status).toBe('active');
    expect(after.stage).toBeNull();
    expect(after.lastSuccessAt?.toISOString()).toBe('2026-11-02T09:00:00.000Z');
    expect(after.nextRunAt?.toISOString()).toBe('2026-11-02T09:05:00.000Z');
    // The regular cadence is the scheduler tick's (bulk enqueue of due accounts): no job of its own.
    expect(h.scheduled).toEqual([]);
    const runs = await h.db.repos.syncState.listRuns({ companyId: h.companyId }, a.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ items: 1, errors: 0, errorKind: null });
    expect(runs[0]?.finishedAt).not.toBeNull();
  });

  it('throttled: waits Retry-After, recorded in the database, and no worker calls the provider before then', async () => {
    const a = await h.addAccount('busy@x.example');
    h.state.plan('busy@x.example', new ProviderError('throttled', 'slow down', { status: 429, retryAfterMs: 120_000 }));
    expect(await run(a.id)).toMatchObject({ outcome: 'failed', kind: 'throttled', action: 'wait' });
    const throttled = await h.account(a.id);
    expect(throttled.status).toBe('throttled');
    expect(throttled.nextRunAt?.toISOString()).toBe('2026-11-02T09:02:00.000Z');
    // Sooner than the regular cadence: the run queues its own follow-up at the Retry-After time.
    expect(h.scheduled).toEqual([{ accountId: a.id, at: new Date('2026-11-02T09:02:00.000Z') }]);
    const row = await h.db.repos.syncState.getThrottleForSystem(mailboxKey('microsoft', 'busy@x.example'));
    expect(row?.retryAfterUntil?.toISOString()).toBe('2026-11-02T09:02:00.000Z');

    h.clock.advance(60_000);
    expect(await run(a.id)).toEqual({ outcome: 'skipped', why: 'throttled' });
    expect(h.state.callsFor('busy@x.example')).toBe(1);

    h.clock.advance(61_000);
    expect(await run(a.id)).toMatchObject({ outcome: 'succeeded' });
    expect((await h.account(a.id)).status).toBe('active');
    expect(h.state.callsFor('busy@x.example')).toBe(2);
  });

  it('refreshes an access token that is about to expire before calling the provider, and stores the rotated tokens', async () => {
    const a = await h.addAccount('soon@x.example', { accessTokenExpiresAt: new Date(h.clock.now().getTime() + 60_000).toISOString() });
    await run(a.id);
    expect(h.state.refreshes).toBe(1);
    expect(h.state.calls.at(-1)?.accessToken).toBe('access-1');
    const stored = openCredentials(h.vault, await h.account(a.id));
    expect(stored).toMatchObject({ kind: 'oauth', accessToken: 'access-1', refreshToken: 'refresh-1' });
    // A fresh token is not refreshed again.
    await run(a.id);
    expect(h.state.refreshes).toBe(1);
  });

  it('auth_expired: refreshes once and retries; a second 401 after refreshing means the grant is dead', async () => {
    const a = await h.addAccount('expired@x.example');
    h.state.plan('expired@x.example', new ProviderError('auth_expired', '401', { status: 401 }));
    expect(await run(a.id)).toMatchObject({ outcome: 'succeeded' });
    expect(h.state.refreshes).toBe(1);
    expect(h.state.calls.map((c) => c.accessToken)).toEqual(['access-0', 'access-1']);

    h.state.plan('expired@x.example', new ProviderError('auth_expired', '401'), new ProviderError('auth_expired', '401 again'));
    expect(await run(a.id)).toMatchObject({ outcome: 'failed', action: 'needs_reconnect' });
    const dead = await h.account(a.id);
    expect(dead.status).toBe('needs_reconnect');
    expect(dead.nextRunAt).toBeNull();
  });

  it('a revoked grant stops the account with its reason; cursors stay; later runs do not call the provider', async () => {
    const a = await h.addAccount('revoked@x.example');
    const scope = { companyId: h.companyId };
    await h.db.repos.syncState.setCursor(scope, a.id, 'calendar', 'delta-token-7', h.clock.now());
    h.state.plan('revoked@x.example', new ProviderError('auth_revoked', 'invalid_grant', { code: 'AADSTS50173' }));
    await run(a.id);
    const dead = await h.account(a.id);
    expect(dead.status).toBe('needs_reconnect');
    expect(dead.statusReason).toBe('auth_revoked');
    expect(await run(a.id)).toEqual({ outcome: 'skipped', why: 'stopped' });
    expect(h.state.callsFor('revoked@x.example')).toBe(1);
    expect(await h.db.repos.syncState.getCursor(scope, a.id, 'calendar')).toBe('delta-token-7');
  });

  it('a refresh answered invalid_grant is a dead grant too', async () => {
    const a = await h.addAccount('norefresh@x.example', { accessTokenExpiresAt: new Date(h.clock.now().getTime() - 1000).toISOString() });
    h.state.refreshScript.push(new ProviderError('auth_revoked', 'invalid_grant'));
    await run(a.id);
    expect((await h.account(a.id)).status).toBe('needs_reconnect');
    expect(h.state.callsFor('norefresh@x.example')).toBe(0);
  });

  it('cursor_expired: the same run retries once as a full resync', async () => {
    const a = await h.addAccount('cursor@x.example');
    h.state.plan('cursor@x.example', new ProviderError('cursor_expired', 'gone', { status: 410 }));
    expect(await run(a.id)).toMatchObject({ outcome: 'succeeded' });
    expect(h.state.calls.map((c) => c.fullResync)).toEqual([false, true]);
  });

  it('transient: backs off (jittered, capped) and keeps the account active; permanent: failed, retried hourly', async () => {
    const a = await h.addAccount('flaky@x.example');
    h.state.plan('flaky@x.example', new ProviderError('transient', '503', { status: 503 }));
    expect(await run(a.id)).toMatchObject({ outcome: 'failed', action: 'backoff' });
    const flaky = await h.account(a.id);
    expect(flaky.status).toBe('active');
    const delay = (flaky.nextRunAt?.getTime() ?? 0) - h.clock.now().getTime();
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThanOrEqual(h.retry.maxDelayMs);

    const b = await h.addAccount('broken@x.example');
    h.state.plan('broken@x.example', new ProviderError('permission', 'scope missing', { status: 403 }));
    await run(b.id);
    const broken = await h.account(b.id);
    expect(broken.status).toBe('failed');
    expect(broken.statusReason).toBe('permission');
    expect(broken.nextRunAt?.toISOString()).toBe('2026-11-02T10:00:00.000Z');
    // A later success clears the failure.
    h.clock.advance(3600_000);
    await run(b.id);
    expect((await h.account(b.id)).status).toBe('active');
    expect((await h.account(b.id)).statusReason).toBeNull();
  });

  it('takes over an account left "syncing" by a worker that died', async () => {
    const a = await h.addAccount('orphan@x.example');
    await h.db.repos.accounts.update({ companyId: h.companyId }, a.id, { status: 'syncing', stage: 'capture', stageStartedAt: h.clock.now() }, h.clock.now());
    expect(await run(a.id)).toMatchObject({ outcome: 'succeeded' });
    expect((await h.account(a.id)).status).toBe('active');
  });

  it('a batch: each account gets its own outcome, read, begun and ended together; a job naming another company runs nothing', async () => {
    const ok = await h.addAccount('ok@batch.example');
    const busy = await h.addAccount('busy@batch.example');
    const revoked = await h.addAccount('revoked@batch.example');
    const flaky = await h.addAccount('flaky@batch.example');
    const waiting = await h.addAccount('waiting@batch.example');
    await h.db.repos.syncState.recordThrottleForSystem(mailboxKey('microsoft', 'waiting@batch.example'), new Date('2026-11-02T09:03:00Z'), h.clock.now());
    h.state.plan('busy@batch.example', new ProviderError('throttled', 'slow down', { status: 429, retryAfterMs: 60_000 }));
    h.state.plan('revoked@batch.example', new ProviderError('auth_revoked', 'invalid_grant'));
    h.state.plan('flaky@batch.example', new ProviderError('transient', '503', { status: 503 }));
    const job = (accountId: string, companyId = h.companyId) => ({ accountId, companyId, reason: 'test' });
    const other = await h.db.repos.companies.create({ name: 'Other Co' });

    const results = await h.sync.runBatch([
      job(ok.id),
      job(busy.id),
      job(revoked.id),
      job(flaky.id),
      job(waiting.id),
      job(ok.id, other.id),
      job('00000000-0000-4000-8000-000000000000'),
      job(ok.id),
    ]);
    expect(results).toEqual([
      { outcome: 'succeeded', items: 1, errors: 0 },
      { outcome: 'failed', kind: 'throttled', action: 'wait' },
      { outcome: 'failed', kind: 'auth_revoked', action: 'needs_reconnect' },
      { outcome: 'failed', kind: 'transient', action: 'backoff' },
      { outcome: 'skipped', why: 'throttled' },
      { outcome: 'skipped', why: 'gone' },
      { outcome: 'skipped', why: 'gone' },
      { outcome: 'skipped', why: 'duplicate' },
    ]);
    const status = async (id: string) => {
      const a = await h.account(id);
      return { status: a.status, reason: a.statusReason, stage: a.stage, next: a.nextRunAt?.toISOString() ?? null };
    };
    expect(await status(ok.id)).toEqual({ status: 'active', reason: null, stage: null, next: '2026-11-02T09:05:00.000Z' });
    expect(await status(busy.id)).toEqual({ status: 'throttled', reason: 'throttled', stage: null, next: '2026-11-02T09:01:00.000Z' });
    expect(await status(revoked.id)).toEqual({ status: 'needs_reconnect', reason: 'auth_revoked', stage: null, next: null });
    expect((await status(flaky.id)).status).toBe('active');
    expect(await status(waiting.id)).toEqual({ status: 'throttled', reason: 'throttled', stage: null, next: '2026-11-02T09:03:00.000Z' });
    // History: one finished row per account that ran, none for the skipped ones.
    const runs = async (id: string) => h.db.repos.syncState.listRuns({ companyId: h.companyId }, id);
    expect(await runs(ok.id)).toMatchObject([{ items: 1, errors: 0, errorKind: null, feature: 'capture' }]);
    expect(await runs(busy.id)).toMatchObject([{ items: 0, errors: 1, errorKind: 'throttled' }]);
    expect(await runs(revoked.id)).toMatchObject([{ errorKind: 'auth_revoked' }]);
    expect(await runs(flaky.id)).toMatchObject([{ errorKind: 'transient' }]);
    expect(await runs(waiting.id)).toEqual([]);
    for (const id of [ok.id, busy.id, revoked.id, flaky.id]) expect((await runs(id))[0]?.finishedAt).not.toBeNull();
    expect(await h.db.repos.syncState.listRuns({ companyId: other.id }, ok.id)).toEqual([]);
    // Throttle state: the 429 and the 503 recorded per mailbox, the earlier wait untouched.
    const throttle = (m: string) => h.db.repos.syncState.getThrottleForSystem(mailboxKey('microsoft', m));
    expect(await throttle('busy@batch.example')).toMatchObject({ retryAfterUntil: new Date('2026-11-02T09:01:00Z'), failureCount: 1 });
    expect((await throttle('flaky@batch.example'))?.failureCount).toBe(1);
    expect((await throttle('waiting@batch.example'))?.retryAfterUntil?.toISOString()).toBe('2026-11-02T09:03:00.000Z');
    expect(await throttle('ok@batch.example')).toBeUndefined();
    // Follow-ups queued only for what is due before the regular cadence: the 429, the 503 and the wait.
    expect(h.scheduled.map((x) => x.accountId).sort()).toEqual([busy.id, flaky.id, waiting.id].sort());
  });

  it('keeps only the last 50 runs per account', async () => {
    const a = await h.addAccount('many@x.example');
    for (let i = 0; i < 53; i++) {
      await run(a.id);
      h.clock.advance(1000);
    }
    expect(await h.db.repos.syncState.listRuns({ companyId: h.companyId }, a.id, 100)).toHaveLength(50);
  });
});

describe.each(testDrivers())('failure streaks on %s', (driver) => {
  let h: EngineHarness;
  // Capture in pages: each page is one provider call; a stored page is reported as progress.
  const paged = (): SyncFeature[] => [
    {
      name: 'capture',
      enabled: () => true,
      async run(ctx) {
        let items = 0;
        for (let page = 0; page < 3; page++) {
          await ctx.provider.mail?.listCaptured({ captureId: 'c', processedId: 'p' }, { pageSize: 10 });
          items += 4;
          ctx.progress?.(4);
        }
        return { items, errors: 0 };
      },
    },
  ];
  beforeEach(async () => {
    h = await startEngineHarness(driver, { features: paged });
  });
  afterEach(async () => h.close());

  const run = (accountId: string) => h.sync.run({ accountId, companyId: h.companyId, reason: 'test' });
  const streak = async (mailbox: string) => (await h.db.repos.syncState.getThrottleForSystem(mailboxKey('microsoft', mailbox)))?.failureCount;

  it('a run that stored pages before a fault starts a new streak; runs that store nothing extend it until failed', async () => {
    const a = await h.addAccount('faulty@x.example');
    const fault = () => new ProviderError('transient', '503', { status: 503 });
    // Nothing stored, three times: the streak grows.
    for (let i = 1; i <= 3; i++) {
      h.state.plan('faulty@x.example', fault());
      expect(await run(a.id)).toMatchObject({ outcome: 'failed', action: 'backoff' });
      expect(await streak('faulty@x.example')).toBe(i);
      h.clock.advance(10 * 60_000);
    }
    // Two pages stored, then the fault: counted as the first failure of a new streak, history keeps the items.
    h.state.plan('faulty@x.example', 'ok', 'ok', fault());
    expect(await run(a.id)).toMatchObject({ outcome: 'failed', action: 'backoff' });
    expect(await streak('faulty@x.example')).toBe(1);
    const [last] = await h.db.repos.syncState.listRuns({ companyId: h.companyId }, a.id, 1);
    expect(last).toMatchObject({ items: 8, errors: 1, errorKind: 'transient' });
    expect((await h.account(a.id)).status).toBe('active');
    // From there, runs storing nothing climb to maxAttempts (8) and the account goes failed.
    for (let i = 2; i < h.retry.maxAttempts; i++) {
      h.clock.advance(10 * 60_000);
      h.state.plan('faulty@x.example', fault());
      expect(await run(a.id)).toMatchObject({ outcome: 'failed', action: 'backoff' });
    }
    expect(await streak('faulty@x.example')).toBe(h.retry.maxAttempts - 1);
    h.clock.advance(10 * 60_000);
    h.state.plan('faulty@x.example', fault());
    expect(await run(a.id)).toMatchObject({ outcome: 'failed', action: 'fail' });
    expect((await h.account(a.id)).status).toBe('failed');
    // A clean run clears the streak.
    h.clock.advance(3600_000);
    expect(await run(a.id)).toEqual({ outcome: 'succeeded', items: 12, errors: 0 });
    expect(await streak('faulty@x.example')).toBe(0);
    expect((await h.account(a.id)).status).toBe('active');
  });
});

/**
 * A batch's runs end one by one: a run's end is committed and its job settled (the engine completes
 * it there) while a slower neighbour is still running, instead of the whole batch waiting for it —
 * one 10-minute first sync used to hold 19 finished accounts "syncing". The run-slot hook bounds
 * how many runs do provider work at once.
 */
describe.each(testDrivers())('a batch of runs on %s', (driver) => {
  let h: EngineHarness;
  const gates = new Map<string, { promise: Promise<void>; open: () => void }>();
  const gate = (mailbox: string) => {
    let open = () => {};
    const promise = new Promise<void>((r) => {
      open = r;
    });
    gates.set(mailbox, { promise, open });
  };
  const running = new Set<string>();
  let most = 0;
  const gated: SyncFeature[] = [
    {
      name: 'capture',
      enabled: () => true,
      async run(ctx) {
        running.add(ctx.account.mailboxAddress);
        most = Math.max(most, running.size);
        await gates.get(ctx.account.mailboxAddress)?.promise;
        running.delete(ctx.account.mailboxAddress);
        return { items: 1, errors: 0 };
      },
    },
  ];
  beforeEach(async () => {
    gates.clear();
    most = 0;
    h = await startEngineHarness(driver, { features: () => gated });
  });
  afterEach(async () => h.close());

  const until = async (what: string, probe: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 500; i++) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`never: ${what}`);
  };

  it("ends each run as soon as it is done and settles its job then, while a slow neighbour still runs", async () => {
    const fast = await h.addAccount('fast@batch.example');
    const slow = await h.addAccount('slow@batch.example');
    gate('slow@batch.example');
    const settled: { index: number; slowStatus: string }[] = [];
    const batch = h.sync.runBatch(
      [fast, slow].map((a) => ({ accountId: a.id, companyId: h.companyId, reason: 'test' })),
      {
        ended: async (index) => {
          settled.push({ index, slowStatus: (await h.account(slow.id)).status });
        },
      },
    );
    await until('the fast run settled', () => settled.length === 1);
    // The fast run's end is committed, while the slow one is still going.
    expect(settled).toEqual([{ index: 0, slowStatus: 'syncing' }]);
    expect((await h.account(fast.id)).status).toBe('active');
    expect((await h.db.repos.syncState.listRuns({ companyId: h.companyId }, fast.id))[0]?.finishedAt).not.toBeNull();
    expect(running).toEqual(new Set(['slow@batch.example']));
    gates.get('slow@batch.example')?.open();
    expect(await batch).toEqual([
      { outcome: 'succeeded', items: 1, errors: 0 },
      { outcome: 'succeeded', items: 1, errors: 0 },
    ]);
    expect(settled.map((s) => s.index)).toEqual([0, 1]);
    expect((await h.account(slow.id)).status).toBe('active');
  });

  it('runs its provider work inside the slot hook, and a job whose settling fails does not stop its neighbours', async () => {
    const accounts = await Promise.all(['a', 'b', 'c'].map((n) => h.addAccount(`${n}@slots.example`)));
    let free = 1;
    const waiting: (() => void)[] = [];
    const slot = async <T>(work: () => Promise<T>): Promise<T> => {
      if (free > 0) free--;
      else await new Promise<void>((r) => waiting.push(r));
      try {
        return await work();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    };
    const settled: number[] = [];
    const batch = h.sync.runBatch(
      accounts.map((a) => ({ accountId: a.id, companyId: h.companyId, reason: 'test' })),
      {
        slot,
        ended: async (index) => {
          if (index === 1) throw new Error('could not complete the job');
          settled.push(index);
        },
      },
    );
    await expect(batch).rejects.toThrow('could not complete the job');
    expect(most).toBe(1);
    expect(settled.sort()).toEqual([0, 2]);
    // Every run still ended: its status and history are written before its job is settled.
    for (const a of accounts) expect((await h.account(a.id)).status).toBe('active');
  });
});
