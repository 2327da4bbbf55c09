import { describe, expect, it } from 'vitest';
import { occurrenceStarts, parseRecurrence, renderRecurrence, type Recurrence } from './recurrence';
import { formatUtc, parseEwsDateTime } from './timezones';
import { parseXml } from './xml';

const iso = (ms: number[]) => ms.map(formatUtc);
const at = (s: string) => parseEwsDateTime(s) ?? Number.NaN;

describe('occurrence expansion', () => {
  it('keeps local wall-clock time across the DST change', () => {
    // Weekly Monday 10:00 Berlin: 09:00Z in winter, 08:00Z after 28 March 2027.
    const r: Recurrence = { pattern: { type: 'Weekly', interval: 1, days: 'Monday', firstDayOfWeek: 'Sunday' }, range: { type: 'NoEnd', startDate: '2027-03-22' } };
    expect(iso(occurrenceStarts(r, at('2027-03-22T09:00:00Z'), 'Europe/Berlin', at('2027-04-06T00:00:00Z')))).toEqual([
      '2027-03-22T09:00:00Z',
      '2027-03-29T08:00:00Z',
      '2027-04-05T08:00:00Z',
    ]);
  });

  it('handles intervals, numbered ranges, month ends and relative days', () => {
    const biweekly: Recurrence = { pattern: { type: 'Weekly', interval: 2, days: 'Tuesday Thursday', firstDayOfWeek: 'Monday' }, range: { type: 'Numbered', startDate: '2026-11-03', count: 5 } };
    expect(iso(occurrenceStarts(biweekly, at('2026-11-03T09:00:00Z'), 'UTC', Infinity))).toEqual([
      '2026-11-03T09:00:00Z',
      '2026-11-05T09:00:00Z',
      '2026-11-17T09:00:00Z',
      '2026-11-19T09:00:00Z',
      '2026-12-01T09:00:00Z',
    ]);
    const monthEnd: Recurrence = { pattern: { type: 'AbsoluteMonthly', interval: 1, dayOfMonth: 31 }, range: { type: 'EndDate', startDate: '2027-01-31', endDate: '2027-04-30' } };
    expect(iso(occurrenceStarts(monthEnd, at('2027-01-31T12:00:00Z'), 'UTC', Infinity))).toEqual([
      '2027-01-31T12:00:00Z',
      '2027-02-28T12:00:00Z',
      '2027-03-31T12:00:00Z',
      '2027-04-30T12:00:00Z',
    ]);
    const lastFriday: Recurrence = { pattern: { type: 'RelativeMonthly', interval: 1, days: 'Friday', index: 'Last' }, range: { type: 'Numbered', startDate: '2026-11-01', count: 2 } };
    expect(iso(occurrenceStarts(lastFriday, at('2026-11-27T15:00:00Z'), 'UTC', Infinity))).toEqual(['2026-11-27T15:00:00Z', '2026-12-25T15:00:00Z']);
    const daily: Recurrence = { pattern: { type: 'Daily', interval: 3 }, range: { type: 'NoEnd', startDate: '2026-11-01' } };
    expect(occurrenceStarts(daily, at('2026-11-01T08:00:00Z'), 'UTC', at('2026-11-10T00:00:00Z'))).toHaveLength(3);
  });

  it('parses the XML EWS clients send and renders it back', () => {
    const doc = parseXml(
      '<t:Recurrence xmlns:t="urn:t"><t:RelativeYearlyRecurrence><t:DaysOfWeek>Weekday</t:DaysOfWeek><t:DayOfWeekIndex>First</t:DayOfWeekIndex><t:Month>March</t:Month></t:RelativeYearlyRecurrence><t:NumberedRecurrence><t:StartDate>2027-01-01+01:00</t:StartDate><t:NumberOfOccurrences>2</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>',
    );
    if (!doc) throw new Error('parse failed');
    const r = parseRecurrence(doc);
    expect(r).toEqual({ pattern: { type: 'RelativeYearly', days: 'Weekday', index: 'First', month: 3 }, range: { type: 'Numbered', startDate: '2027-01-01', count: 2 } });
    // The first weekday of March: Monday 1 March 2027, Wednesday 1 March 2028.
    expect(iso(occurrenceStarts(r, at('2027-03-01T09:00:00Z'), 'UTC', Infinity))).toEqual(['2027-03-01T09:00:00Z', '2028-03-01T09:00:00Z']);
    expect(renderRecurrence(r)).toContain('<t:RelativeYearlyRecurrence><t:DaysOfWeek>Weekday</t:DaysOfWeek><t:DayOfWeekIndex>First</t:DayOfWeekIndex><t:Month>March</t:Month>');
  });

  it('refuses incomplete or invalid patterns', () => {
    const missingRange = parseXml('<Recurrence><DailyRecurrence><Interval>1</Interval></DailyRecurrence></Recurrence>');
    const badInterval = parseXml('<Recurrence><DailyRecurrence><Interval>0</Interval></DailyRecurrence><NoEndRecurrence><StartDate>2026-11-01</StartDate></NoEndRecurrence></Recurrence>');
    if (!missingRange || !badInterval) throw new Error('parse failed');
    expect(() => parseRecurrence(missingRange)).toThrow(/one pattern and one range/);
    expect(() => parseRecurrence(badInterval)).toThrow(/Interval/);
  });
});

describe('EWS date-times', () => {
  it('reads offsets, Z, and local times in a zone', () => {
    expect(formatUtc(at('2026-11-03T10:00:00.000+01:00'))).toBe('2026-11-03T09:00:00Z');
    expect(formatUtc(parseEwsDateTime('2026-07-03T10:00:00', 'Europe/Berlin') ?? 0)).toBe('2026-07-03T08:00:00Z');
    expect(parseEwsDateTime('yesterday')).toBeNull();
  });
});
