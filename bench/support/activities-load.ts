/**
 * Bulk-loads a company's activity history into a migrated database, inside PostgreSQL with
 * generate_series (one INSERT … SELECT per table: row-by-row inserts from Node would take tens of
 * minutes for a million rows). Rows go into the real tables, so every constraint, foreign key and
 * index of the migrations is paid for and used.
 *
 * Shape: contacts are numbered k = 0..C-1 and each activity's contact is floor(C·u²) for uniform u,
 * a realistic skew — the busiest contact has about 100× the activities of the quietest (about
 * N/C · ½·√(C/k) each) — and one activity in ten also names a second contact (Cc). Dates are spread
 * over three years; seven in ten are emails with addresses, a subject and a short text body.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, type Orm } from '../../src/store/db';

export interface LoadPlan {
  activities: number;
  contacts: number;
  /** Fraction of activities linked to a second contact. */
  ccShare?: number;
  seed?: number;
}

export interface LoadResult {
  activities: number;
  links: number;
  contacts: number;
  /** Milliseconds per step, for the report. */
  timings: Record<string, number>;
}

/**
 * Runs `load` with the tables' foreign keys and secondary (non-constraint) indexes dropped, then puts
 * back exactly what the migrations made (definitions read from the catalog first): a bulk index
 * build and one validating pass per foreign key are many times cheaper than maintaining them row by
 * row, and ADD CONSTRAINT still checks every loaded row.
 */
async function withBulkLoadShape(orm: Orm, tables: readonly string[], load: () => Promise<void>): Promise<void> {
  const list = sql.join(
    tables.map((t) => sql`${t}::regclass`),
    sql`, `,
  );
  const fks = await queryRows<{ tbl: string; name: string; def: string }>(
    orm,
    sql`select conrelid::regclass::text as tbl, quote_ident(conname) as name, pg_get_constraintdef(oid) as def
        from pg_constraint where contype = 'f' and conrelid in (${list})`,
  );
  const indexes = await queryRows<{ name: string; def: string }>(
    orm,
    sql`select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def from pg_index i
        where i.indrelid in (${list})
          and not exists (select 1 from pg_constraint c where c.conrelid = i.indrelid and c.conindid = i.indexrelid and c.contype in ('p', 'u', 'x'))`,
  );
  for (const fk of fks) await orm.execute(sql.raw(`alter table ${fk.tbl} drop constraint ${fk.name}`));
  for (const ix of indexes) await orm.execute(sql.raw(`drop index ${ix.name}`));
  await load();
  for (const ix of indexes) await orm.execute(sql.raw(ix.def));
  for (const fk of fks) await orm.execute(sql.raw(`alter table ${fk.tbl} add constraint ${fk.name} ${fk.def}`));
}

