/** Calendar over EWS: series mapping, deltas after Outlook edits, writes with ChangeKey, recovery after an ambiguous create. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../errors';
import type { CalendarAbility, CalendarChanges, CalendarWindow, EventInput, ProviderEvent } from '../provider';
import { ALICE, startExchangeTestEnv, type ExchangeTestEnv } from './exchange-test-harness';

let env: ExchangeTestEnv;
let calendar: CalendarAbility;
const window: CalendarWindow = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };

beforeAll(async () => {
  env = await startExchangeTestEnv();
  const c = env.provider().calendar;
  if (!c) throw new Error('no calendar ability');
  calendar = c;
});
afterAll(async () => {
  await env.close();
});
beforeEach(() => {
  env.handle.faults.clear();
});

async function drain(cursor: string | null): Promise<CalendarChanges> {
  let page = await calendar.fetchChanges(cursor, window);
  const upserts = [...page.upserts];
  const deletions = [...page.deletions];
  while (page.more) {
    page = await calendar.fetchChanges(page.nextCursor, window);
    upserts.push(...page.upserts);
    deletions.push(...page.deletions);
  }
  return { ...page, upserts, deletions };
}

const input = (tandemId: string, over: Partial<EventInput> = {}): EventInput => ({
  tandemId,
  subject: `Visit ${tandemId}`,
  start: { local: '2026-11-16T10:00:00', timeZone: 'Europe/Paris' },
  end: { local: '2026-11-16T11:00:00', timeZone: 'Europe/Paris' },
  allDay: false,
  sensitivity: 'normal',
  attendees: [],
  ...over,
});

async function kindOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (isProviderError(e) ? e.kind : String(e)),
  );
}

describe('a recurring series made in Outlook', () => {
  let masterId: string;
  let all: ProviderEvent[];

  beforeAll(async () => {
    masterId = env.handle.createProviderEvent(ALICE, {
      subject: 'Standup',
      start: '2026-10-15T09:00:00+02:00',
      end: '2026-10-15T09:30:00+02:00',
      timeZone: 'W. Europe Standard Time',
      sensitivity: 'Private',
      location: 'Room 1',
      attendees: ['carol@client.test'],
      recurrence: {
        pattern: { type: 'Weekly', interval: 1, days: 'Thursday', firstDayOfWeek: 'Monday' },
        range: { type: 'Numbered', startDate: '2026-10-15', count: 5 },
      },
    });
    env.handle.updateProviderEvent(ALICE, masterId, { occurrenceStart: '2026-10-22T07:00:00Z', start: '2026-10-23T15:00:00+02:00', end: '2026-10-23T15:30:00+02:00', subject: 'Standup (Fri)' });
    env.handle.deleteProviderEvent(ALICE, masterId, '2026-10-29T08:00:00Z');
    all = (await drain(null)).upserts.filter((e) => e.providerId === masterId || e.seriesMasterId === masterId);
  });

  it('the master carries the rule, the deleted occurrence as an EXDATE, the zone and sensitivity', () => {
    const master = all.find((e) => e.kind === 'seriesMaster');
    expect(master).toMatchObject({
      subject: 'Standup',
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=TH;COUNT=5', exdates: ['2026-10-29T08:00:00.000Z'] },
      start: { local: '2026-10-15T09:00:00', timeZone: 'Europe/Berlin' },
      sensitivity: 'private',
      location: 'Room 1',
      showAs: 'busy',
      organizer: { email: ALICE },
      attendees: [{ email: 'carol@client.test', response: 'none' }],
    });
  });

  it('instances: occurrences on wall-clock time across DST, the moved one an exception, the deleted one absent', () => {
    const instances = all.filter((e) => e.kind !== 'seriesMaster').sort((a, b) => (a.originalStart ?? '').localeCompare(b.originalStart ?? ''));
    expect(instances.map((e) => [e.kind, e.originalStart, e.start.local, e.subject])).toEqual([
      ['occurrence', '2026-10-15T07:00:00.000Z', '2026-10-15T09:00:00', 'Standup'],
      ['exception', '2026-10-22T07:00:00.000Z', '2026-10-23T15:00:00', 'Standup (Fri)'],
      ['occurrence', '2026-11-05T08:00:00.000Z', '2026-11-05T09:00:00', 'Standup'],
      ['occurrence', '2026-11-12T08:00:00.000Z', '2026-11-12T09:00:00', 'Standup'],
    ]);
    expect(instances.every((e) => e.seriesMasterId === masterId && e.start.timeZone === 'Europe/Berlin' && e.sensitivity === 'private')).toBe(true);
  });

  it('an occurrence edited in Outlook comes back in the delta as the master plus its instances', async () => {
    const { nextCursor } = await drain(null);
    env.handle.updateProviderEvent(ALICE, masterId, { occurrenceStart: '2026-11-12T08:00:00Z', subject: 'Standup (retro)' });
    const changes = await drain(nextCursor);
    expect(changes.fullSync).toBe(false);
    expect(changes.upserts.find((e) => e.kind === 'seriesMaster')?.providerId).toBe(masterId);
    expect(changes.upserts.find((e) => e.originalStart === '2026-11-12T08:00:00.000Z')).toMatchObject({ kind: 'exception', subject: 'Standup (retro)', seriesMasterId: masterId });
  });
});

describe('Tandem-made events', () => {
  it('round-trip all-day, private and Paris time; TandemId sits in a PublicStrings property', async () => {
    const made = await calendar.createEvent(input('t-allday', { allDay: true, sensitivity: 'private', bodyText: 'Bring plans', start: { local: '2026-11-20', timeZone: 'Europe/Paris' }, end: { local: '2026-11-21', timeZone: 'Europe/Paris' } }));
    expect(made).toMatchObject({ tandemId: 't-allday', allDay: true, sensitivity: 'private', bodyText: 'Bring plans', start: { local: '2026-11-20', timeZone: 'Europe/Paris' }, end: { local: '2026-11-21' }, kind: 'single' });
    const stored = env.handle.events(ALICE).find((e) => e.id === made.providerId);
    expect(stored).toMatchObject({ extended: { TandemId: 't-allday' }, startTimeZone: 'Romance Standard Time', isAllDay: true, start: '2026-11-19T23:00:00Z' });
  });

  it('a stale ChangeKey after an Outlook edit is a conflict; the fresh one works; a repeated delete is fine', async () => {
    const made = await calendar.createEvent(input('t-conflict'));
    env.handle.updateProviderEvent(ALICE, made.providerId, { location: 'Changed in Outlook' });
    expect(await kindOf(calendar.updateEvent(made.providerId, made.etag, input('t-conflict', { subject: 'Ours' })))).toBe('conflict');
    const fresh = (await calendar.findByTandemId?.('t-conflict', window)) ?? made;
    const updated = await calendar.updateEvent(fresh.providerId, fresh.etag, input('t-conflict', { subject: 'Ours', location: 'Office' }));
    expect(updated).toMatchObject({ subject: 'Ours', location: 'Office' });
    await calendar.deleteEvent(updated.providerId, updated.etag);
    await expect(calendar.deleteEvent(updated.providerId, updated.etag)).resolves.toBeUndefined();
  });

  it('a create whose answer was lost is ambiguous and findByTandemId finds the one event', async () => {
    env.handle.faults.add({ kind: 'drop_after_accept', match: 'CreateItem', times: 1 });
    const error = await calendar.createEvent(input('t-lost')).catch((e: unknown) => e);
    expect(isProviderError(error) && [error.kind, error.ambiguous]).toEqual(['transient', true]);
    const found = await calendar.findByTandemId?.('t-lost', window);
    expect(found).toMatchObject({ tandemId: 't-lost', subject: 'Visit t-lost' });
    expect(env.handle.events(ALICE).filter((e) => e.extended.TandemId === 't-lost')).toHaveLength(1);
    expect(await calendar.findByTandemId?.('t-never', window)).toBeNull();
  });

  it('an unknown time zone is invalid_input before anything is sent', async () => {
    env.handle.counters.reset();
    expect(await kindOf(calendar.createEvent(input('t-tz', { start: { local: '2026-11-16T10:00:00', timeZone: 'Mars/Olympus' } })))).toBe('invalid_input');
    expect(env.handle.counters.count()).toBe(0);
  });
});

describe('deltas', () => {
  it('an event moved out of the window is reported as a deletion; an expired SyncState is cursor_expired', async () => {
    const id = env.handle.createProviderEvent(ALICE, { subject: 'Leaving', start: '2026-11-03T10:00:00Z', end: '2026-11-03T11:00:00Z' });
    const { nextCursor } = await drain(null);
    env.handle.updateProviderEvent(ALICE, id, { start: '2027-03-03T10:00:00Z', end: '2027-03-03T11:00:00Z' });
    const changes = await drain(nextCursor);
    expect(changes.deletions).toContain(id);
    expect(changes.upserts.some((e) => e.providerId === id)).toBe(false);
    env.handle.expireSyncState(ALICE);
    expect(await kindOf(calendar.fetchChanges(changes.nextCursor, window))).toBe('cursor_expired');
  });

  it('pages a long delta with more=true and loses nothing', async () => {
    const paged = env.provider({ options: { syncPageSize: 3 } }).calendar;
    if (!paged) throw new Error('no calendar');
    const { nextCursor } = await drain(null);
    const ids = Array.from({ length: 7 }, (_, i) => env.handle.createProviderEvent(ALICE, { subject: `Bulk ${i}`, start: `2026-11-2${i}T08:00:00Z`, end: `2026-11-2${i}T09:00:00Z` }));
    const pages: CalendarChanges[] = [await paged.fetchChanges(nextCursor, window)];
    while (pages[pages.length - 1]?.more) pages.push(await paged.fetchChanges(pages[pages.length - 1]?.nextCursor ?? '', window));
    expect(pages.map((p) => p.upserts.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.upserts.map((e) => e.providerId)).sort()).toEqual(ids.sort());
  });
});
