import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/store/db';
import { createTestDb, testDrivers, type TestDb } from './test-db';

describe.each(testDrivers())('createTestDb (%s)', (driver) => {
  const opened: TestDb[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((t) => t.cleanup()));
  });

  it('gives each test its own migrated database', async () => {
    const a = await createTestDb(driver);
    const b = await createTestDb(driver);
    opened.push(a, b);
    await a.db.orm.execute(sql`insert into companies (name) values ('only in a')`);
    const count = async (t: TestDb) => {
      const rows = await queryRows<{ n: number }>(t.db.orm, sql`select count(*)::int as n from companies`);
      return rows[0]?.n;
    };
    expect(await count(a)).toBe(1);
    expect(await count(b)).toBe(0);
  });
});
