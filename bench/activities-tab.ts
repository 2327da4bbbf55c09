/**
 * The Activities tab at scale: 1,000,000 activities over 10,000 contacts in PostgreSQL (a throwaway
 * database cloned from the migrated template, dropped at the end), then the repository call the API
 * makes (ActivitiesRepo.listForContact, 25 rows) for a few thousand seeded-random contacts — the
 * first page and a keyset page 80% down the contact's history — each beside a plain `SELECT 1`
 * through the same pool, measured interleaved so both see the same machine load.
 *
 *   npm run bench -- activities-tab [--scale 0.1] [--samples 2000]
 * TANDEM_TEST_PG_URL picks the server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../src/store/db';
import { activitiesTabQuery } from '../src/store/repos/activities';
import { encodeKeyset } from '../src/store/repos/common';
import { createTestCompany, createTestDb } from '../test/support/test-db';
import { loadActivities, sampleContacts, type SampledContact } from './support/activities-load';
import { numberArg } from './support/cli-args';
import { formatLatency, summarize, verdictLine } from './support/report';

const scale = numberArg('scale', 1, Number.EPSILON);
const samples = Math.round(numberArg('samples', 2000, 1));
const ACTIVITIES = Math.round(1_000_000 * scale);
const CONTACTS = Math.max(10, Math.round(10_000 * scale));
const PAGE = 25; // the API's default page size (src/api/routes/activities.ts)
const TARGET_P95_MS = 50;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function explain(db: Db, scope: { companyId: string }, contact: SampledContact): Promise<void> {
  for (const [label, after] of [
    ['first page', undefined],
    ['deep page', contact.deep],
  ] as const) {
    const q = activitiesTabQuery(db.orm, scope, contact.contactId, PAGE + 1, after);
    const plan = await queryRows<{ 'QUERY PLAN': string }>(db.orm, sql`explain (analyze, buffers, costs off) ${q}`);
    console.log(`\nEXPLAIN ANALYZE, ${label} of the busiest sampled contact (${contact.activities} activities):`);
    console.log(plan.map((r) => `  ${r['QUERY PLAN']}`).join('\n'));
  }
}

const { db, cleanup } = await createTestDb('postgres');
try {
  const { scope } = await createTestCompany(db, 'Bench Co');
  console.log(`activities-tab: loading ${ACTIVITIES.toLocaleString('en')} activities over ${CONTACTS.toLocaleString('en')} contacts (scale ${scale})`);
  const loadStart = performance.now();
  const loaded = await loadActivities(db, scope.companyId, { activities: ACTIVITIES, contacts: CONTACTS });
  const steps = Object.entries(loaded.timings)
    .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`)
    .join(', ');
  console.log(
    `loaded ${loaded.activities.toLocaleString('en')} activities, ${loaded.links.toLocaleString('en')} contact links in ${((performance.now() - loadStart) / 1000).toFixed(1)} s (${steps})`,
  );

  const sample = await sampleContacts(db, scope.companyId, samples, 'bench');
  const sizes = sample.map((s) => s.activities).sort((a, b) => a - b);
  console.log(`sampled ${sample.length} contacts: activities per contact min ${sizes[0]}, median ${sizes[Math.floor(sizes.length / 2)]}, max ${sizes.at(-1)}`);
  const busiest = sample.reduce((a, b) => (b.activities > a.activities ? b : a));
  await explain(db, scope, busiest);

  const repo = db.repos.activities;
  const selectOne = () => db.orm.execute(sql`select 1`);
  // Warm-up: connections opened, statements and the index's upper levels in cache.
  for (const s of sample.slice(0, 100)) {
    await selectOne();
    await repo.listForContact(scope, s.contactId, { limit: PAGE });
  }

  const ref: number[] = [];
  const first: number[] = [];
  const deep: number[] = [];
  for (const s of sample) {
    ref.push((await timed(selectOne)).ms);
    const page = await timed(() => repo.listForContact(scope, s.contactId, { limit: PAGE }));
    if (page.value.items.length !== Math.min(PAGE, s.activities)) throw new Error(`first page of ${s.contactId}: ${page.value.items.length} rows, expected ${Math.min(PAGE, s.activities)}`);
    first.push(page.ms);
    if (s.deep) {
      const cursor = encodeKeyset(s.deep);
      const deepPage = await timed(() => repo.listForContact(scope, s.contactId, { limit: PAGE, cursor }));
      const top = deepPage.value.items[0];
      if (!top || top.occurredAt > s.deep.at) throw new Error(`deep page of ${s.contactId} did not continue below its cursor`);
      deep.push(deepPage.ms);
    }
  }

  const refS = summarize(ref);
  const firstS = summarize(first);
  const deepS = summarize(deep);
  console.log('');
  console.log(formatLatency('SELECT 1 (reference)', refS));
  console.log(formatLatency(`first page (${PAGE} rows)`, firstS));
  console.log(formatLatency('deep keyset page (80%)', deepS));
  console.log(
    `ratio to SELECT 1: first page p50 ${(firstS.p50 / refS.p50).toFixed(1)}x, p95 ${(firstS.p95 / refS.p95).toFixed(1)}x; deep page p50 ${(deepS.p50 / refS.p50).toFixed(1)}x, p95 ${(deepS.p95 / refS.p95).toFixed(1)}x`,
  );
  console.log(verdictLine({ name: 'activities-tab', figure: firstS.p95, unit: 'ms p95 first page', op: '<=', target: TARGET_P95_MS }));
  console.log(verdictLine({ name: 'activities-tab-deep', figure: deepS.p95, unit: 'ms p95 deep keyset page', op: '<=', target: TARGET_P95_MS }));
} finally {
  await cleanup();
}
