/**
 * The store side of the capture benchmarks: a fresh store with the seeded customers as contacts, the
 * capture feature as src/sync/wiring.ts builds it for that store, and the timed loop of sync runs
 * that empties the capture folder (checked against the activities actually stored).
 */
import { customers } from '../../sim/common/seed-content';
import { createPglite, dbFromPglite, openDb, type Db } from '../../src/store/db';
import { migrate } from '../../src/store/migrate';
import type { SyncFeature } from '../../src/sync/feature';
import { blobStoreFor, syncFeatures } from '../../src/sync/wiring';
import { measureThreadCpu } from './thread-cpu';
import type { TestEngine } from '../../test/capture/capture-harness';
import { createTestCompany, createTestDb } from '../../test/support/test-db';

export interface BenchStore {
  db: Db;
  scope: { companyId: string };
  userId: string;
}

/**
 * Embedded PGlite, or a fresh PostgreSQL database (TANDEM_TEST_PG_URL) for the scale-out store. With
 * `dataDir`, the store is opened as the product opens it (openDb: files in `<dataDir>/pglite`, on the
 * database's own thread); without, an in-process PGlite in memory.
 */
export async function freshStore(usePostgres: boolean, dataDir?: string): Promise<BenchStore> {
  let db: Db;
  if (usePostgres) db = (await createTestDb('postgres')).db;
  else {
    db = dataDir ? await openDb({ dataDir }) : dbFromPglite(await createPglite());
    await migrate(db);
  }
  const { scope, userId } = await createTestCompany(db, 'Greenleaf');
  for (const c of customers) await db.repos.contacts.create(scope, { name: c.name ?? c.address, emails: [c.address] });
  return { db, scope, userId };
}

/** The capture feature as src/sync/wiring.ts builds it for this store (attachments in files or rows). */
export function productCapture(dataDir: string, db: Db, usePostgres: boolean): SyncFeature {
  const blobs = blobStoreFor({ dataDir, databaseUrl: usePostgres ? 'postgres://bench' : undefined }, db);
  const capture = syncFeatures({ blobs }).find((f) => f.name === 'capture');
  if (!capture) throw new Error('no capture feature in the wiring');
  return capture;
}

export interface CaptureTiming {
  /** Messages per second, end to end. */
  rate: number;
  seconds: number;
  /**
   * CPU time of this process per message (all its threads): what the pipeline itself costs, less
   * sensitive than `rate` to other processes on the machine. A provider or server in another process
   * (Dovecot, the Graph simulator, PostgreSQL) is not in it.
   */
  cpuMsPerMessage: number;
  /** The same per kind of thread (thread-cpu.ts); empty where /proc is absent. */
  threadCpu: Record<string, number>;
  runs: number;
  /** Email activities in the store afterwards (filed on contacts or unmatched). */
  activities: number;
  /** How far this process's RSS rose above where it stood when the run began (sampled every 20 ms), MiB. */
  rssRiseMib: number;
}

/** Items moved by one sync run; a run that did not succeed stops the benchmark. */
export function itemsOf(r: Awaited<ReturnType<TestEngine['sync']>>): number {
  if (r.outcome !== 'succeeded') throw new Error(`sync run ${r.outcome}: ${JSON.stringify(r)}`);
  return r.items;
}

/** Times sync runs until `count` messages are captured, then counts the activities they made. */
export async function timeCapture(store: BenchStore, count: number, run: () => Promise<number>): Promise<CaptureTiming> {
  const { db, scope } = store;
  const threads = await measureThreadCpu();
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 20);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let done = 0;
  let runs = 0;
  for (; done < count && runs < 20; runs++) done += await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  const threadCpu = await threads.perMessage(count);
  if (done !== count) throw new Error(`captured ${done} of ${count}`);
  const activities = new Set<string>();
  const collect = async (list: (cursor: string | undefined) => Promise<{ items: { id: string }[]; nextCursor?: string }>) => {
    let cursor: string | undefined;
    do {
      const page = await list(cursor);
      for (const a of page.items) activities.add(a.id);
      cursor = page.nextCursor;
    } while (cursor);
  };
  const paging = (cursor: string | undefined) => ({ limit: 200, ...(cursor ? { cursor } : {}) });
  await collect((cursor) => db.repos.activities.listUnmatched(scope, paging(cursor)));
  for (const c of await db.repos.contacts.list(scope, { limit: 500 })) await collect((cursor) => db.repos.activities.listForContact(scope, c.id, paging(cursor)));
  return { rate: count / seconds, seconds, cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / count, threadCpu, runs, activities: activities.size, rssRiseMib: (rssPeak - rssBefore) / 2 ** 20 };
}
