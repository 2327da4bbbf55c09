import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../errors';
import type { CalendarAbility, CalendarChanges, CalendarWindow } from '../provider';
import { appointment } from '../contract/contract-fixtures';
import { connect, createSeriesAtProvider, providerFor, startGoogleTestEnv, testMailbox, type GoogleTestEnv } from './google-test-harness';

const window: CalendarWindow = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };

async function drain(calendar: CalendarAbility, cursor: string | null): Promise<CalendarChanges & { pages: number }> {
  let page = await calendar.fetchChanges(cursor, window);
  const upserts = [...page.upserts];
  const deletions = [...page.deletions];
  let pages = 1;
  while (page.more) {
    page = await calendar.fetchChanges(page.nextCursor, window);
    upserts.push(...page.upserts);
    deletions.push(...page.deletions);
    pages++;
  }
  return { ...page, upserts, deletions, pages };
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (isProviderError(e) ? e.kind : `not a ProviderError: ${String(e)}`),
  );
}

describe('google calendar on the simulator', () => {
  let env: GoogleTestEnv;
  let calendar: CalendarAbility;

  beforeEach(async () => {
    env = await startGoogleTestEnv();
    const provider = providerFor(env, await connect(env), { calendar: { pageSize: 2 } });
    if (!provider.calendar) throw new Error('no calendar');
    calendar = provider.calendar;
  });
  afterEach(() => env.close());

  const series = {
    subject: 'Weekly site meeting',
    firstStart: '2026-10-15T09:00:00',
    durationMinutes: 60,
    timeZone: 'Europe/Berlin',
    movedStart: '2026-10-22T14:00:00',
  };

  it('maps a series: master with its rule once, occurrences, the moved exception; the cancelled one is a deletion', async () => {
    const masterId = createSeriesAtProvider(env.sim.handle, series);
    const all = await drain(calendar, null);
    expect(all.pages).toBeGreaterThan(1);
    expect(all.fullSync).toBe(true);
    const master = all.upserts.filter((e) => e.providerId === masterId);
    expect(master).toHaveLength(1);
    expect(master[0]).toMatchObject({ kind: 'seriesMaster', recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', exdates: [] }, start: { local: '2026-10-15T09:00:00', timeZone: 'Europe/Berlin' } });
    const instances = all.upserts.filter((e) => e.seriesMasterId === masterId).sort((a, b) => (a.originalStart ?? '').localeCompare(b.originalStart ?? ''));
    expect(instances.map((e) => [e.kind, e.start.local, e.originalStart])).toEqual([
      ['occurrence', '2026-10-15T09:00:00', '2026-10-15T07:00:00.000Z'],
      ['exception', '2026-10-22T14:00:00', '2026-10-22T07:00:00.000Z'],
      ['occurrence', '2026-11-05T09:00:00', '2026-11-05T08:00:00.000Z'],
    ]);
    expect(all.deletions).toEqual([`${masterId}_20261029T080000Z`]);
    // One events.get for the master, however many instances and pages named it.
    expect(env.sim.handle.counters.count(testMailbox, 'events.get')).toBe(1);
  });

  it('incremental: a cancelled instance and a deleted series arrive as deletions', async () => {
    const masterId = createSeriesAtProvider(env.sim.handle, { ...series, subject: 'Other' });
    const base = await drain(calendar, null);
    env.sim.handle.deleteProviderEvent(testMailbox, `${masterId}_20261105T080000Z`);
    const c1 = await drain(calendar, base.nextCursor);
    expect(c1.fullSync).toBe(false);
    expect(c1.deletions).toEqual([`${masterId}_20261105T080000Z`]);
    env.sim.handle.deleteProviderEvent(testMailbox, masterId);
    const c2 = await drain(calendar, c1.nextCursor);
    expect(c2.deletions).toContain(masterId);
    expect(c2.upserts).toEqual([]);
  });

  it('maps privacy, free/busy, all-day and attendees', async () => {
    env.sim.handle.createProviderEvent(testMailbox, {
      summary: 'Private lunch',
      visibility: 'confidential',
      transparency: 'transparent',
      start: { date: '2026-11-20' },
      end: { date: '2026-11-21' },
      attendees: [{ email: 'bob@client.test', displayName: 'Bob', responseStatus: 'tentative' }, { email: 'eve@client.test', responseStatus: 'needsAction' }],
    });
    const [e] = (await drain(calendar, null)).upserts;
    expect(e).toMatchObject({
      kind: 'single',
      allDay: true,
      sensitivity: 'confidential',
      showAs: 'free',
      start: { local: '2026-11-20', timeZone: 'Europe/Berlin' },
      end: { local: '2026-11-21' },
      attendees: [
        { email: 'bob@client.test', name: 'Bob', response: 'tentative' },
        { email: 'eve@client.test', response: 'none' },
      ],
    });
  });

  it('an event moved out of the window is reported as deleted; an expired sync token is cursor_expired', async () => {
    const id = env.sim.handle.createProviderEvent(testMailbox, { summary: 'Soon', start: { dateTime: '2026-11-12T10:00:00', timeZone: 'Europe/Berlin' }, end: { dateTime: '2026-11-12T11:00:00', timeZone: 'Europe/Berlin' } }).id ?? '';
    const base = await drain(calendar, null);
    env.sim.handle.updateProviderEvent(testMailbox, id, { start: { dateTime: '2027-03-01T10:00:00', timeZone: 'Europe/Berlin' }, end: { dateTime: '2027-03-01T11:00:00', timeZone: 'Europe/Berlin' } });
    const c1 = await drain(calendar, base.nextCursor);
    expect(c1.deletions).toEqual([id]);
    expect(c1.upserts).toEqual([]);
    env.sim.handle.expireSyncTokens(testMailbox);
    expect(await kindOf(calendar.fetchChanges(c1.nextCursor, window))).toBe('cursor_expired');
    // An unreadable cursor starts over with a full round.
    expect((await calendar.fetchChanges('garbage', window)).fullSync).toBe(true);
  });

  it('create is idempotent by tandemId (a lost answer repeated makes no second event), and revives a deleted one', async () => {
    const first = await calendar.createEvent(appointment('appt-7'));
    const again = await calendar.createEvent(appointment('appt-7'));
    expect(again).toMatchObject({ providerId: first.providerId, existing: true });
    expect(first.existing).toBeUndefined();
    expect(env.sim.handle.events(testMailbox).filter((e) => e.status !== 'cancelled')).toHaveLength(1);
    expect(await calendar.findByTandemId?.('appt-7', window)).toMatchObject({ providerId: first.providerId, tandemId: 'appt-7' });

    await calendar.deleteEvent(first.providerId, again.etag);
    await calendar.deleteEvent(first.providerId);
    expect((await calendar.findByTandemId?.('appt-7', window))?.cancelled).toBe(true);
    const revived = await calendar.createEvent(appointment('appt-7', { subject: 'Back' }));
    expect(revived).toMatchObject({ providerId: first.providerId, subject: 'Back' });
    expect(revived.cancelled).toBeUndefined();
  });

  it('a stale etag on update or delete is a conflict; writes carry sensitivity and our id', async () => {
    const made = await calendar.createEvent(appointment('appt-8', { sensitivity: 'private' }));
    const stored = env.sim.handle.events(testMailbox).find((e) => e.id === made.providerId);
    expect(stored).toMatchObject({ visibility: 'private', extendedProperties: { private: { tandemId: 'appt-8' } } });
    env.sim.handle.updateProviderEvent(testMailbox, made.providerId, { summary: 'Changed by the user' });
    expect(await kindOf(calendar.updateEvent(made.providerId, made.etag, appointment('appt-8')))).toBe('conflict');
    expect(await kindOf(calendar.deleteEvent(made.providerId, made.etag))).toBe('conflict');
  });

  it('findByTandemId of an unknown id is null', async () => {
    expect(await calendar.findByTandemId?.('nobody', window)).toBeNull();
  });
});
