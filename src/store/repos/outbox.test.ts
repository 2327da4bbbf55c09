import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';
import { outbox } from '../schema';

const now = new Date('2026-11-02T09:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe.each(testDrivers())('outbox (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  it('commits the CRM change and its outbox row together, or neither', async () => {
    await t.db.orm.delete(outbox);
    const { scope } = await createTestCompany(t.db);
    const enqueue = (key: string) => ({ kind: 'send_mail' as const, payload: { to: ['x@y.example'] }, idempotencyKey: key, now });
    await t.db.transaction(async (tx) => {
      const { activity } = await tx.repos.activities.create(scope, { type: 'email', status: 'queued', occurredAt: now, contactIds: [] });
      await tx.repos.outbox.enqueue(scope, { ...enqueue('<kept@tandem>'), activityId: activity.id });
    });
    await expect(
      t.db.transaction(async (tx) => {
        await tx.repos.activities.create(scope, { type: 'email', status: 'queued', subject: 'rolled back', occurredAt: now, contactIds: [] });
        await tx.repos.outbox.enqueue(scope, enqueue('<lost@tandem>'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await t.db.repos.outbox.list(scope);
    expect(rows.map((r) => r.idempotencyKey)).toEqual(['<kept@tandem>']);
    expect(rows[0]?.activityId).not.toBeNull();
    // Same key again: no second row.
    const again = await t.db.repos.outbox.enqueue(scope, enqueue('<kept@tandem>'));
    expect(again.created).toBe(false);
    expect(again.row.id).toBe(rows[0]?.id);
  });

  it('never hands the same row to two concurrent claimers', async () => {
    await t.db.orm.delete(outbox);
    const { scope } = await createTestCompany(t.db);
    for (let i = 0; i < 40; i++) {
      await t.db.repos.outbox.enqueue(scope, { kind: 'create_event', payload: { i }, idempotencyKey: `claim-${driver}-${i}`, now });
    }
    const claims = await Promise.all(Array.from({ length: 6 }, () => t.db.repos.outbox.claimDueForSystem(now, { limit: 8, leaseMs: 60_000 })));
    const ids = claims.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(40);
    expect(claims.flat().every((r) => r.status === 'in_flight' && r.attempts === 1)).toBe(true);
  });

  it('retries later, reclaims after a lost lease, and ends delivered or dead', async () => {
    await t.db.orm.delete(outbox);
    const { scope } = await createTestCompany(t.db);
    const { row } = await t.db.repos.outbox.enqueue(scope, { kind: 'send_mail', payload: {}, idempotencyKey: 'life-1', now });
    const { row: row2 } = await t.db.repos.outbox.enqueue(scope, { kind: 'send_mail', payload: {}, idempotencyKey: 'life-2', now, notBefore: later(5_000) });
    expect((await t.db.repos.outbox.claimDueForSystem(now, { leaseMs: 30_000 })).map((r) => r.id)).toEqual([row.id]);
    // Worker died: nothing to claim until the lease runs out, then the row comes back.
    expect(await t.db.repos.outbox.claimDueForSystem(later(1_000), { leaseMs: 30_000, kinds: ['send_mail'] })).toHaveLength(0);
    const reclaimed = await t.db.repos.outbox.claimDueForSystem(later(31_000), { leaseMs: 30_000 });
    // Due order: the first row (due at now) before the second (due 5 s later).
    expect(reclaimed.map((r) => [r.id, r.attempts])).toEqual([
      [row.id, 2],
      [row2.id, 1],
    ]);
    await t.db.repos.outbox.markDead(scope, row2.id, 'invalid_input');
    await t.db.repos.outbox.retry(scope, row.id, later(120_000), 'transient: 503');
    expect(await t.db.repos.outbox.claimDueForSystem(later(60_000), { leaseMs: 30_000 })).toHaveLength(0);
    const [third] = await t.db.repos.outbox.claimDueForSystem(later(120_000), { leaseMs: 30_000 });
    expect(third?.lastError).toBe('transient: 503');
    expect(third?.id).toBe(row.id);
    await t.db.repos.outbox.markDelivered(scope, row.id, later(121_000));
    expect((await t.db.repos.outbox.get(scope, row.id))?.status).toBe('delivered');
    expect((await t.db.repos.outbox.get(scope, row2.id))?.status).toBe('dead');
    expect(await t.db.repos.outbox.claimDueForSystem(later(10_000_000), { leaseMs: 30_000 })).toHaveLength(0);
  });
});

// PGlite has a single connection, so transactions cannot overlap there; this one needs a real server.
describe.each(testDrivers().filter((d) => d === 'postgres'))('outbox row locks (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  it('skips rows another open transaction has locked instead of waiting', async () => {
    await t.db.orm.delete(outbox);
    const { scope } = await createTestCompany(t.db);
    for (let i = 0; i < 6; i++) await t.db.repos.outbox.enqueue(scope, { kind: 'send_mail', payload: {}, idempotencyKey: `lock-${i}`, now });
    let outside: string[] = [];
    const inside = await t.db.transaction(async (tx) => {
      const mine = await tx.repos.outbox.claimDueForSystem(now, { limit: 4, leaseMs: 60_000 });
      // While those four are locked and uncommitted, a second worker gets only the other two, at once.
      outside = (await t.db.repos.outbox.claimDueForSystem(now, { limit: 10, leaseMs: 60_000 })).map((r) => r.id);
      return mine.map((r) => r.id);
    });
    expect(inside).toHaveLength(4);
    expect(outside).toHaveLength(2);
    expect(inside.filter((id) => outside.includes(id))).toEqual([]);
  });
});
