/**
 * EWS RecurrenceType (one pattern + one range, types.xsd) → RFC 5545 RRULE.
 * - DaysOfWeek may name the sets Day / Weekday / WeekendDay; a relative pattern's DayOfWeekIndex picks
 *   the n-th (or Last) of the matching days in the month, which is BYDAY + BYSETPOS.
 * - An EndDateRecurrence ends on that local date inclusive; RFC 5545 §3.3.10 wants UNTIL in UTC when
 *   DTSTART has a zone, so the end of that day in the series' zone is converted (a date for all-day).
 */
import { localToUtc } from '../../domain/zoned-time';
import { children, textOf, type XNode } from './ews-xml';

const dayCodes: Record<string, string[]> = {
  Sunday: ['SU'],
  Monday: ['MO'],
  Tuesday: ['TU'],
  Wednesday: ['WE'],
  Thursday: ['TH'],
  Friday: ['FR'],
  Saturday: ['SA'],
  Day: ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'],
  Weekday: ['MO', 'TU', 'WE', 'TH', 'FR'],
  WeekendDay: ['SU', 'SA'],
};
const setPositions: Record<string, number> = { First: 1, Second: 2, Third: 3, Fourth: 4, Last: -1 };
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export class UnsupportedRecurrenceError extends Error {
  override name = 'UnsupportedRecurrenceError';
}

function byDay(node: XNode): string {
  const names = (textOf(node, 'DaysOfWeek') ?? '').split(/\s+/).filter(Boolean);
  const codes = names.flatMap((n) => dayCodes[n] ?? []);
  if (names.length === 0 || codes.length === 0 || names.some((n) => !dayCodes[n])) throw new UnsupportedRecurrenceError(`Bad DaysOfWeek "${names.join(' ')}"`);
  return `BYDAY=${[...new Set(codes)].join(',')}`;
}

function positiveInt(node: XNode, name: string): number {
  const n = Number(textOf(node, name));
  if (!Number.isInteger(n) || n < 1) throw new UnsupportedRecurrenceError(`Bad ${name}`);
  return n;
}

function setPos(node: XNode): string {
  const pos = setPositions[textOf(node, 'DayOfWeekIndex') ?? ''];
  if (pos === undefined) throw new UnsupportedRecurrenceError('Bad DayOfWeekIndex');
  return `BYSETPOS=${pos}`;
}

function month(node: XNode): string {
  const i = months.indexOf(textOf(node, 'Month') ?? '');
  if (i < 0) throw new UnsupportedRecurrenceError('Bad Month');
  return `BYMONTH=${i + 1}`;
}

function patternParts(p: XNode): string[] {
  const interval = (): string[] => {
    const n = positiveInt(p, 'Interval');
    return n > 1 ? [`INTERVAL=${n}`] : [];
  };
  switch (p.name) {
    case 'DailyRecurrence':
      return ['FREQ=DAILY', ...interval()];
    case 'WeeklyRecurrence': {
      const wkst = dayCodes[textOf(p, 'FirstDayOfWeek') ?? '']?.[0];
      return ['FREQ=WEEKLY', ...interval(), byDay(p), ...(wkst && wkst !== 'MO' ? [`WKST=${wkst}`] : [])];
    }
    case 'AbsoluteMonthlyRecurrence':
      return ['FREQ=MONTHLY', ...interval(), `BYMONTHDAY=${positiveInt(p, 'DayOfMonth')}`];
    case 'RelativeMonthlyRecurrence':
      return ['FREQ=MONTHLY', ...interval(), byDay(p), setPos(p)];
    case 'AbsoluteYearlyRecurrence':
      return ['FREQ=YEARLY', month(p), `BYMONTHDAY=${positiveInt(p, 'DayOfMonth')}`];
    case 'RelativeYearlyRecurrence':
      return ['FREQ=YEARLY', month(p), byDay(p), setPos(p)];
    default:
      throw new UnsupportedRecurrenceError(`Unsupported pattern ${p.name}`);
  }
}

function compactUtc(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** `zone` is the series' IANA zone; all-day series get a date UNTIL. */
export function recurrenceToRrule(recurrence: XNode, zone: string, allDay: boolean): string {
  const parts = children(recurrence);
  const pattern = parts.find((c) => c.name.endsWith('Recurrence') && !['NoEndRecurrence', 'EndDateRecurrence', 'NumberedRecurrence'].includes(c.name));
  if (!pattern) throw new UnsupportedRecurrenceError('Recurrence without a pattern');
  const out = patternParts(pattern);
  const numbered = parts.find((c) => c.name === 'NumberedRecurrence');
  const endDated = parts.find((c) => c.name === 'EndDateRecurrence');
  if (numbered) out.push(`COUNT=${positiveInt(numbered, 'NumberOfOccurrences')}`);
  else if (endDated) {
    // "2026-12-31" or with a zone suffix ("2026-12-31Z", "2026-12-31+01:00"): the local date is what counts.
    const date = /^\d{4}-\d{2}-\d{2}/.exec(textOf(endDated, 'EndDate') ?? '')?.[0];
    if (!date) throw new UnsupportedRecurrenceError('Bad EndDate');
    out.push(allDay ? `UNTIL=${date.replace(/-/g, '')}` : `UNTIL=${compactUtc(localToUtc(`${date}T23:59:59`, zone))}`);
  }
  return out.join(';');
}
