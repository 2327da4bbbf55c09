/**
 * Push end to end on the Microsoft 365 simulator with the real engine (pg-boss on PGlite): a Graph
 * subscription on the Tandem folder, the simulator's notification to our webhook, the run it pulls
 * forward, the activity stored — with the regular schedule five minutes away, so no poll did it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testMailbox } from '../../src/providers/microsoft/microsoft-test-harness';
import { startPushWorld, type PushWorld } from './push-harness';

describe('push on the Microsoft 365 simulator, real engine', () => {
  let w: PushWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('turns a message dropped into Tandem into an activity within seconds, without a scheduled run', async () => {
    w = await startPushWorld('engine');
    const world = w;
    await world.manager.start({ workers: true });
    // The first run ("Sync now" after connecting) creates the Tandem and Processed folders.
    await world.engine?.syncNow(world.account, 'sync_now');
    await vi.waitFor(async () => expect((await world.t.db.repos.syncState.listRuns(world.scope, world.account.id)).filter((r) => r.finishedAt).length).toBeGreaterThanOrEqual(1), { timeout: 15_000, interval: 50 });
    const afterFirst = await world.t.db.repos.accounts.get(world.scope, world.account.id);
    expect(afterFirst?.captureFolderId).toBeTruthy();
    const nextScheduled = afterFirst?.nextRunAt?.getTime() ?? 0;
    expect(nextScheduled - Date.now()).toBeGreaterThan(60_000);

    await world.manager.sweep();
    await vi.waitFor(async () => expect((await world.t.db.repos.pushSubscriptions.list(world.scope, world.account.id)).map((s) => s.resource).sort()).toEqual(['calendar', 'capture']), {
      timeout: 15_000,
      interval: 50,
    });
    expect(world.env.sim.handle.subscriptions(testMailbox)).toHaveLength(2);

    // The engine's start-up tick may run the account once more: let every run finish before the drop,
    // so only the push can pick it up (the schedule's next run is minutes away).
    const runs = () => world.t.db.repos.syncState.listRuns(world.scope, world.account.id);
    await vi.waitFor(async () => expect((await runs()).every((r) => r.finishedAt)).toBe(true), { timeout: 15_000, interval: 50 });
    const runsBefore = (await runs()).length;

    // How fast is bench/push-latency's question; here only that the push, not the schedule, did it.
    await world.drop('push-1@test.example');
    await vi.waitFor(async () => expect(await world.activities()).toBe(1), { timeout: 10_000, interval: 25 });
    await vi.waitFor(() => expect(world.env.sim.handle.listFolderMessages(testMailbox, 'Processed')).toHaveLength(1), { timeout: 10_000, interval: 25 });
    expect(Date.now()).toBeLessThan(nextScheduled);
    expect(world.syncCalls.map((c) => c.reason)).toContain('push');
    expect((await runs()).length).toBeGreaterThan(runsBefore);
  }, 40_000);
});
