import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../../sim/common/seed-content';
import { createTestDb, testDrivers, type TestDb } from '../../test/support/test-db';
import { demoCorrespondents, demoPassword, seedDemo } from './seed-demo';

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
    expect(await t.db.repos.contacts.count(scope)).toBe(66);
    const contacts = await t.db.repos.contacts.list(scope, { limit: 100 });
    expect(contacts.every((c) => c.emails.length >= 1 && c.emails.length <= 2)).toBe(true);
    expect(contacts.filter((c) => c.city)).toHaveLength(50);
    expect(contacts.filter((c) => c.emails.length === 2)).toHaveLength(17);
    expect(new Set(contacts.map((c) => c.name)).size).toBe(66);
    const olivia = await t.db.repos.contacts.findByEmail(scope, 'OLIVIA.PATEL@MAPLERIDGE-HOA.EXAMPLE');
    expect(olivia?.name).toBe('Olivia Patel');
    const tab = await t.db.repos.activities.listForContact(scope, olivia?.id ?? '');
    expect(tab.items.map((a) => a.subject)).toEqual(['Re: Spring cleanup quote', 'Walked the property with Olivia']);
    expect(tab.items[0]?.regarding?.type).toBe('opportunity');
    const ava = await t.db.repos.users.verifySignInForSystem('ava@greenleaf.example', demoPassword);
    expect(ava?.role).toBe('admin');
    expect(await t.db.repos.records.listWorkTickets(scope)).toHaveLength(4);
  });

  it('files mail from every customer of the simulated mailboxes on a contact', async () => {
    const { companyId } = await seedDemo(t.db);
    expect(demoCorrespondents.map((c) => c.email).sort()).toEqual(customers.map((c) => c.address).sort());
    for (const c of customers) expect((await t.db.repos.contacts.findByEmail({ companyId }, c.address))?.emails).toContain(c.address);
  });

  it("keeps Ben's calendar Private with appointments around the seeding day, in his time zone", async () => {
    const { companyId } = await seedDemo(t.db);
    const scope = { companyId };
    const users = await t.db.repos.users.list(scope);
    const ben = users.find((u) => u.email === 'ben@greenleaf.example');
    expect(users.map((u) => [u.email, u.calendarPrivacy])).toEqual([
      ['ava@greenleaf.example', 'public'],
      ['ben@greenleaf.example', 'private'],
      ['cara@greenleaf.example', 'public'],
    ]);
    const week = await t.db.repos.appointments.listRange(scope, { ownerUserIds: [ben?.id ?? ''], from: new Date('2026-10-25T00:00:00Z'), to: new Date('2026-11-10T00:00:00Z') });
    // Seeded at 2026-11-02 09:00Z = 01:00 in Los Angeles (PST, UTC-8 after 1 November).
    expect(week.map((a) => [a.startLocal, a.startAt.toISOString()])).toEqual([
      ['2026-11-01T09:00:00', '2026-11-01T17:00:00.000Z'],
      ['2026-11-02T13:00:00', '2026-11-02T21:00:00.000Z'],
      ['2026-11-03T11:00:00', '2026-11-03T19:00:00.000Z'],
      ['2026-11-05T15:00:00', '2026-11-05T23:00:00.000Z'],
    ]);
  });
});
