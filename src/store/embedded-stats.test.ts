import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../test/support/test-db';
import { queryRows } from './db';
import { EmbeddedStats } from './embedded-stats';

const hour = 3600_000;

describe.each(testDrivers())('embedded store statistics (%s)', (driver) => {
  let t: TestDb | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  /** What the planner believes the contacts table holds (-1: never analysed). */
  async function plannerRows(): Promise<number> {
    if (!t) throw new Error('no database');
    const [row] = await queryRows<{ n: number }>(t.db.orm, sql`select reltuples::float8 as n from pg_class where relname = 'contacts' and relkind = 'r'`);
    return row?.n ?? Number.NaN;
  }

  it(driver === 'pglite' ? 'analyses on the first call, then at most once an hour' : 'leaves statistics to autovacuum', async () => {
    t = await createTestDb(driver);
    const { scope } = await createTestCompany(t.db);
    for (let i = 0; i < 30; i++) await t.db.repos.contacts.create(scope, { name: `Contact ${i}`, emails: [`c${i}@stats.example`] });
    const stats = new EmbeddedStats(t.db);
    const start = new Date('2026-11-27T10:00:00Z');
    const before = await plannerRows();
    if (driver === 'postgres') {
      expect(await stats.refreshIfDue(start)).toBe(false);
      return;
    }
    expect(before).toBeLessThan(30);
    expect(await stats.refreshIfDue(start)).toBe(true);
    expect(await plannerRows()).toBeGreaterThanOrEqual(30);
    expect(await stats.refreshIfDue(new Date(start.getTime() + hour - 1))).toBe(false);
    expect(await stats.refreshIfDue(new Date(start.getTime() + hour))).toBe(true);
  });
});
