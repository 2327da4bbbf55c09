import { describe, expect, it } from 'vitest';
import { localToUtc } from '../../domain/zoned-time';
import { attemptedChange, editableFingerprint, editableValues, eventColumns, eventInputOf, instantOf, sameEditable } from './event-fields';

describe('instantOf', () => {
  // Every quarter hour across Berlin's autumn change (25 Oct 2026, 03:00 CEST → 02:00 CET) and
  // spring change (29 Mar 2026, 02:00 CET → 03:00 CEST), and Lord Howe's half-hour change (5 Apr 2026).
  const cases: [string, string][] = [];
  for (const [zone, day] of [
    ['Europe/Berlin', '2026-10-25'],
    ['Europe/Berlin', '2026-03-29'],
    ['Australia/Lord_Howe', '2026-04-05'],
  ] as const) {
    for (let m = 0; m < 6 * 60; m += 15) cases.push([zone, `${day}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`]);
  }
  // Whole days (the memo is per local day): the days around Berlin's change, and Santiago, whose
  // clocks change at midnight (6 Sep 2026 00:00 → 01:00; 5 Apr 2026 00:00 → 4 Apr 23:00).
  for (const [zone, day] of [
    ['Europe/Berlin', '2026-10-24'],
    ['Europe/Berlin', '2026-10-26'],
    ['America/Santiago', '2026-09-05'],
    ['America/Santiago', '2026-09-06'],
    ['America/Santiago', '2026-04-04'],
    ['America/Santiago', '2026-04-05'],
  ] as const) {
    for (let m = 0; m < 24 * 60; m += 20) cases.push([zone, `${day}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`]);
  }

  it('matches the exact conversion, also on days holding a DST change (twice: cold and memoised)', () => {
    for (let round = 0; round < 2; round++) {
      for (const [zone, local] of cases) expect([zone, local, instantOf({ local, timeZone: zone }, false).toISOString()]).toEqual([zone, local, localToUtc(local, zone).toISOString()]);
    }
  });

  it('all-day bounds are UTC midnight of their dates; an unknown zone reads as UTC', () => {
    expect(instantOf({ local: '2026-10-25', timeZone: 'Europe/Berlin' }, true).toISOString()).toBe('2026-10-25T00:00:00.000Z');
    expect(instantOf({ local: '2026-11-03T09:00:00', timeZone: 'Not/AZone' }, false).toISOString()).toBe('2026-11-03T09:00:00.000Z');
  });
});

describe('attemptedChange', () => {
  const base = { id: 'a', subject: 'Call', body: null, location: null, startLocal: '2026-11-03T09:00:00', endLocal: '2026-11-03T10:00:00', timeZone: 'Europe/Berlin', allDay: false, sensitivity: 'normal' as const, attendees: [{ email: 'x@y.example' }] };

  it('keeps only what the user changed, ignoring how providers echo fields back', () => {
    const theirs = { ...base, startLocal: '2026-11-03T09:00', body: ' \r\n', attendees: [{ email: 'X@y.example', response: 'accepted' as const }] };
    expect(attemptedChange(editableValues({ ...base, subject: 'Call (moved)' }), editableValues(theirs))).toEqual({ subject: 'Call (moved)' });
    expect(attemptedChange(editableValues(base), editableValues(theirs))).toEqual({});
  });

  it('fingerprints a version so the provider’s echo of it matches and any edit does not', () => {
    const theirs = { ...base, startLocal: '2026-11-03T09:00', body: ' \r\n', attendees: [{ email: 'X@y.example', response: 'accepted' as const }] };
    const sent = editableFingerprint(editableValues(base));
    expect(editableFingerprint(editableValues(theirs))).toBe(sent);
    expect(sameEditable(editableValues(base), editableValues(theirs))).toBe(true);
    for (const edit of [{ subject: 'Call!' }, { startLocal: '2026-11-03T09:30:00' }, { location: 'Yard' }, { attendees: [] }, { sensitivity: 'private' as const }]) {
      expect(editableFingerprint(editableValues({ ...base, ...edit }))).not.toBe(sent);
      expect(sameEditable(editableValues(base), editableValues({ ...base, ...edit }))).toBe(false);
    }
  });

  it('the event pushed carries the appointment id as tandemId', () => {
    expect(eventInputOf(base)).toEqual({
      tandemId: 'a',
      subject: 'Call',
      start: { local: '2026-11-03T09:00:00', timeZone: 'Europe/Berlin' },
      end: { local: '2026-11-03T10:00:00', timeZone: 'Europe/Berlin' },
      allDay: false,
      sensitivity: 'normal',
      attendees: [{ email: 'x@y.example' }],
    });
  });
});

describe('eventColumns', () => {
  it('maps a provider instance to the columns it decides (times in UTC, kind, series slot, free/busy)', () => {
    const cols = eventColumns({
      providerId: 'S#1',
      etag: 'e',
      kind: 'exception',
      seriesMasterId: 'S',
      originalStart: '2026-10-27T08:00:00Z',
      subject: 'Stand-up',
      start: { local: '2026-10-27T11:00:00', timeZone: 'Europe/Berlin' },
      end: { local: '2026-10-27T11:30:00', timeZone: 'Europe/Berlin' },
      allDay: false,
      sensitivity: 'private',
      showAs: 'tentative',
      attendees: [],
      cancelled: true,
    });
    expect(cols).toMatchObject({
      kind: 'exception',
      startAt: new Date('2026-10-27T10:00:00Z'),
      endAt: new Date('2026-10-27T10:30:00Z'),
      originalStart: new Date('2026-10-27T08:00:00Z'),
      sensitivity: 'private',
      showAs: 'tentative',
      cancelled: true,
      recurrenceRule: null,
      exdates: [],
    });
  });
});
