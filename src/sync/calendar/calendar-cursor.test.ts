import { describe, expect, it } from 'vitest';
import { decodeCalendarCursor, encodeCalendarCursor, resumeFrom, type CalendarCursor } from './calendar-cursor';

const window = { start: new Date('2026-10-23T00:00:00Z'), end: new Date('2027-01-02T00:00:00Z') };
const moved = { start: new Date('2026-10-24T00:00:00Z'), end: new Date('2027-01-03T00:00:00Z') };

describe('calendar cursor', () => {
  it('round-trips', () => {
    const c: CalendarCursor = { window, round: 'delta', cursor: 'https://graph/delta?token=x' };
    expect(decodeCalendarCursor(encodeCalendarCursor(c))).toEqual(c);
  });

  it.each([null, 'not json', '{"v":2}', JSON.stringify({ v: 1, window: ['x', 'y'], round: 'delta', cursor: 'c' })])('unreadable %s → no cursor', (raw) => {
    expect(decodeCalendarCursor(raw)).toBeNull();
  });

  const cases: { name: string; stored: CalendarCursor | null; fullResync?: boolean; want: string | null }[] = [
    { name: 'no cursor → full sync', stored: null, want: null },
    { name: 'delta cursor of this window → continue', stored: { window, round: 'delta', cursor: 'c' }, want: 'c' },
    { name: 'fullResync (cursor expired) → full sync', stored: { window, round: 'delta', cursor: 'c' }, fullResync: true, want: null },
    { name: 'window moved (a new day) → full sync', stored: { window: moved, round: 'delta', cursor: 'c' }, want: null },
    { name: 'full sync interrupted between pages → start it over', stored: { window, round: 'full', cursor: 'c' }, want: null },
  ];
  for (const c of cases) {
    it(c.name, () => expect(resumeFrom(c.stored, window, c.fullResync ?? false)).toBe(c.want));
  }
});
