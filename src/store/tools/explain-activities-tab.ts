/**
 * Checks that the Activities-tab query is an index range scan at scale. Fills an EMPTY, migrated
 * database (its URL is the only argument) with 300,000 activities over 1,000 contacts, one "hot"
 * contact linked to 40,000 of them, then prints EXPLAIN (ANALYZE) of the first page and of a page
 * 20,000 rows deep.
 *
 *   createdb tandem_explain && npx tsx src/store/tools/explain-activities-tab.ts postgres://postgres@127.0.0.1/tandem_explain
 */
import { sql } from 'drizzle-orm';
import { openDb, queryRows } from '../db';
import { migrate } from '../migrate';
import { activitiesTabQuery } from '../repos/activities';

const url = process.argv[2];
if (!url) throw new Error('usage: explain-activities-tab <postgres url of an empty database>');
const db = await openDb({ databaseUrl: url, dataDir: '.' });
try {
  await migrate(db);
  const company = await db.repos.companies.create({ name: 'Explain Co' });
  const scope = { companyId: company.id };
  const started = Date.now();
  await db.orm.execute(sql`insert into contacts (company_id, name) select ${company.id}::uuid, 'Contact ' || g from generate_series(0, 999) g`);
  await db.orm.execute(
    sql`insert into activities (company_id, type, subject, occurred_at)
        select ${company.id}::uuid, 'note', 'note ' || g, timestamptz '2020-01-01' + g * interval '7 minutes' from generate_series(1, 300000) g`,
  );
  await db.orm.execute(sql`
    with c as (select id, (row_number() over (order by name) - 1) as k from contacts where company_id = ${company.id}::uuid),
         a as (select id, occurred_at, row_number() over (order by occurred_at) as n from activities where company_id = ${company.id}::uuid)
    insert into activity_contacts (company_id, activity_id, contact_id, occurred_at)
    select ${company.id}::uuid, a.id, c.id, a.occurred_at from a join c on c.k = a.n % 1000
    union all
    select ${company.id}::uuid, a.id, (select id from c where k = 999), a.occurred_at from a where a.n % 1000 <> 999 and a.n % 15 = 0`);
  await db.orm.execute(sql`analyze`);
  const [hot] = await queryRows<{ contact_id: string; n: number }>(
    db.orm,
    sql`select contact_id, count(*)::int as n from activity_contacts group by contact_id order by 2 desc limit 1`,
  );
  if (!hot) throw new Error('no data');
  console.log(`filled in ${Date.now() - started} ms; hot contact has ${hot.n} activities`);

  const [deep] = await queryRows<{ occurred_at: Date | string; activity_id: string }>(
    db.orm,
    sql`select occurred_at, activity_id from activity_contacts where company_id = ${company.id}::uuid and contact_id = ${hot.contact_id}::uuid
        order by occurred_at desc, activity_id desc offset 20000 limit 1`,
  );
  if (!deep) throw new Error('hot contact too small');
  for (const [label, after] of [
    ['first page', undefined],
    ['page after 20,000 rows', { at: new Date(deep.occurred_at), id: deep.activity_id }],
  ] as const) {
    const q = activitiesTabQuery(db.orm, scope, hot.contact_id, 26, after);
    const plan = await queryRows<{ 'QUERY PLAN': string }>(db.orm, sql`explain (analyze, buffers, costs off) ${q}`);
    console.log(`\n== ${label}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
  }
} finally {
  await db.close();
}
