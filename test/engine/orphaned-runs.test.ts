/**
 * An account stays "syncing" until its run's end is written. When its sync job is gone for good
 * (failed after its last retry, e.g. a worker killed during each attempt) nothing would write that
 * end until the one-hour stuck-stage reaper; the tick resets it at once. An account whose job can
 * still end the run (waiting, due for a retry, running) is left alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { defaultStatusMachineConfig } from '../../src/domain/account-status';
import { JobQueue, queueNames } from '../../src/sync/job-queue';
import { Scheduler } from '../../src/sync/scheduler';
import { testDrivers } from '../support/test-db';
import { startEngineHarness, type EngineHarness } from './engine-harness';

describe.each(testDrivers())('orphaned sync runs on %s', (driver) => {
  let h: EngineHarness | undefined;
  let queue: JobQueue | undefined;
  afterEach(async () => {
    await queue?.stop(1000);
    await h?.close();
  });

  it('the tick resets a "syncing" account whose sync job is gone, and no other', async () => {
    h = await startEngineHarness(driver);
    const { db, clock } = h;
    const q = new JobQueue({ db, logger: createLogger('silent'), ...(db.kind === 'postgres' ? { databaseUrl: db.pool.options.connectionString ?? '' } : {}) });
    queue = q;
    await q.start();
    const scope = { companyId: h.companyId };
    const syncing = async (mailbox: string) => {
      const a = await h!.addAccount(mailbox);
      await db.repos.accounts.update(scope, a.id, { status: 'syncing', stage: 'capture', stageStartedAt: clock.now() }, clock.now());
      return a.id;
    };
    const data = (accountId: string) => ({ accountId, companyId: h!.companyId, reason: 'test' });

    const noJob = await syncing('no-job@orphan.example');
    const deadJob = await syncing('dead-job@orphan.example');
    const waiting = await syncing('waiting@orphan.example');
    const running = await syncing('running@orphan.example');
    const retrying = await syncing('retrying@orphan.example');
    const idle = (await h.addAccount('idle@orphan.example')).id;

    // A job that used up its retries: its last attempt failed.
    await q.boss.send(queueNames.sync, data(deadJob), { singletonKey: deadJob, retryLimit: 0 });
    const [dead] = await q.boss.fetch(queueNames.sync);
    if (!dead) throw new Error('no job fetched');
    await q.boss.fail(queueNames.sync, dead.id, { message: 'worker killed' });
    // A failed attempt with retries left is due again, not gone.
    await q.boss.send(queueNames.sync, data(retrying), { singletonKey: retrying, retryLimit: 3, retryDelay: 3600 });
    const [retry] = await q.boss.fetch(queueNames.sync);
    if (!retry) throw new Error('no job fetched');
    await q.boss.fail(queueNames.sync, retry.id, { message: 'worker killed' });
    await q.boss.send(queueNames.sync, data(running), { singletonKey: running });
    const [active] = await q.boss.fetch(queueNames.sync);
    expect(active?.data).toMatchObject({ accountId: running });
    await q.enqueue(queueNames.sync, data(waiting), { startAfter: new Date(Date.now() + 3600_000) });

    const states = await q.boss.findJobs(queueNames.sync);
    expect(Object.fromEntries(states.map((j) => [(j.data as { accountId: string }).accountId, j.state]))).toEqual({
      [deadJob]: 'failed',
      [retrying]: 'retry',
      [running]: 'active',
      [waiting]: 'created',
    });

    const scheduler = (syncJobs: boolean) =>
      new Scheduler({
        db,
        clock,
        logger: createLogger('silent'),
        ...(syncJobs ? { syncJobs: { schema: q.schema, queue: queueNames.sync } } : {}),
        enqueueSync: async () => {},
        wakeOutbox: async () => {},
      });
    // Without the job table the rule cannot tell, so it stays off.
    expect((await scheduler(false).tick()).orphaned).toBe(0);
    expect((await h.account(noJob)).status).toBe('syncing');

    const report = await scheduler(true).tick();
    expect(report).toMatchObject({ orphaned: 2, reaped: 0 });
    const next = new Date(clock.now().getTime() + defaultStatusMachineConfig.intervalMs);
    for (const id of [noJob, deadJob]) {
      const a = await h.account(id);
      expect({ status: a.status, stage: a.stage, stageStartedAt: a.stageStartedAt, nextRunAt: a.nextRunAt }).toEqual({ status: 'active', stage: null, stageStartedAt: null, nextRunAt: next });
    }
    for (const id of [waiting, running, retrying]) expect((await h.account(id)).status).toBe('syncing');
    expect((await h.account(idle)).status).toBe('active');
    expect((await scheduler(true).tick()).orphaned).toBe(0);
  });
});
