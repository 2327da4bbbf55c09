import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDrivers, type TestDb } from '../../test/support/test-db';
import { queryRows } from './db';
import { migrate, migrationsFolder } from './migrate';

const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };

describe.each(testDrivers())('migrations (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  it('creates every table and records each migration once, and a second run changes nothing', async () => {
    const tables = async () =>
      (await queryRows<{ table_name: string }>(t.db.orm, sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`)).map((r) => r.table_name);
    const before = await tables();
    expect(before).toEqual(
      expect.arrayContaining(['companies', 'users', 'contacts', 'contact_emails', 'activities', 'activity_contacts', 'appointments', 'connected_accounts', 'outbox', 'blobs']),
    );
    await migrate(t.db);
    expect(await tables()).toEqual(before);
    const applied = await queryRows<{ n: number }>(t.db.orm, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(applied[0]?.n).toBe(journal.entries.length);
  });

  it('leads every company-owned lookup index with company_id', async () => {
    const rows = await queryRows<{ indexname: string; indexdef: string }>(
      t.db.orm,
      sql`select i.indexname, i.indexdef from pg_indexes i
          join information_schema.columns c on c.table_name = i.tablename and c.column_name = 'company_id' and c.table_schema = 'public'
          where i.schemaname = 'public'`,
    );
    // Exceptions keyed by a globally unique value (primary keys, account-keyed uniques, token hashes)
    // and the pre-auth sign-in lookup by address, which cannot know the company yet.
    const globalKeys = /_pkey$|_pk$|_account_|_token_hash_|_provider_id_uq$|_expires_idx$|_due_idx$|_lease_idx$|_idempotency_key_|_mailbox_uq$|_resource_uq$|^users_email_idx$/;
    const offenders = rows.filter((r) => !globalKeys.test(r.indexname) && !/\(company_id[,)]/.test(r.indexdef)).map((r) => r.indexname);
    expect(offenders).toEqual([]);
  });
});
