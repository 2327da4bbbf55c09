import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';
import { queryRows } from '../db';
import { ledgerLookup } from './captured-messages';

const now = new Date('2026-11-02T09:00:00Z');

describe.each(testDrivers())('capture ledger storage (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  async function ledgerOf(count: number) {
    const { scope, userId } = await createTestCompany(t.db);
    const account = await t.db.repos.accounts.create(scope, { userId, provider: 'imap', mailboxAddress: `ledger-storage-${driver}-${count}@x.example`, now });
    const ids = Array.from({ length: count }, (_, i) => `INBOX.Tandem:1:${1000 + i}`);
    await t.db.repos.capturedMessages.recordMany(
      scope,
      ids.map((id, i) => ({ accountId: account.id, providerMessageId: id, rfcMessageId: `<${i}.capture-ledger@x.example>` })),
      now,
    );
    return { scope, accountId: account.id, ids };
  }

  /** Heap page of each ledger row of the account. */
  async function pages(accountId: string): Promise<Map<string, string>> {
    const rows = await queryRows<{ id: string; page: string }>(
      t.db.orm,
      sql`select provider_message_id as id, (ctid::text::point)[0]::text as page from captured_messages where account_id = ${accountId}`,
    );
    return new Map(rows.map((r) => [r.id, r.page]));
  }

  it('marks a batch processed without moving its rows off their pages (HOT updates: no new index entries)', async () => {
    const { scope, accountId, ids } = await ledgerOf(300);
    const before = await pages(accountId);
    expect(new Set(before.values()).size).toBeGreaterThan(1);
    await t.db.repos.capturedMessages.markProcessed(scope, accountId, ids, new Date(now.getTime() + 1000));
    expect(await pages(accountId)).toEqual(before);
    expect((await t.db.repos.capturedMessages.findMany(scope, accountId, ids)).every((r) => r.processedAt?.getTime() === now.getTime() + 1000)).toBe(true);
  });

  // The embedded store never analyses its tables: the plan must be right without statistics.
  it.runIf(driver === 'pglite')('looks ledger rows up by the account and message index, not by reading the company’s whole ledger', async () => {
    const { scope, accountId, ids } = await ledgerOf(2000);
    const [row] = await queryRows<{ 'QUERY PLAN': unknown }>(t.db.orm, sql`explain (format json) ${ledgerLookup(t.db.orm, scope, accountId, ids.slice(0, 100))}`);
    const plan = JSON.stringify(row?.['QUERY PLAN']);
    expect(plan).toContain('captured_messages_account_msg_uq');
    expect(plan).not.toContain('Seq Scan');
  });
});
