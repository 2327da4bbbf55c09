import { describe, expect, it } from 'vitest';
import { offsetMinutes, toIanaZone, utcToZoned, vtimezoneLines, zonedToUtc } from './time-zones';

describe('time zones', () => {
  it('converts wall-clock time to UTC on both sides of a DST change', () => {
    expect(zonedToUtc('2026-10-24T09:00:00', 'Europe/Berlin').toISOString()).toBe('2026-10-24T07:00:00.000Z');
    expect(zonedToUtc('2026-10-31T09:00:00', 'Europe/Berlin').toISOString()).toBe('2026-10-31T08:00:00.000Z');
    expect(zonedToUtc('2026-11-02T09:00:00', 'America/New_York').toISOString()).toBe('2026-11-02T14:00:00.000Z');
  });

  it('takes the earlier instant in the autumn overlap and skips forward in the spring gap', () => {
    expect(zonedToUtc('2026-10-25T02:30:00', 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedToUtc('2026-03-29T02:30:00', 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('round-trips UTC to wall-clock', () => {
    expect(utcToZoned(new Date('2026-10-31T08:00:00Z'), 'Europe/Berlin')).toBe('2026-10-31T09:00:00');
    expect(offsetMinutes(Date.parse('2026-07-01T00:00:00Z'), 'Europe/Berlin')).toBe(120);
  });

  it.each([
    ['Europe/Berlin', undefined, 'Europe/Berlin'],
    ['W. Europe Standard Time', undefined, 'Europe/Berlin'],
    ['/mozilla.org/20050126_1/America/New_York', undefined, 'America/New_York'],
    ['Custom Zone 1', 'Asia/Tokyo', 'Asia/Tokyo'],
    ['Nowhere', undefined, 'UTC'],
    [undefined, undefined, 'UTC'],
  ])('maps TZID %s to IANA', (tzid, lic, want) => {
    expect(toIanaZone(tzid, lic)).toBe(want);
  });

  it('writes a VTIMEZONE with the real transitions', () => {
    const lines = vtimezoneLines('Europe/Berlin', 2026, 2026);
    expect(lines).toContain('DTSTART:20260329T020000');
    expect(lines).toContain('DTSTART:20261025T030000');
    expect(lines.filter((l) => l === 'BEGIN:DAYLIGHT')).toHaveLength(1);
    expect(vtimezoneLines('UTC', 2026, 2026).filter((l) => l.startsWith('BEGIN:'))).toHaveLength(2);
  });
});
