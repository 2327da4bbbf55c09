import type { PatternedRecurrence } from '@microsoft/microsoft-graph-types';
import { describe, expect, it } from 'vitest';
import { recurrenceToRrule, UnsupportedRecurrenceError } from './recurrence-rrule';

const range = { type: 'noEnd', startDate: '2026-10-15' } as const;

describe('recurrenceToRrule', () => {
  it.each<[string, PatternedRecurrence, string]>([
    ['daily every 2 days', { pattern: { type: 'daily', interval: 2 }, range }, 'FREQ=DAILY;INTERVAL=2'],
    ['weekly Mon+Thu, weeks from Monday', { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'thursday'], firstDayOfWeek: 'monday' }, range }, 'FREQ=WEEKLY;BYDAY=MO,TH;WKST=MO'],
    ['monthly on the 15th', { pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 }, range }, 'FREQ=MONTHLY;BYMONTHDAY=15'],
    ['last Friday every 3 months', { pattern: { type: 'relativeMonthly', interval: 3, daysOfWeek: ['friday'], index: 'last' }, range }, 'FREQ=MONTHLY;INTERVAL=3;BYDAY=FR;BYSETPOS=-1'],
    ['yearly 4 July', { pattern: { type: 'absoluteYearly', interval: 1, dayOfMonth: 4, month: 7 }, range }, 'FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4'],
    ['second Tuesday of March', { pattern: { type: 'relativeYearly', interval: 1, daysOfWeek: ['tuesday'], month: 3, index: 'second' }, range }, 'FREQ=YEARLY;BYMONTH=3;BYDAY=TU;BYSETPOS=2'],
    ['numbered range', { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2026-10-15', numberOfOccurrences: 4 } }, 'FREQ=DAILY;COUNT=4'],
  ])('%s', (_name, r, rrule) => {
    expect(recurrenceToRrule(r, 'Europe/Berlin', false)).toBe(rrule);
  });

  it('ends an endDate range at the end of that local day, in UTC', () => {
    const r: PatternedRecurrence = { pattern: { type: 'daily', interval: 1 }, range: { type: 'endDate', startDate: '2026-10-15', endDate: '2026-11-05' } };
    // 23:59:59 in Berlin (CET, UTC+1 after the DST change) is 22:59:59Z.
    expect(recurrenceToRrule(r, 'Europe/Berlin', false)).toBe('FREQ=DAILY;UNTIL=20261105T225959Z');
    expect(recurrenceToRrule(r, 'Europe/Berlin', true)).toBe('FREQ=DAILY;UNTIL=20261105');
  });

  it('refuses patterns it cannot express', () => {
    expect(() => recurrenceToRrule({ pattern: { type: 'weekly', daysOfWeek: [] }, range }, 'UTC', false)).toThrow(UnsupportedRecurrenceError);
    expect(() => recurrenceToRrule({ pattern: {}, range }, 'UTC', false)).toThrow(UnsupportedRecurrenceError);
  });
});
