import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';
import { StoreError } from './common';
import { mailboxKey } from './sync-state';

const now = new Date('2026-11-02T09:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const day = 24 * 3600 * 1000;

describe.each(testDrivers())('accounts and sync state (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  it('allows one Tandem user per mailbox until it is disconnected', async () => {
    const a = await createTestCompany(t.db);
    const b = await createTestCompany(t.db);
    const { accounts } = t.db.repos;
    const first = await accounts.create(a.scope, { userId: a.userId, provider: 'microsoft', mailboxAddress: 'Shared.Person@contoso.example', now });
    expect(first.expiresAt.getTime()).toBe(now.getTime() + 90 * day);
    const second = accounts.create(b.scope, { userId: b.userId, provider: 'microsoft', mailboxAddress: 'shared.person@CONTOSO.example', now });
    await expect(second).rejects.toBeInstanceOf(StoreError);
    await expect(second).rejects.toMatchObject({ code: 'conflict', constraint: 'connected_accounts_mailbox_uq' });
    expect(await accounts.findConnectedMailboxForSystem('microsoft', 'SHARED.person@contoso.example')).toMatchObject({ id: first.id, companyId: a.scope.companyId });
    // The same address at another provider is another mailbox.
    await accounts.create(b.scope, { userId: b.userId, provider: 'google', mailboxAddress: 'shared.person@contoso.example', now });

    await accounts.disconnect(a.scope, first.id, at(1000));
    expect(await accounts.listForUser(a.scope, a.userId)).toEqual([]);
    const taken = await accounts.create(b.scope, { userId: b.userId, provider: 'microsoft', mailboxAddress: 'shared.person@contoso.example', now: at(2000) });
    expect(taken.companyId).toBe(b.scope.companyId);
    expect(await accounts.get(a.scope, taken.id)).toBeUndefined();
  });

  it('lists due accounts for workers, skips those needing reconnect, renews on sign-in', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    const { accounts } = t.db.repos;
    const mk = (addr: string) => accounts.create(scope, { userId, provider: 'google', mailboxAddress: `${addr}@due-${driver}.example`, now });
    const due = await mk('due');
    const later = await mk('later');
    const broken = await mk('broken');
    await accounts.scheduleNext(scope, due.id, at(60_000), now);
    await accounts.scheduleNext(scope, later.id, at(600_000), now);
    await accounts.setStatus(scope, broken.id, 'needs_reconnect', 'auth_revoked', now);
    const ids = (await accounts.listDueForSync(at(120_000), 1000)).map((r) => r.id);
    expect(ids).toContain(due.id);
    expect(ids).not.toContain(later.id);
    expect(ids).not.toContain(broken.id);

    const warn = await accounts.listNeedingExpiryWarning(at((80 + 14) * day), '14d');
    expect(warn.map((r) => r.id)).toEqual(expect.arrayContaining([due.id, later.id]));
    await accounts.update(scope, due.id, { expiryWarned: '14d' }, now);
    expect((await accounts.listNeedingExpiryWarning(at((80 + 14) * day), '14d')).map((r) => r.id)).not.toContain(due.id);
    expect((await accounts.listNeedingExpiryWarning(at((88 + 3) * day), '3d')).map((r) => r.id)).toContain(due.id);

    expect(await accounts.renewForUser(scope, userId, at(10 * day))).toBe(2);
    const renewed = await accounts.get(scope, due.id);
    expect(renewed?.expiresAt.getTime()).toBe(at(100 * day).getTime());
    expect(renewed?.expiryWarned).toBe('none');
  });

  it('stores cursors, prunes runs, shares throttle state by mailbox', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    const acct = await t.db.repos.accounts.create(scope, { userId, provider: 'exchange', mailboxAddress: `cursor-${driver}@x.example`, now });
    const s = t.db.repos.syncState;
    expect(await s.getCursor(scope, acct.id, 'calendar')).toBeNull();
    await s.setCursor(scope, acct.id, 'calendar', 'sync-1', now);
    await s.setCursor(scope, acct.id, 'calendar', 'sync-2', at(1));
    await s.setCursor(scope, acct.id, 'capture', 'cap-1', now);
    expect(await s.getCursor(scope, acct.id, 'calendar')).toBe('sync-2');
    const other = await createTestCompany(t.db);
    expect(await s.getCursor(other.scope, acct.id, 'calendar')).toBeNull();

    for (let i = 0; i < 7; i++) {
      const run = await s.startRun(scope, acct.id, 'capture', at(i * 1000));
      await s.finishRun(scope, run.id, { now: at(i * 1000 + 500), items: i, errors: 0 });
    }
    expect(await s.pruneRuns(scope, acct.id, 3)).toBe(4);
    expect((await s.listRuns(scope, acct.id)).map((r) => r.items)).toEqual([6, 5, 4]);

    const key = mailboxKey('exchange', `Cursor-${driver}@X.example`);
    await s.recordThrottleForSystem(key, at(30_000), now);
    // A shorter Retry-After seen later does not shorten the wait.
    const st = await s.recordThrottleForSystem(key, at(10_000), at(1_000));
    expect(st.retryAfterUntil?.getTime()).toBe(at(30_000).getTime());
    expect(st.failureCount).toBe(2);
    await s.clearThrottleForSystem(key, at(40_000));
    expect((await s.getThrottleForSystem(key))?.retryAfterUntil).toBeNull();
  });

  it('upserts provider events by (account, provider id) and lists a user’s range', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    const acct = await t.db.repos.accounts.create(scope, { userId, provider: 'google', mailboxAddress: `cal-${driver}@x.example`, now });
    const ap = t.db.repos.appointments;
    const event = {
      accountId: acct.id,
      providerId: 'evt-1',
      ownerUserId: userId,
      subject: 'Site visit',
      startAt: new Date('2026-11-03T14:00:00Z'),
      endAt: new Date('2026-11-03T15:00:00Z'),
      startLocal: '2026-11-03T09:00:00',
      endLocal: '2026-11-03T10:00:00',
      timeZone: 'America/New_York',
      origin: 'provider' as const,
      readOnly: true,
      etag: '"1"',
      now,
    };
    const first = await ap.upsertFromProvider(scope, event);
    const second = await ap.upsertFromProvider(scope, { ...event, subject: 'Site visit (moved)', etag: '"2"', now: at(1000) });
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.appointment.id).toBe(first.appointment.id);
    expect(second.appointment.etag).toBe('"2"');

    const crm = await ap.create(scope, { ...event, accountId: null, providerId: null, origin: 'crm', readOnly: false, subject: 'Quote', startAt: new Date('2026-11-04T10:00:00Z'), endAt: new Date('2026-11-04T11:00:00Z') });
    const range = await ap.listRange(scope, { ownerUserIds: [userId], from: new Date('2026-11-03T14:30:00Z'), to: new Date('2026-11-04T10:00:00Z') });
    expect(range.map((r) => r.id)).toEqual([first.appointment.id]); // [from, to) overlap: the CRM one starts exactly at `to`

    const edited = await ap.update(scope, crm.id, { subject: 'Quote v2' }, { now, expectedVersion: 1 });
    expect(edited.version).toBe(2);
    await expect(ap.update(scope, crm.id, { subject: 'stale' }, { now, expectedVersion: 1 })).rejects.toMatchObject({ code: 'conflict' });
    await ap.addHistory(scope, { appointmentId: crm.id, at: now, actor: 'sync', what: 'conflict_overwritten', change: { subject: 'stale' } });
    expect((await ap.history(scope, crm.id)).map((h) => h.what)).toEqual(['conflict_overwritten']);
    expect(await ap.deleteByProviderIds(scope, acct.id, ['evt-1', 'evt-unknown'])).toBe(1);
  });
});
