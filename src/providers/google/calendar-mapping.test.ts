import { describe, expect, it } from 'vitest';
import { appointment } from '../contract/contract-fixtures';
import { eventIdFor, readRecurrence, toGoogleEventBody, toProviderEvent } from './calendar-mapping';

describe('eventIdFor', () => {
  it('is base32hex, 5–1024 characters, stable and distinct per tandemId', () => {
    const id = eventIdFor('3f2b9c1e-0d4a-4e5f-9a7b-1c2d3e4f5a6b');
    expect(id).toMatch(/^[a-v0-9]{5,1024}$/);
    expect(eventIdFor('3f2b9c1e-0d4a-4e5f-9a7b-1c2d3e4f5a6b')).toBe(id);
    expect(eventIdFor('a')).not.toBe(eventIdFor('b'));
    expect(eventIdFor('ab')).not.toBe(eventIdFor('a'));
  });
});

describe('readRecurrence', () => {
  it('reads the RRULE and EXDATEs in their TZID, UTC or as dates', () => {
    expect(readRecurrence(['RRULE:FREQ=WEEKLY;BYDAY=TH', 'EXDATE;TZID=Europe/Berlin:20261029T090000,20261105T090000'], false, 'UTC')).toEqual({
      rrule: 'FREQ=WEEKLY;BYDAY=TH',
      exdates: ['2026-10-29T08:00:00.000Z', '2026-11-05T08:00:00.000Z'],
    });
    expect(readRecurrence(['EXDATE:20261029T080000Z', 'RRULE:FREQ=DAILY'], false, 'Europe/Berlin')?.exdates).toEqual(['2026-10-29T08:00:00.000Z']);
    expect(readRecurrence(['RRULE:FREQ=YEARLY', 'EXDATE;VALUE=DATE:20271224'], true, 'Europe/Berlin')?.exdates).toEqual(['2027-12-24T00:00:00.000Z']);
    expect(readRecurrence(['EXDATE:20261029T080000Z'], false, 'UTC')).toBeUndefined();
  });
});

describe('toProviderEvent', () => {
  const master = {
    id: 'm1',
    etag: '"1"',
    summary: 'Standup',
    recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
    start: { dateTime: '2026-11-03T09:00:00+01:00', timeZone: 'Europe/Berlin' },
    end: { dateTime: '2026-11-03T09:15:00+01:00', timeZone: 'Europe/Berlin' },
  };
  const instance = {
    ...master,
    id: 'm1_20261104T080000Z',
    recurrence: undefined,
    recurringEventId: 'm1',
    originalStartTime: { dateTime: '2026-11-04T09:00:00+01:00', timeZone: 'Europe/Berlin' },
    start: { dateTime: '2026-11-04T09:00:00+01:00', timeZone: 'Europe/Berlin' },
    end: { dateTime: '2026-11-04T09:15:00+01:00', timeZone: 'Europe/Berlin' },
  };

  it('tells an untouched occurrence from an exception (moved, or changed fields)', () => {
    expect(toProviderEvent(master, 'UTC').kind).toBe('seriesMaster');
    expect(toProviderEvent(instance, 'UTC', master)).toMatchObject({ kind: 'occurrence', seriesMasterId: 'm1', originalStart: '2026-11-04T08:00:00.000Z' });
    expect(toProviderEvent({ ...instance, summary: 'Standup (long)' }, 'UTC', master).kind).toBe('exception');
    expect(toProviderEvent({ ...instance, start: { dateTime: '2026-11-04T10:00:00+01:00', timeZone: 'Europe/Berlin' } }, 'UTC', master).kind).toBe('exception');
  });

  it('uses the calendar zone when the event names none, and reads private visibility and our id', () => {
    const e = toProviderEvent(
      { id: 'e', etag: '"2"', visibility: 'private', start: { dateTime: '2026-11-03T08:00:00Z' }, end: { dateTime: '2026-11-03T09:00:00Z' }, extendedProperties: { private: { tandemId: 't-1' } } },
      'America/New_York',
    );
    expect(e).toMatchObject({ start: { local: '2026-11-03T03:00:00', timeZone: 'America/New_York' }, sensitivity: 'private', tandemId: 't-1', showAs: 'busy', kind: 'single' });
  });
});

describe('toGoogleEventBody', () => {
  it('writes local times with their zone, all-day dates, visibility and the tandemId property', () => {
    const timed = toGoogleEventBody(appointment('t-9', { sensitivity: 'personal' }));
    expect(timed).toMatchObject({
      start: { dateTime: '2026-11-10T09:00:00', timeZone: 'Europe/Berlin' },
      visibility: 'private',
      extendedProperties: { private: { tandemId: 't-9' } },
      attendees: [{ email: 'carol@client.test', displayName: 'Carol Client' }],
    });
    const allDay = toGoogleEventBody(appointment('t-10', { allDay: true, start: { local: '2026-11-10', timeZone: 'Europe/Berlin' }, end: { local: '2026-11-11', timeZone: 'Europe/Berlin' } }));
    expect(allDay.start).toEqual({ date: '2026-11-10', timeZone: 'Europe/Berlin' });
    expect(allDay.end).toEqual({ date: '2026-11-11', timeZone: 'Europe/Berlin' });
  });
});
