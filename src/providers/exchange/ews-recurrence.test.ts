import { describe, expect, it } from 'vitest';
import { parseXml, type XNode } from './ews-xml';
import { recurrenceToRrule, UnsupportedRecurrenceError } from './ews-recurrence';

function recurrence(inner: string): XNode {
  const doc = parseXml(`<t:Recurrence xmlns:t="urn:t">${inner}</t:Recurrence>`);
  if (!doc) throw new Error('bad xml');
  return doc;
}

const numbered = '<t:NumberedRecurrence><t:StartDate>2026-10-15</t:StartDate><t:NumberOfOccurrences>4</t:NumberOfOccurrences></t:NumberedRecurrence>';
const noEnd = '<t:NoEndRecurrence><t:StartDate>2026-10-15</t:StartDate></t:NoEndRecurrence>';

describe('recurrenceToRrule', () => {
  const cases: [string, string, string][] = [
    ['daily every 2 days', `<t:DailyRecurrence><t:Interval>2</t:Interval></t:DailyRecurrence>${noEnd}`, 'FREQ=DAILY;INTERVAL=2'],
    [
      'weekly on Thursday, 4 times',
      `<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Thursday</t:DaysOfWeek><t:FirstDayOfWeek>Monday</t:FirstDayOfWeek></t:WeeklyRecurrence>${numbered}`,
      'FREQ=WEEKLY;BYDAY=TH;COUNT=4',
    ],
    [
      'every other week, two days, Sunday week start',
      `<t:WeeklyRecurrence><t:Interval>2</t:Interval><t:DaysOfWeek>Monday Wednesday</t:DaysOfWeek><t:FirstDayOfWeek>Sunday</t:FirstDayOfWeek></t:WeeklyRecurrence>${noEnd}`,
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU',
    ],
    ['monthly on the 15th', `<t:AbsoluteMonthlyRecurrence><t:Interval>1</t:Interval><t:DayOfMonth>15</t:DayOfMonth></t:AbsoluteMonthlyRecurrence>${noEnd}`, 'FREQ=MONTHLY;BYMONTHDAY=15'],
    [
      'last weekday of every 3rd month',
      `<t:RelativeMonthlyRecurrence><t:Interval>3</t:Interval><t:DaysOfWeek>Weekday</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>${noEnd}`,
      'FREQ=MONTHLY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    ],
    ['yearly on 3 March', `<t:AbsoluteYearlyRecurrence><t:DayOfMonth>3</t:DayOfMonth><t:Month>March</t:Month></t:AbsoluteYearlyRecurrence>${noEnd}`, 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3'],
    [
      'second Tuesday of November',
      `<t:RelativeYearlyRecurrence><t:DaysOfWeek>Tuesday</t:DaysOfWeek><t:DayOfWeekIndex>Second</t:DayOfWeekIndex><t:Month>November</t:Month></t:RelativeYearlyRecurrence>${noEnd}`,
      'FREQ=YEARLY;BYMONTH=11;BYDAY=TU;BYSETPOS=2',
    ],
    [
      'ends on a local date: UNTIL is the end of that day in the zone, in UTC',
      `<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:EndDateRecurrence><t:StartDate>2026-10-15</t:StartDate><t:EndDate>2026-11-05+01:00</t:EndDate></t:EndDateRecurrence>`,
      'FREQ=DAILY;UNTIL=20261105T225959Z',
    ],
  ];
  it.each(cases)('%s', (_name, xml, rrule) => {
    expect(recurrenceToRrule(recurrence(xml), 'Europe/Berlin', false)).toBe(rrule);
  });

  it('an all-day series ends on a date', () => {
    const xml = `<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence><t:EndDateRecurrence><t:StartDate>2026-10-15</t:StartDate><t:EndDate>2026-11-05</t:EndDate></t:EndDateRecurrence>`;
    expect(recurrenceToRrule(recurrence(xml), 'Europe/Berlin', true)).toBe('FREQ=DAILY;UNTIL=20261105');
  });

  it('refuses what it cannot express', () => {
    expect(() => recurrenceToRrule(recurrence(noEnd), 'UTC', false)).toThrow(UnsupportedRecurrenceError);
    expect(() => recurrenceToRrule(recurrence(`<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Someday</t:DaysOfWeek></t:WeeklyRecurrence>${noEnd}`), 'UTC', false)).toThrow(
      UnsupportedRecurrenceError,
    );
  });
});
