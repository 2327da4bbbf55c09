import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';
import type { ProviderEvent } from '../../providers/provider';
import { eventColumns } from './event-fields';
import { upsertProviderRows, type UpsertTarget } from './provider-upsert';

const master: ProviderEvent = {
  providerId: 'M',
  etag: 'e1',
  kind: 'seriesMaster',
  subject: 'Crew "stand-up" \\ Grünfläche',
  bodyText: 'line 1\nline 2',
  location: 'Yard',
  start: { local: '2026-10-20T09:00:00', timeZone: 'Europe/Berlin' },
  end: { local: '2026-10-20T09:30:00', timeZone: 'Europe/Berlin' },
  allDay: false,
  sensitivity: 'private',
  showAs: 'tentative',
  iCalUid: 'uid-1',
  attendees: [{ email: 'x@client.example', name: 'X', response: 'accepted' }],
  recurrence: { rrule: 'FREQ=WEEKLY;COUNT=6', exdates: ['2026-11-03T08:00:00.000Z'] },
};
const exception: ProviderEvent = {
  providerId: 'M_1',
  etag: 'e2',
  kind: 'exception',
  seriesMasterId: 'M',
  originalStart: '2026-10-27T08:00:00.000Z',
  subject: 'Moved',
  start: { local: '2026-10-27T11:00:00', timeZone: 'Europe/Berlin' },
  end: { local: '2026-10-27T11:30:00', timeZone: 'Europe/Berlin' },
  allDay: false,
  sensitivity: 'normal',
  attendees: [],
  cancelled: true,
};
const allDay: ProviderEvent = {
  providerId: 'A',
  etag: 'e3',
  kind: 'single',
  subject: 'Trade fair',
  start: { local: '2026-10-25', timeZone: 'Europe/Berlin' },
  end: { local: '2026-10-26', timeZone: 'Europe/Berlin' },
  allDay: true,
  sensitivity: 'normal',
  attendees: [],
};

describe.each(testDrivers())('upsertProviderRows (%s)', (driver) => {
  let t: TestDb;
  let target: UpsertTarget;
  let scope: { companyId: string };
  const now = new Date('2026-11-01T00:00:00Z');

  beforeAll(async () => {
    t = await createTestDb(driver);
    const company = await createTestCompany(t.db);
    scope = company.scope;
    const account = await t.db.repos.accounts.create(scope, { userId: company.userId, provider: 'google', mailboxAddress: 'cal@test.example', endpoints: {}, syncEmail: false, now });
    target = { companyId: scope.companyId, accountId: account.id, ownerUserId: company.userId };
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('stores every column an event decides, links instances to their master, and refreshes on a second write', async () => {
    const masters = new Map(await upsertProviderRows(t.db.orm, target, [master, allDay], () => null, now));
    expect([...masters.keys()]).toEqual(['M']);
    await upsertProviderRows(t.db.orm, target, [exception], (e) => masters.get(e.seriesMasterId ?? '') ?? null, now);

    const rows = await t.db.repos.appointments.listForAccount(scope, target.accountId);
    const byProvider = new Map(rows.map((r) => [r.providerId, r]));
    for (const e of [master, exception, allDay]) {
      expect(byProvider.get(e.providerId)).toMatchObject({ ...eventColumns(e), origin: 'provider', readOnly: true, ownerUserId: target.ownerUserId });
    }
    expect(byProvider.get('M_1')?.seriesId).toBe(masters.get('M'));

    await upsertProviderRows(t.db.orm, target, [{ ...allDay, etag: 'e4', subject: 'Trade fair (2 days)', end: { local: '2026-10-27', timeZone: 'Europe/Berlin' } }], () => null, now);
    const again = await t.db.repos.appointments.listForAccount(scope, target.accountId);
    expect(again).toHaveLength(3);
    expect(again.find((r) => r.providerId === 'A')).toMatchObject({ etag: 'e4', subject: 'Trade fair (2 days)', endAt: new Date('2026-10-27T00:00:00Z') });
  });
});
