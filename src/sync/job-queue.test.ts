/**
 * A "run soon" job (Sync now, push notifications) must outlive pg-boss's retention sweep until a
 * worker takes it. pg-boss deletes a queued or retrying job once start_after + retention has passed,
 * so a job asked to start "after 1970" was deleted by the first sweep a worker did not beat — also
 * the retry of a job whose worker was killed (the multi-process kill -9 test lost its job that way).
 * The control job, queued the old way, proves the sweep really ran in each test.
 * A bulk enqueue (the scheduler tick) analyses the job table so pg-boss plans its fetch for the backlog.
 */
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { queryRows } from '../store/db';
import { createTestDb, testDrivers, type TestDb } from '../../test/support/test-db';
import { JobQueue, queueNames } from './job-queue';

describe.each(testDrivers())('JobQueue on %s', (driver) => {
  let t: TestDb | undefined;
  let queue: JobQueue | undefined;
  afterEach(async () => {
    await queue?.stop(1000);
    await t?.cleanup();
  });

  async function setup(): Promise<{ db: TestDb['db']; queue: JobQueue }> {
    t = await createTestDb(driver);
    const db = t.db;
    queue = new JobQueue({ db, logger: createLogger('silent'), ...(db.kind === 'postgres' ? { databaseUrl: db.pool.options.connectionString ?? '' } : {}) });
    await queue.start();
    return { db, queue };
  }

  const jobsOf = (db: TestDb['db'], key: string) =>
    queryRows<{ state: string; due: boolean }>(
      db.orm,
      sql`select state::text as state, start_after <= now() as due from pgboss.job where name = ${queueNames.sync} and singleton_key = ${key}`,
    );

  it('a job asked to run soon is due at once and survives the retention sweep until a worker takes it', async () => {
    const { db, queue } = await setup();
    const data = (accountId: string) => ({ accountId, companyId: 'c1', reason: 'sync_now' });
    await queue.runSoon(queueNames.sync, data('fresh'));
    // Pulled forward from the regular schedule an hour away.
    await queue.enqueue(queueNames.sync, data('scheduled'), { startAfter: new Date(Date.now() + 3600_000) });
    await queue.runSoon(queueNames.sync, data('scheduled'));
    // Control: the same job queued with a start in the past, which is what runSoon used to do.
    await queue.enqueue(queueNames.sync, data('control'), { startAfter: new Date(0) });

    await queue.boss.supervise(queueNames.sync);

    expect(await jobsOf(db, 'control')).toEqual([]);
    expect(await jobsOf(db, 'fresh')).toEqual([{ state: 'created', due: true }]);
    expect(await jobsOf(db, 'scheduled')).toEqual([{ state: 'created', due: true }]);
  });

  it('a bulk enqueue refreshes the statistics of the job table, so the fetch plan sees the backlog', async () => {
    const { db, queue } = await setup();
    // pg-boss's fetch was planned from the stats of a near-empty table (a scan of every waiting job per fetch).
    const tuples = async () => {
      const [row] = await queryRows<{ n: number }>(
        db.orm,
        sql`select c.reltuples::float8 as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
            where s.nspname = ${queue.schema} and c.relname = (select table_name from pgboss.queue where name = ${queueNames.sync})`,
      );
      return row?.n ?? Number.NaN;
    };
    expect(await tuples()).toBeLessThan(600);
    await queue.enqueueMany(
      queueNames.sync,
      Array.from({ length: 600 }, (_, i) => ({ accountId: `a${i}`, companyId: 'c1', reason: 'schedule' })),
    );
    expect(await tuples()).toBeGreaterThanOrEqual(600);
  });
});
