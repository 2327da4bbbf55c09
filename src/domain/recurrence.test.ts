import { describe, expect, it } from 'vitest';
import { expandSeries, RecurrenceError, type Series } from './recurrence';
import { defaultSyncWindow, inWindow, syncWindow } from './sync-window';
import { localToUtc, utcToLocal } from './zoned-time';

const win = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });

describe('expandSeries across DST', () => {
  it.each([
    // EU summer time ends 2026-10-25: 09:00 CEST = 07:00Z, then 09:00 CET = 08:00Z.
    ['Europe/Berlin', '2026-10-13', ['2026-10-13T07:00:00.000Z', '2026-10-20T07:00:00.000Z', '2026-10-27T08:00:00.000Z', '2026-11-03T08:00:00.000Z']],
    // US daylight time ends 2026-11-01: 09:00 EDT = 13:00Z, then 09:00 EST = 14:00Z.
    ['America/New_York', '2026-10-20', ['2026-10-20T13:00:00.000Z', '2026-10-27T13:00:00.000Z', '2026-11-03T14:00:00.000Z', '2026-11-10T14:00:00.000Z']],
  ])('a weekly 09:00 %s meeting stays at 09:00 local', (zone, firstDay, expectedUtc) => {
    const series: Series = { start: `${firstDay}T09:00:00`, end: `${firstDay}T10:00:00`, timeZone: zone, allDay: false, rrule: 'FREQ=WEEKLY;COUNT=4' };
    const occ = expandSeries(series, win('2026-10-01T00:00:00Z', '2026-12-31T00:00:00Z'));
    expect(occ.map((o) => o.startAt)).toEqual(expectedUtc);
    expect(occ.every((o) => o.startLocal.endsWith('T09:00:00') && o.endLocal.endsWith('T10:00:00'))).toBe(true);
    expect(occ.map((o) => Date.parse(o.endAt) - Date.parse(o.startAt))).toEqual([3_600_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('keeps US spring-forward meetings at 09:00 too', () => {
    const series: Series = { start: '2027-03-08T09:00:00', end: '2027-03-08T09:30:00', timeZone: 'America/New_York', allDay: false, rrule: 'FREQ=WEEKLY;BYDAY=MO' };
    const occ = expandSeries(series, win('2027-03-01T00:00:00Z', '2027-03-22T00:00:00Z'));
    expect(occ.map((o) => o.startAt)).toEqual(['2027-03-08T14:00:00.000Z', '2027-03-15T13:00:00.000Z']);
  });

  it('keeps all-day events as dates across DST', () => {
    const series: Series = { start: '2026-10-24', end: '2026-10-25', timeZone: 'Europe/Berlin', allDay: true, rrule: 'FREQ=DAILY;COUNT=3' };
    const occ = expandSeries(series, win('2026-10-01T00:00:00Z', '2026-11-30T00:00:00Z'));
    expect(occ.map((o) => [o.startLocal, o.endLocal, o.startAt, o.originalStart])).toEqual([
      ['2026-10-24', '2026-10-25', '2026-10-24T00:00:00.000Z', '2026-10-24'],
      ['2026-10-25', '2026-10-26', '2026-10-25T00:00:00.000Z', '2026-10-25'],
      ['2026-10-26', '2026-10-27', '2026-10-26T00:00:00.000Z', '2026-10-26'],
    ]);
    expect(occ.every((o) => o.allDay)).toBe(true);
  });

  it('moves a time skipped by spring-forward to after the gap (RFC 5545)', () => {
    const series: Series = { start: '2027-03-27T02:30:00', end: '2027-03-27T03:00:00', timeZone: 'Europe/Berlin', allDay: false, rrule: 'FREQ=DAILY;COUNT=2' };
    const [, skipped] = expandSeries(series, win('2027-03-20T00:00:00Z', '2027-04-01T00:00:00Z'));
    expect(skipped?.startAt).toBe('2027-03-28T01:30:00.000Z');
    expect(utcToLocal(new Date(skipped?.startAt ?? ''), 'Europe/Berlin')).toBe('2027-03-28T03:30:00');
  });
});

describe('expandSeries exceptions and bounds', () => {
  const weekly: Series = { start: '2026-11-02T10:00:00', end: '2026-11-02T11:00:00', timeZone: 'Europe/Berlin', allDay: false, rrule: 'FREQ=WEEKLY;BYDAY=MO' };
  const nov = win('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z');

  it('lists every Monday of the window', () => {
    expect(expandSeries(weekly, nov).map((o) => o.startLocal)).toEqual(['2026-11-02T10:00:00', '2026-11-09T10:00:00', '2026-11-16T10:00:00', '2026-11-23T10:00:00', '2026-11-30T10:00:00']);
  });

  it('drops EXDATEs and cancelled instances, moves moved ones', () => {
    const occ = expandSeries(
      {
        ...weekly,
        exdates: ['2026-11-09T09:00:00Z'],
        exceptions: [
          { originalStart: '2026-11-16T09:00:00Z', cancelled: true },
          { originalStart: '2026-11-23T09:00:00.000Z', start: '2026-11-24T15:00:00', end: '2026-11-24T16:30:00', providerId: 'ex-1' },
        ],
      },
      nov,
    );
    expect(occ.map((o) => [o.startLocal, o.moved, o.originalStart])).toEqual([
      ['2026-11-02T10:00:00', false, '2026-11-02T09:00:00.000Z'],
      ['2026-11-24T15:00:00', true, '2026-11-23T09:00:00.000Z'],
      ['2026-11-30T10:00:00', false, '2026-11-30T09:00:00.000Z'],
    ]);
    expect(occ[1]).toMatchObject({ providerId: 'ex-1', endAt: '2026-11-24T15:30:00.000Z' });
  });

  it('includes an instance moved into the window from outside it, and drops one moved out', () => {
    const occ = expandSeries(
      {
        ...weekly,
        exceptions: [
          { originalStart: '2026-10-26T09:00:00Z', start: '2026-11-03T10:00:00', end: '2026-11-03T11:00:00' },
          { originalStart: '2026-11-30T09:00:00Z', start: '2026-12-02T10:00:00', end: '2026-12-02T11:00:00' },
        ],
      },
      nov,
    );
    expect(occ.map((o) => o.startLocal)).toEqual(['2026-11-02T10:00:00', '2026-11-03T10:00:00', '2026-11-09T10:00:00', '2026-11-16T10:00:00', '2026-11-23T10:00:00']);
  });

  it('treats a UTC UNTIL as inclusive of the last local instance', () => {
    // 2026-11-30 10:00 Berlin is 09:00Z: UNTIL at exactly that instant keeps it.
    const occ = expandSeries({ ...weekly, rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20261130T090000Z' }, win('2026-11-01T00:00:00Z', '2027-06-01T00:00:00Z'));
    expect(occ.at(-1)?.startLocal).toBe('2026-11-30T10:00:00');
    expect(occ).toHaveLength(5);
  });

  it('clips to the window but keeps an instance that overlaps its start', () => {
    const long: Series = { ...weekly, end: '2026-11-02T23:00:00' };
    const occ = expandSeries(long, win('2026-11-09T12:00:00Z', '2026-11-17T00:00:00Z'));
    expect(occ.map((o) => o.startLocal)).toEqual(['2026-11-09T10:00:00', '2026-11-16T10:00:00']);
  });

  it('expands an old series into a window years later', () => {
    const daily: Series = { start: '2020-01-01T08:00:00', end: '2020-01-01T08:15:00', timeZone: 'America/New_York', allDay: false, rrule: 'FREQ=DAILY' };
    const occ = expandSeries(daily, win('2026-11-02T00:00:00Z', '2026-11-05T00:00:00Z'));
    expect(occ.map((o) => o.startAt)).toEqual(['2026-11-02T13:00:00.000Z', '2026-11-03T13:00:00.000Z', '2026-11-04T13:00:00.000Z']);
  });

  it('refuses a runaway rule instead of spinning', () => {
    expect(() => expandSeries({ ...weekly, start: '2026-01-01T00:00:00', end: '2026-01-01T00:00:01', rrule: 'FREQ=SECONDLY' }, nov)).toThrow(/needs over/);
  });

  it.each([['FREQ=SOMETIMES'], ['BYDAY=MO'], ['']])('refuses the rule %j with a typed error', (rrule) => {
    expect(() => expandSeries({ ...weekly, rrule }, nov)).toThrow(RecurrenceError);
  });
});

describe('zoned time', () => {
  it('reads a repeated fall-back hour as its first occurrence', () => {
    expect(localToUtc('2026-10-25T02:30:00', 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(localToUtc('2026-11-01T01:30:00', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('round-trips ordinary times', () => {
    expect(utcToLocal(localToUtc('2026-07-01T18:45:10', 'Asia/Kolkata'), 'Asia/Kolkata')).toBe('2026-07-01T18:45:10');
  });
});

describe('sync window', () => {
  it('defaults to 10 days back and 60 ahead, aligned to UTC days', () => {
    expect(defaultSyncWindow).toEqual({ daysBack: 10, daysAhead: 60 });
    const w = syncWindow(new Date('2026-11-02T09:30:00Z'));
    expect(w.start.toISOString()).toBe('2026-10-23T00:00:00.000Z');
    expect(w.end.toISOString()).toBe('2027-01-02T00:00:00.000Z');
  });

  it('does not move within a day, and takes a configured span', () => {
    expect(syncWindow(new Date('2026-11-02T00:00:01Z'))).toEqual(syncWindow(new Date('2026-11-02T23:59:59Z')));
    const w = syncWindow(new Date('2026-11-02T09:30:00Z'), { daysBack: 0, daysAhead: 7 });
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual(['2026-11-02T00:00:00.000Z', '2026-11-10T00:00:00.000Z']);
  });

  it('refuses a nonsensical span', () => {
    expect(() => syncWindow(new Date(), { daysBack: -1, daysAhead: 60 })).toThrow(RangeError);
    expect(() => syncWindow(new Date(), { daysBack: 1, daysAhead: 0 })).toThrow(RangeError);
  });

  it('tells whether an event overlaps the window', () => {
    const w = syncWindow(new Date('2026-11-02T09:30:00Z'));
    expect(inWindow(w, new Date('2026-10-22T23:00:00Z'), new Date('2026-10-23T01:00:00Z'))).toBe(true);
    expect(inWindow(w, new Date('2026-10-22T22:00:00Z'), new Date('2026-10-23T00:00:00Z'))).toBe(false);
  });
});
