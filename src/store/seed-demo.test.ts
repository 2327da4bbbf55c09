import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDrivers, type TestDb } from '../../test/support/test-db';
import { demoPassword, seedDemo } from './seed-demo';

describe.each(testDrivers())('seedDemo (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  it('seeds Greenleaf once, deterministically, and the demo users can sign in', async () => {
    const now = new Date('2026-11-02T09:00:00Z');
    const first = await seedDemo(t.db, { now });
    const second = await seedDemo(t.db, { now });
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    const scope = { companyId: first.companyId };
    expect(await t.db.repos.contacts.count(scope)).toBe(50);
    const contacts = await t.db.repos.contacts.list(scope, { limit: 100 });
    expect(contacts.every((c) => c.emails.length >= 1 && c.emails.length <= 2 && c.city)).toBe(true);
    expect(contacts.filter((c) => c.emails.length === 2)).toHaveLength(17);
    expect(new Set(contacts.map((c) => c.name)).size).toBe(50);
    const olivia = await t.db.repos.contacts.findByEmail(scope, 'OLIVIA.PATEL@MAPLERIDGE-HOA.EXAMPLE');
    expect(olivia?.name).toBe('Olivia Patel');
    const tab = await t.db.repos.activities.listForContact(scope, olivia?.id ?? '');
    expect(tab.items.map((a) => a.subject)).toEqual(['Re: Spring cleanup quote', 'Walked the property with Olivia']);
    expect(tab.items[0]?.regarding?.type).toBe('opportunity');
    const ava = await t.db.repos.users.verifySignInForSystem('ava@greenleaf.example', demoPassword);
    expect(ava?.role).toBe('admin');
    expect(await t.db.repos.records.listWorkTickets(scope)).toHaveLength(4);
  });
});
