import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';
import { activities } from '../schema';
import { StoreError } from './common';

const storeCode = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof StoreError ? e.code : `other: ${String(e)}`;
  }
};

describe.each(testDrivers())('CRM repositories (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  it('keeps contact addresses unique per company, case-insensitively', async () => {
    const { scope } = await createTestCompany(t.db);
    const other = await createTestCompany(t.db);
    const { contacts } = t.db.repos;
    const ann = await contacts.create(scope, { name: 'Ann Lee', emails: ['Ann@Example.com', 'ann.lee@home.example'] });
    expect(ann.emails).toEqual(['Ann@Example.com', 'ann.lee@home.example']);
    expect(await storeCode(contacts.create(scope, { name: 'Impostor', emails: ['ann@EXAMPLE.COM'] }))).toBe('conflict');
    // The failed create rolled back whole: no contact without its address.
    expect(await contacts.count(scope)).toBe(1);
    // Another company may know the same address.
    await contacts.create(other.scope, { name: 'Ann at other co', emails: ['ann@example.com'] });

    const bob = await contacts.create(scope, { name: 'Bob Stone', companyName: 'Stone & Sons', emails: ['bob@stone.example'] });
    const matches = await contacts.matchAddresses(scope, ['ANN@example.com', 'nobody@x.example', 'Bob@Stone.Example', ' ann.lee@home.example ']);
    expect(matches.map((m) => m.contactId).sort()).toEqual([ann.id, ann.id, bob.id].sort());
    expect((await contacts.findByEmail(scope, 'BOB@stone.example'))?.id).toBe(bob.id);
    expect((await contacts.search(scope, 'stone')).map((c) => c.id)).toEqual([bob.id]);
    expect((await contacts.search(scope, 'home.example')).map((c) => c.id)).toEqual([ann.id]);
    expect(await contacts.search(scope, '%')).toEqual([]);

    const updated = await contacts.update(scope, bob.id, { phone: '555-0100', emails: ['robert@stone.example'] });
    expect(updated.emails).toEqual(['robert@stone.example']);
    expect(await contacts.findByEmail(scope, 'bob@stone.example')).toBeUndefined();
  });

  it('pages a contact’s activities newest first with a stable keyset, ties broken by id', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    const contact = await t.db.repos.contacts.create(scope, { name: 'Paged Contact', emails: ['paged@example.com'] });
    const other = await t.db.repos.contacts.create(scope, { name: 'Other', emails: [] });
    const base = Date.parse('2026-10-01T00:00:00Z');
    const made: { id: string; at: number }[] = [];
    for (let i = 0; i < 23; i++) {
      // Every third pair shares a timestamp, so ordering must fall back to the id.
      const at = base + Math.floor(i / 2) * 60_000;
      const { activity } = await t.db.repos.activities.create(scope, {
        type: 'note',
        subject: `note ${i}`,
        occurredAt: new Date(at),
        createdBy: userId,
        contactIds: i % 5 === 0 ? [contact.id, other.id] : [contact.id],
      });
      made.push({ id: activity.id, at });
    }
    const expected = made.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((m) => m.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await t.db.repos.activities.listForContact(scope, contact.id, { limit: 5, cursor });
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(expected);
    expect(pages).toBe(5);
    const shared = await t.db.repos.activities.listForContact(scope, other.id, { limit: 50 });
    expect(shared.items).toHaveLength(5);
    expect(shared.items[0]?.contactIds.sort()).toEqual([contact.id, other.id].sort());
  });

  it('dedupes activities by Message-ID within a company and links new contacts to the existing one', async () => {
    const { scope } = await createTestCompany(t.db);
    const a = await t.db.repos.contacts.create(scope, { name: 'A', emails: ['a@d.example'] });
    const b = await t.db.repos.contacts.create(scope, { name: 'B', emails: ['b@d.example'] });
    const input = { type: 'email' as const, direction: 'inbound' as const, subject: 'Quote', occurredAt: new Date(), dedupeKey: '<m1@d.example>' };
    const first = await t.db.repos.activities.create(scope, { ...input, contactIds: [a.id] });
    const again = await t.db.repos.activities.create(scope, { ...input, contactIds: [b.id] });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.activity.id).toBe(first.activity.id);
    expect(again.activity.contactIds.sort()).toEqual([a.id, b.id].sort());
  });

  it('sets Regarding only to a record of the same company, one at a time', async () => {
    const { scope } = await createTestCompany(t.db);
    const other = await createTestCompany(t.db);
    const { records, activities: acts } = t.db.repos;
    const opp = await records.createOpportunity(scope, { name: 'Spring cleanup' });
    const ticket = await records.createWorkTicket(scope, { title: 'Fix sprinkler' });
    const ticket2 = await records.createWorkTicket(scope, { title: 'Mow lawn' });
    expect([ticket.number, ticket2.number]).toEqual([1, 2]);
    const foreignOpp = await records.createOpportunity(other.scope, { name: 'Not yours' });
    const { activity } = await acts.create(scope, { type: 'note', occurredAt: new Date(), contactIds: [] });

    expect((await acts.setRegarding(scope, activity.id, { type: 'opportunity', id: opp.id })).regarding).toEqual({ type: 'opportunity', id: opp.id });
    // Switching replaces, never adds a second target.
    const switched = await acts.setRegarding(scope, activity.id, { type: 'work_ticket', id: ticket.id });
    expect(switched.regarding).toEqual({ type: 'work_ticket', id: ticket.id });
    expect(await storeCode(acts.setRegarding(scope, activity.id, { type: 'opportunity', id: foreignOpp.id }))).toBe('invalid_reference');
    expect((await acts.setRegarding(scope, activity.id, null)).regarding).toBeNull();

    // The database itself refuses two targets and a cross-company target.
    const raw = (values: Partial<typeof activities.$inferInsert>) =>
      t.db.orm.insert(activities).values({ companyId: scope.companyId, type: 'note', occurredAt: new Date(), ...values });
    await expect(raw({ regardingOpportunityId: opp.id, regardingWorkTicketId: ticket.id })).rejects.toThrow();
    await expect(raw({ regardingOpportunityId: foreignOpp.id })).rejects.toThrow();
    await raw({ regardingOpportunityId: opp.id });

    expect((await records.searchRegarding(scope, 'sprink')).map((r) => r.label)).toEqual(['#1 Fix sprinkler']);
    expect((await records.listWorkTickets(scope, { q: '2' })).map((r) => r.title)).toEqual(['Mow lawn']);
  });

  it('lists unmatched captures and files one on contacts', async () => {
    const { scope } = await createTestCompany(t.db);
    const c = await t.db.repos.contacts.create(scope, { name: 'Later Contact', emails: ['later@x.example'] });
    const { activity } = await t.db.repos.activities.create(scope, { type: 'email', status: 'unmatched', occurredAt: new Date(), dedupeKey: '<u1@x>', contactIds: [] });
    expect((await t.db.repos.activities.listUnmatched(scope)).items.map((a) => a.id)).toEqual([activity.id]);
    const filed = await t.db.repos.activities.fileToContacts(scope, activity.id, [c.id]);
    expect(filed.status).toBe('filed');
    expect(filed.contactIds).toEqual([c.id]);
    expect((await t.db.repos.activities.listUnmatched(scope)).items).toEqual([]);
    expect((await t.db.repos.activities.listForContact(scope, c.id)).items.map((a) => a.id)).toEqual([activity.id]);
  });

  it('never lets one company read or change another company’s rows', async () => {
    const a = await createTestCompany(t.db);
    const b = await createTestCompany(t.db);
    const r = t.db.repos;
    const bContact = await r.contacts.create(b.scope, { name: 'B secret', emails: ['secret@b.example'] });
    const { activity: bActivity } = await r.activities.create(b.scope, { type: 'note', subject: 'B only', occurredAt: new Date(), contactIds: [bContact.id] });
    const aContact = await r.contacts.create(a.scope, { name: 'A contact', emails: [] });
    const { activity: aActivity } = await r.activities.create(a.scope, { type: 'note', occurredAt: new Date(), contactIds: [] });

    expect(await r.contacts.get(a.scope, bContact.id)).toBeUndefined();
    expect(await r.contacts.findByEmail(a.scope, 'secret@b.example')).toBeUndefined();
    expect(await r.contacts.matchAddresses(a.scope, ['secret@b.example'])).toEqual([]);
    expect(await r.contacts.search(a.scope, 'secret')).toEqual([]);
    expect(await r.activities.get(a.scope, bActivity.id)).toBeUndefined();
    expect((await r.activities.listForContact(a.scope, bContact.id)).items).toEqual([]);
    expect(await r.users.get(a.scope, b.userId)).toBeUndefined();
    expect(await storeCode(r.contacts.update(a.scope, bContact.id, { name: 'hijacked' }))).toBe('not_found');
    expect(await r.contacts.delete(a.scope, bContact.id)).toBe(false);
    expect(await storeCode(r.activities.setRegarding(a.scope, bActivity.id, null))).toBe('not_found');
    // Linking A's activity to B's contact is refused by the tenant-safe foreign key.
    expect(await storeCode(r.activities.fileToContacts(a.scope, aActivity.id, [bContact.id]))).toBe('invalid_reference');
    expect(await storeCode(r.activities.create(a.scope, { type: 'note', occurredAt: new Date(), contactIds: [bContact.id] }))).toBe('invalid_reference');
    expect((await r.contacts.get(b.scope, bContact.id))?.name).toBe('B secret');
    // Malformed ids match nothing rather than failing.
    expect(await r.contacts.get(a.scope, 'not-a-uuid')).toBeUndefined();
    expect(aContact.companyId).toBe(a.scope.companyId);
  });
});
