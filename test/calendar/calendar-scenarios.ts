/**
 * The calendar two-way sync scenarios of issue 7, run against each provider side: driven through
 * AccountSync.run and OutboxWorker.drain on a FakeClock, on both store drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncWindow } from '../../src/domain/sync-window';
import { createTestDb, testDrivers, type TestDb } from '../support/test-db';
import type { CalendarSide } from './caldav-side';
import { settle, startOfTest, type CalendarWorld } from './calendar-harness';

const window = syncWindow(new Date(startOfTest));

export function calendarScenarios(label: string, fresh: (t: TestDb) => Promise<{ world: CalendarWorld; side: CalendarSide }>): void {
describe.each(testDrivers())(`calendar sync over ${label} (%s)`, (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('a Tandem appointment reaches the provider and comes back without a duplicate', async () => {
    const { world, side } = await fresh(t);
    const appt = await world.crmCreate({ subject: 'Site visit', location: 'Greenleaf HQ' });
    expect(await world.drain()).toEqual(['delivered']);
    const atProvider = await side.list(window);
    expect(atProvider.map((e) => [e.subject, e.tandemId])).toEqual([['Site visit', appt.id]]);

    expect((await world.sync()).outcome).toBe('succeeded');
    await world.sync();
    const rows = await world.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: appt.id, origin: 'crm', readOnly: false, providerId: atProvider[0]?.providerId, etag: atProvider[0]?.etag, cancelled: false });
  });

  it('provider events are mirrored read-only; their edits and deletes show up', async () => {
    const { world, side } = await fresh(t);
    const href = await side.createEvent({ subject: 'Dentist', start: '2026-11-04T15:00:00', end: '2026-11-04T16:00:00', timeZone: 'Europe/Berlin' });
    await world.sync();
    expect(await world.rows()).toMatchObject([{ subject: 'Dentist', origin: 'provider', readOnly: true, startAt: new Date('2026-11-04T14:00:00Z') }]);

    await side.updateEvent(href, { subject: 'Dentist (moved)' });
    await world.sync();
    expect((await world.rows()).map((r) => r.subject)).toEqual(['Dentist (moved)']);

    await side.deleteEvent(href);
    await world.sync();
    expect(await world.rows()).toEqual([]);
  });

  it('a Tandem appointment edited at the provider takes the edit; deleted there, it is cancelled with history', async () => {
    const { world, side } = await fresh(t);
    const appt = await world.crmCreate({ subject: 'Quote review' });
    await world.drain();
    await world.sync();
    const [ref] = await world.rows();
    await side.updateEvent(ref?.providerId ?? '', { subject: 'Quote review (from Outlook)' });
    await world.sync();
    expect(await world.rows()).toMatchObject([{ id: appt.id, subject: 'Quote review (from Outlook)', origin: 'crm', cancelled: false }]);

    await side.deleteEvent(ref?.providerId ?? '');
    await world.sync();
    expect(await world.rows()).toMatchObject([{ id: appt.id, cancelled: true }]);
    expect((await world.db.repos.appointments.history(world.scope, appt.id)).map((h) => h.what)).toEqual(['deleted_at_provider']);
  });

  it('all-day events stay on their dates across the DST change, both ways, without duplicates', async () => {
    const { world, side } = await fresh(t);
    // 25 Oct 2026 is the day Berlin leaves summer time (a 25-hour day).
    await side.createEvent({ subject: 'Trade fair', start: '2026-10-25', end: '2026-10-26', timeZone: 'Europe/Berlin', allDay: true });
    const ours = await world.crmCreate({ subject: 'Crew day off', allDay: true, startLocal: '2026-10-25', endLocal: '2026-10-27' });
    expect(await world.drain()).toEqual(['delivered']);
    await settle(world);
    const rows = await world.rows();
    const dates = (r: (typeof rows)[number]) => [r.subject, r.origin, r.allDay, r.startLocal.slice(0, 10), r.endLocal.slice(0, 10), r.startAt.toISOString(), r.endAt.toISOString()];
    expect(rows.map(dates).sort()).toEqual([
      ['Crew day off', 'crm', true, '2026-10-25', '2026-10-27', '2026-10-25T00:00:00.000Z', '2026-10-27T00:00:00.000Z'],
      ['Trade fair', 'provider', true, '2026-10-25', '2026-10-26', '2026-10-25T00:00:00.000Z', '2026-10-26T00:00:00.000Z'],
    ]);
    expect(rows.find((r) => r.id === ours.id)?.providerId).toBeTruthy();
    const atProvider = await side.list(window);
    expect(atProvider.map((e) => [e.subject, e.allDay, e.start.local.slice(0, 10), e.end.local.slice(0, 10)]).sort()).toEqual([
      ['Crew day off', true, '2026-10-25', '2026-10-27'],
      ['Trade fair', true, '2026-10-25', '2026-10-26'],
    ]);
  });

  it('a Tandem appointment deleted at the provider before any pull saw it is cancelled (deltas need not report it)', async () => {
    const { world, side } = await fresh(t);
    await world.sync(); // the delta cursor now predates the push
    const appt = await world.crmCreate({ subject: 'Short-lived' });
    expect(await world.drain()).toEqual(['delivered']);
    const [pushed] = await world.rows();
    await side.deleteEvent(pushed?.providerId ?? '');
    await world.sync();
    expect(await world.rows()).toMatchObject([{ id: appt.id, cancelled: true }]);
    expect((await world.db.repos.appointments.history(world.scope, appt.id)).map((h) => h.what)).toEqual(['deleted_at_provider']);
    await settle(world);
    expect(await world.rows()).toMatchObject([{ id: appt.id, cancelled: true }]);
  });

  it('a weekly series with one moved and one cancelled occurrence displays correctly across the DST change', async () => {
    const { world, side } = await fresh(t);
    // Tuesdays 09:00 Berlin from 20 Oct (CEST, UTC+2); DST ends 25 Oct, later instances are CET (UTC+1).
    await side.createSeries({ subject: 'Crew stand-up', start: '2026-10-20T09:00:00', end: '2026-10-20T09:30:00', timeZone: 'Europe/Berlin' });
    await world.sync();
    const shown = await world.db.repos.appointments.listRange(world.scope, { ownerUserIds: [world.userId], from: window.start, to: window.end });
    expect(shown.map((a) => [a.startAt.toISOString(), a.startLocal, a.kind])).toEqual([
      ['2026-10-27T10:00:00.000Z', '2026-10-27T11:00:00', 'exception'], // moved by two hours
      // 3 Nov cancelled (EXDATE)
      ['2026-11-10T08:00:00.000Z', '2026-11-10T09:00:00', 'occurrence'],
      ['2026-11-17T08:00:00.000Z', '2026-11-17T09:00:00', 'occurrence'],
      ['2026-11-24T08:00:00.000Z', '2026-11-24T09:00:00', 'occurrence'],
    ]);
    const all = await world.rows();
    const master = all.find((r) => r.kind === 'series_master');
    expect(master).toMatchObject({ timeZone: 'Europe/Berlin', origin: 'provider', readOnly: true });
    expect(master?.recurrenceRule).toMatch(/FREQ=WEEKLY/);
    expect(shown.every((a) => a.seriesId === master?.id && a.readOnly)).toBe(true);

    // The organiser renames the series: the occurrences follow, nothing is duplicated or lost.
    await side.updateEvent(master?.providerId ?? '', { subject: 'Crew stand-up (new)' });
    await world.sync();
    const again = await world.db.repos.appointments.listRange(world.scope, { ownerUserIds: [world.userId], from: window.start, to: window.end });
    expect(again.map((a) => a.startAt.toISOString())).toEqual(shown.map((a) => a.startAt.toISOString()));
    expect(again.filter((a) => a.kind === 'occurrence').map((a) => a.subject)).toEqual(['Crew stand-up (new)', 'Crew stand-up (new)', 'Crew stand-up (new)']);
  });

  it('an occurrence cancelled at the provider after the first sync disappears; the rest of the series stays, once', async () => {
    const { world, side } = await fresh(t);
    const series = { subject: 'Yard check', start: '2026-10-20T14:00:00', end: '2026-10-20T15:00:00', timeZone: 'Europe/Berlin' };
    const id = await side.createSeries(series);
    await world.sync();
    const starts = async () =>
      (await world.db.repos.appointments.listRange(world.scope, { ownerUserIds: [world.userId], from: window.start, to: window.end })).map((a) => a.startAt.toISOString());
    expect(await starts()).toEqual(['2026-10-27T15:00:00.000Z', '2026-11-10T13:00:00.000Z', '2026-11-17T13:00:00.000Z', '2026-11-24T13:00:00.000Z']);

    await side.cancelOccurrence(id, series, 5); // 24 Nov
    await world.sync();
    expect(await starts()).toEqual(['2026-10-27T15:00:00.000Z', '2026-11-10T13:00:00.000Z', '2026-11-17T13:00:00.000Z']);
    await settle(world);
    expect(await starts()).toEqual(['2026-10-27T15:00:00.000Z', '2026-11-10T13:00:00.000Z', '2026-11-17T13:00:00.000Z']);
  });

  it('an expired cursor leads to a full window resync that converges without duplicates', async () => {
    const { world, side } = await fresh(t);
    await side.createEvent({ subject: 'Kept', start: '2026-11-06T10:00:00', end: '2026-11-06T11:00:00', timeZone: 'Europe/Berlin' });
    const gone = await side.createEvent({ subject: 'Deleted while expired', start: '2026-11-07T10:00:00', end: '2026-11-07T11:00:00', timeZone: 'Europe/Berlin' });
    const appt = await world.crmCreate({ subject: 'Ours' });
    await world.drain();
    await world.sync();
    expect(await world.rows()).toHaveLength(3);

    await side.deleteEvent(gone);
    await side.expireCursor();
    const run = await world.sync();
    expect(run.outcome).toBe('succeeded');
    const rows = await world.rows();
    // (The CalDAV side adds a 'marker' event to make Radicale forget its tokens.)
    expect(rows.map((r) => r.subject).filter((s) => s !== 'marker').sort()).toEqual(['Kept', 'Ours']);
    expect(rows.find((r) => r.id === appt.id)).toMatchObject({ origin: 'crm', cancelled: false });
    await settle(world);
    expect(await world.rows()).toHaveLength(rows.length);
  });

  it('a conflict: edited at the provider, then in Tandem with the stale etag → the provider wins, the attempt is in history', async () => {
    const { world, side } = await fresh(t);
    const appt = await world.crmCreate({ subject: 'Budget call' });
    await world.drain();
    await world.sync();
    const [ref] = await world.rows();
    await side.updateEvent(ref?.providerId ?? '', { subject: 'Budget call (organiser)' });
    await world.crmUpdate(appt.id, { subject: 'Budget call (Tandem)' });

    expect(await world.drain()).toEqual(['delivered']);
    const [after] = await world.rows();
    expect(after).toMatchObject({ subject: 'Budget call (organiser)', cancelled: false });
    const history = await world.db.repos.appointments.history(world.scope, appt.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ what: 'conflict_overwritten', actor: world.userId, change: { attempted: { subject: 'Budget call (Tandem)' } } });
    expect((await side.list(window)).map((e) => e.subject)).toEqual(['Budget call (organiser)']);
    // Nothing more to do: the next pull sees the version it already has.
    await settle(world);
    expect((await world.rows()).map((r) => r.subject)).toEqual(['Budget call (organiser)']);
  });

  it('a Tandem delete removes the event at the provider and the appointment once confirmed', async () => {
    const { world, side } = await fresh(t);
    const appt = await world.crmCreate({ subject: 'To be dropped' });
    await world.drain();
    await world.sync();
    await world.crmDelete(appt.id);
    await world.sync(); // the pull sees the event still there: the pending delete owns it
    expect(await world.rows()).toMatchObject([{ id: appt.id, cancelled: true }]);
    expect(await world.drain()).toEqual(['delivered']);
    expect(await side.list(window)).toEqual([]);
    await settle(world);
    expect(await world.rows()).toEqual([]);
  });
});
}