export async function loadActivities(db: Db, companyId: string, plan: LoadPlan): Promise<LoadResult> {
  const { activities: n, contacts: c } = plan;
  const cc = plan.ccShare ?? 0.1;
  const timings: Record<string, number> = {};
  const company = sql`${companyId}::uuid`;
  // One transaction holds one connection, so the session settings below apply to every step.
  await db.transaction(async ({ orm }) => {
    const step = async (label: string, query: SQL): Promise<void> => {
      const t0 = performance.now();
      await orm.execute(query);
      timings[label] = (timings[label] ?? 0) + performance.now() - t0;
    };
    await orm.execute(sql`set local maintenance_work_mem = '256MB'`);
    await orm.execute(sql`set local synchronous_commit = off`);
    await step('contacts', sql`insert into contacts (company_id, name, company_name) select ${company}, 'Contact ' || g, 'Customer ' || (g % 997) from generate_series(0, ${c - 1}) g`);
    // A numbered plan in scratch tables both inserts below read.
    await step('plan', sql`create temp table bench_contact_numbers on commit drop as select id, (row_number() over (order by id) - 1)::int as k from contacts where company_id = ${company}`);
    await step('plan', sql`create unique index on bench_contact_numbers (k)`);
    await step('plan', sql`select setseed(${(plan.seed ?? 42) / 1000})`);
    await step(
      'plan',
      sql`create temp table bench_plan on commit drop as
          select g, gen_random_uuid() as id,
                 -- Millisecond precision like every occurred_at the product writes (from JS Dates): keyset
                 -- cursors carry a Date, so microseconds would sit between two cursors.
                 date_trunc('milliseconds', timestamptz '2023-06-01' + random() * interval '1095 days') as at,
                 least(${c - 1}, floor(${c} * random() ^ 2))::int as k1,
                 case when random() < ${cc} then floor(${c} * random())::int end as k2,
                 random() as r
          from generate_series(1, ${n}) g`,
    );
    const t0 = performance.now();
    await withBulkLoadShape(orm, ['activities', 'activity_contacts'], async () => {
      await step(
        'activities',
        sql`insert into activities (id, company_id, type, direction, subject, "from", "to", occurred_at, body_text, status, dedupe_key)
            select p.id, ${company},
                   case when p.r < 0.7 then 'email' when p.r < 0.9 then 'note' else 'appointment' end,
                   case when p.r < 0.4 then 'inbound' when p.r < 0.7 then 'outbound' end,
                   'Re: quote ' || p.g || ' for unit ' || (p.g % 311),
                   case when p.r < 0.7 then jsonb_build_object('address', 'contact' || p.k1 || '@customer.example', 'name', 'Contact ' || p.k1) end,
                   case when p.r < 0.7 then jsonb_build_array(jsonb_build_object('address', 'agent@tandem.example')) else '[]'::jsonb end,
                   p.at,
                   repeat(md5(p.g::text), 6),
                   case when p.r < 0.7 then 'filed' end,
                   case when p.r < 0.7 then '<' || p.g || '.bench@customer.example>' end
            from bench_plan p`,
      );
      await step(
        'links',
        sql`insert into activity_contacts (company_id, activity_id, contact_id, occurred_at)
            select ${company}, p.id, c.id, p.at from bench_plan p join bench_contact_numbers c on c.k = p.k1
            union all
            select ${company}, p.id, c.id, p.at from bench_plan p join bench_contact_numbers c on c.k = p.k2 where p.k2 is not null and p.k2 <> p.k1`,
      );
    });
    timings['indexes+keys'] = performance.now() - t0 - (timings['activities'] ?? 0) - (timings['links'] ?? 0);
  });
  const t1 = performance.now();
  await db.orm.execute(sql`vacuum analyze activities`);
  await db.orm.execute(sql`vacuum analyze activity_contacts`);
  await db.orm.execute(sql`analyze contacts`);
  timings['vacuum'] = performance.now() - t1;
  const [counts] = await queryRows<{ activities: number; links: number; contacts: number }>(
    db.orm,
    sql`select (select count(*) from activities where company_id = ${company})::int as activities,
               (select count(*) from activity_contacts where company_id = ${company})::int as links,
               (select count(*) from contacts where company_id = ${company})::int as contacts`,
  );
  if (!counts) throw new Error('counts query returned nothing');
  return { ...counts, timings };
}

export interface SampledContact {
  contactId: string;
  activities: number;
  /** The keyset position about 80% of the way down the contact's history (its "deep" page). */
  deep: { at: Date; id: string } | undefined;
}

/** `count` contacts in a seeded pseudo-random order, with their size and deep-page position. */
export async function sampleContacts(db: Db, companyId: string, count: number, seed: string): Promise<SampledContact[]> {
  const rows = await queryRows<{ contact_id: string; n: number; at: Date | string | null; activity_id: string | null }>(
    db.orm,
    sql`with s as (select id from contacts where company_id = ${companyId}::uuid order by md5(id::text || ${seed}) limit ${count}),
             sized as (select s.id, (select count(*) from activity_contacts ac where ac.company_id = ${companyId}::uuid and ac.contact_id = s.id)::int as n from s)
        select sized.id as contact_id, sized.n, d.occurred_at as at, d.activity_id
        from sized left join lateral (
          select occurred_at, activity_id from activity_contacts ac
          where ac.company_id = ${companyId}::uuid and ac.contact_id = sized.id
          order by occurred_at desc, activity_id desc offset (sized.n * 4 / 5) limit 1) d on true`,
  );
  return rows.map((r) => ({
    contactId: r.contact_id,
    activities: r.n,
    deep: r.at !== null && r.activity_id !== null ? { at: new Date(r.at), id: r.activity_id } : undefined,
  }));
}
