/** The outbox's memory of calendar writes whose answer was lost (appointments.unconfirmed_writes). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';

describe.each(testDrivers())('unconfirmed calendar writes (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  const now = new Date('2026-11-02T09:00:00Z');

  async function appointment() {
    const { scope, userId } = await createTestCompany(t.db);
    const account = await t.db.repos.accounts.create(scope, { userId, provider: 'google', mailboxAddress: `cal-${userId}@test.example`, now });
    const appt = await t.db.repos.appointments.create(scope, {
      ownerUserId: userId,
      subject: 'Site visit',
      startAt: new Date('2026-11-04T09:00:00Z'),
      endAt: new Date('2026-11-04T10:00:00Z'),
      startLocal: '2026-11-04T10:00:00',
      endLocal: '2026-11-04T11:00:00',
      timeZone: 'Europe/Berlin',
      allDay: false,
      attendees: [],
      origin: 'crm',
      readOnly: false,
      now,
    });
    return { scope, account, appt };
  }

  it('keeps the writes in order, the last 8 at most, and a confirmed write clears its version and older ones', async () => {
    const { scope, account, appt } = await appointment();
    const repo = t.db.repos.appointments;
    expect(appt.unconfirmedWrites).toEqual([]);
    for (let v = 1; v <= 10; v++) {
      expect(await repo.noteUnconfirmedWrite(scope, appt.id, { version: v, fingerprint: `fp-${v}` })).toBe(true);
      await repo.update(scope, appt.id, { subject: `Site visit ${v + 1}` }, { now });
    }
    expect((await repo.get(scope, appt.id))?.unconfirmedWrites.map((w) => w.version)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);

    // A ref without a confirmed version (what a pull learns) forgets nothing.
    await repo.setProviderRef(scope, appt.id, { accountId: account.id, providerId: 'evt-1', etag: '"1"' }, now);
    expect((await repo.get(scope, appt.id))?.unconfirmedWrites).toHaveLength(8);

    await repo.setProviderRef(scope, appt.id, { accountId: account.id, providerId: 'evt-1', etag: '"2"' }, now, 8);
    expect((await repo.get(scope, appt.id))?.unconfirmedWrites).toEqual([
      { version: 9, fingerprint: 'fp-9' },
      { version: 10, fingerprint: 'fp-10' },
    ]);
    await repo.setProviderRef(scope, appt.id, { accountId: account.id, providerId: 'evt-1', etag: '"3"' }, now, 10);
    expect(await repo.get(scope, appt.id)).toMatchObject({ etag: '"3"', unconfirmedWrites: [] });
  });

  it('notes nothing for a version the appointment has moved past, or once it is cancelled', async () => {
    const { scope, appt } = await appointment();
    const repo = t.db.repos.appointments;
    await repo.update(scope, appt.id, { subject: 'Edited meanwhile' }, { now });
    expect(await repo.noteUnconfirmedWrite(scope, appt.id, { version: 1, fingerprint: 'stale' })).toBe(false);
    await repo.update(scope, appt.id, { cancelled: true }, { now });
    expect(await repo.noteUnconfirmedWrite(scope, appt.id, { version: 3, fingerprint: 'gone' })).toBe(false);
    expect((await repo.get(scope, appt.id))?.unconfirmedWrites).toEqual([]);
  });

  it('is scoped to the caller’s company', async () => {
    const { scope, appt } = await appointment();
    const other = await createTestCompany(t.db);
    expect(await t.db.repos.appointments.noteUnconfirmedWrite(other.scope, appt.id, { version: 1, fingerprint: 'intruder' })).toBe(false);
    expect((await t.db.repos.appointments.get(scope, appt.id))?.unconfirmedWrites).toEqual([]);
  });
});
