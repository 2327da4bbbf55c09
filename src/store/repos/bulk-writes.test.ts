import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';
import type { NewActivity } from './activities';
import { StoreError, type Scope } from './common';

const now = new Date('2026-11-02T09:00:00Z');

describe.each(testDrivers())('bulk capture writes (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  /** A company with two contacts and one activity already captured under '<old@x>'. */
  async function world() {
    const { scope, userId } = await createTestCompany(t.db);
    const ann = await t.db.repos.contacts.create(scope, { name: 'Ann', emails: [] });
    const bob = await t.db.repos.contacts.create(scope, { name: 'Bob', emails: [] });
    await t.db.repos.activities.create(scope, { type: 'email', status: 'unmatched', subject: 'old', occurredAt: new Date(now.getTime() - 60_000), dedupeKey: '<old@x>', contactIds: [] });
    return { scope, userId, ann: ann.id, bob: bob.id };
  }

  const inputs = (ann: string, bob: string): NewActivity[] => [
    {
      type: 'email',
      direction: 'inbound',
      status: 'filed',
      subject: 'first',
      from: { address: 'ann@x.example', name: 'Ann' },
      to: [{ address: 'me@x.example' }],
      occurredAt: now,
      bodyText: 'Hello — “quoted” \\ text',
      bodyHtml: '<p>Hello</p>',
      attachments: [{ name: 'a.pdf', contentType: 'application/pdf', size: 3, sha256: 'ab'.repeat(32) }],
      failureReason: 'Captured with problems: x',
      dedupeKey: '<1@x>',
      contactIds: [ann],
    },
    { type: 'note', subject: 'no key', occurredAt: now, contactIds: [bob] },
    // The same Message-ID again in the same batch (captured from two folders): one activity, both links.
    { type: 'email', status: 'filed', subject: 'first again', occurredAt: now, dedupeKey: '<1@x>', contactIds: [bob] },
    // Captured before, unmatched then: no new row, the new link is added.
    { type: 'email', status: 'filed', subject: 'old again', occurredAt: now, dedupeKey: '<old@x>', contactIds: [ann] },
  ];

  /** What a company holds, without ids: rows with their contacts by name. */
  async function snapshot(scope: Scope, names: Record<string, string>) {
    const byContact = new Map<string, string[]>();
    for (const [name, id] of Object.entries(names)) {
      for (const a of (await t.db.repos.activities.listForContact(scope, id, { limit: 200 })).items) byContact.set(a.id, [...(byContact.get(a.id) ?? []), name]);
    }
    const all = [...(await t.db.repos.activities.listUnmatched(scope, { limit: 200 })).items.map((a) => a.id), ...byContact.keys()];
    const rows = [];
    for (const id of new Set(all)) {
      const a = await t.db.repos.activities.get(scope, id);
      if (!a) continue;
      const { id: _id, companyId: _c, createdAt: _ca, updatedAt: _ua, contactIds: _ids, ...fields } = a;
      rows.push({ ...fields, contacts: (byContact.get(id) ?? []).sort() });
    }
    return rows.sort((x, y) => x.subject.localeCompare(y.subject));
  }

  it('createMany lands the same rows and links as create() one by one, answering in input order', async () => {
    const bulk = await world();
    const single = await world();
    const answers = await t.db.repos.activities.createMany(bulk.scope, inputs(bulk.ann, bulk.bob));
    const expected = [];
    for (const input of inputs(single.ann, single.bob)) {
      const { activity, created } = await t.db.repos.activities.create(single.scope, input);
      expected.push({ created, status: activity.status });
    }
    expect(answers.map(({ created, status }) => ({ created, status }))).toEqual(expected);
    expect(answers.map((a) => a.created)).toEqual([true, true, false, false]);
    expect(answers[2]?.id).toBe(answers[0]?.id);
    expect(answers[3]?.status).toBe('unmatched');
    expect(await snapshot(bulk.scope, { ann: bulk.ann, bob: bulk.bob })).toEqual(await snapshot(single.scope, { ann: single.ann, bob: single.bob }));
    const first = await t.db.repos.activities.get(bulk.scope, answers[0]?.id ?? '');
    expect(first).toMatchObject({ subject: 'first', bodyText: 'Hello — “quoted” \\ text', occurredAt: now, contactIds: [bulk.ann, bulk.bob].sort(), regarding: null });
    expect(first?.attachments).toEqual(inputs('', '')[0]?.attachments);

    // Repeating the whole batch makes nothing new.
    expect((await t.db.repos.activities.createMany(bulk.scope, inputs(bulk.ann, bulk.bob))).map((a) => a.created)).toEqual([false, true, false, false]);
    expect(await t.db.repos.activities.createMany(bulk.scope, [])).toEqual([]);
  });

  it('createMany refuses another company’s contact and stores nothing of the batch', async () => {
    const mine = await world();
    const theirs = await world();
    const batch: NewActivity[] = [
      { type: 'email', occurredAt: now, dedupeKey: '<fine@x>', contactIds: [mine.ann] },
      { type: 'email', occurredAt: now, dedupeKey: '<bad@x>', contactIds: [theirs.ann] },
    ];
    const refused = await t.db.repos.activities.createMany(mine.scope, batch).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).code).toBe('invalid_reference');
    expect(await t.db.repos.activities.findByDedupeKey(mine.scope, '<fine@x>')).toBeUndefined();
  });

  it('setStatusMany files the given activities of the company only, clearing their failure reason', async () => {
    const a = await world();
    const b = await world();
    const [x, y] = await t.db.repos.activities.createMany(a.scope, [
      { type: 'email', status: 'unmatched', failureReason: 'problems', occurredAt: now, dedupeKey: '<s1@x>', contactIds: [] },
      { type: 'email', status: 'unmatched', occurredAt: now, dedupeKey: '<s2@x>', contactIds: [] },
    ]);
    await t.db.repos.activities.setStatusMany(b.scope, [x?.id ?? ''], 'filed');
    expect((await t.db.repos.activities.get(a.scope, x?.id ?? ''))?.status).toBe('unmatched');
    await t.db.repos.activities.setStatusMany(a.scope, [x?.id ?? ''], 'filed');
    expect(await t.db.repos.activities.get(a.scope, x?.id ?? '')).toMatchObject({ status: 'filed', failureReason: null });
    expect((await t.db.repos.activities.get(a.scope, y?.id ?? ''))?.status).toBe('unmatched');
  });

  it('recordMany writes the ledger rows once; a repeat keeps the first', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    const acct = await t.db.repos.accounts.create(scope, { userId, provider: 'microsoft', mailboxAddress: `bulk-${driver}@x.example`, now });
    const [activity] = await t.db.repos.activities.createMany(scope, [{ type: 'email', occurredAt: now, dedupeKey: '<l1@x>', contactIds: [] }]);
    const ledger = t.db.repos.capturedMessages;
    await ledger.recordMany(
      scope,
      [
        { accountId: acct.id, providerMessageId: 'AAMk-1', rfcMessageId: '<l1@x>', activityId: activity?.id ?? null },
        { accountId: acct.id, providerMessageId: 'AAMk-2' },
      ],
      now,
    );
    await ledger.recordMany(scope, [{ accountId: acct.id, providerMessageId: 'AAMk-1', rfcMessageId: '<other@x>', activityId: null }], new Date(now.getTime() + 5));
    await ledger.recordMany(scope, [], now);
    const rows = await ledger.findMany(scope, acct.id, ['AAMk-1', 'AAMk-2']);
    expect(rows.map((r) => [r.providerMessageId, r.rfcMessageId, r.activityId, r.capturedAt.getTime(), r.processedAt]).sort()).toEqual([
      ['AAMk-1', '<l1@x>', activity?.id, now.getTime(), null],
      ['AAMk-2', null, null, now.getTime(), null],
    ]);
    expect(await ledger.findMany((await createTestCompany(t.db)).scope, acct.id, ['AAMk-1'])).toEqual([]);
  });
});
