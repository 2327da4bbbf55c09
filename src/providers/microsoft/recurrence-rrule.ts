/**
 * Graph patternedRecurrence (recurrencePattern + recurrenceRange docs) → RFC 5545 RRULE.
 * Outlook's "index" of a relative pattern picks one day out of the set of daysOfWeek in the month,
 * which is RRULE's BYDAY + BYSETPOS. An endDate range ends on that local date inclusive; RFC 5545
 * §3.3.10 wants UNTIL in UTC when DTSTART has a zone, so the end of that day is converted.
 */
import type { PatternedRecurrence } from '@microsoft/microsoft-graph-types';
import { localToUtc } from '../../domain/zoned-time';

const dayCodes: Record<string, string> = {
  sunday: 'SU',
  monday: 'MO',
  tuesday: 'TU',
  wednesday: 'WE',
  thursday: 'TH',
  friday: 'FR',
  saturday: 'SA',
};
const setPositions: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

export class UnsupportedRecurrenceError extends Error {
  override name = 'UnsupportedRecurrenceError';
}

function byDay(days: readonly string[] | null | undefined): string {
  const codes = (days ?? []).map((d) => dayCodes[d.toLowerCase()]);
  if (codes.length === 0 || codes.some((c) => c === undefined)) throw new UnsupportedRecurrenceError(`Bad daysOfWeek: ${String(days)}`);
  return `BYDAY=${codes.join(',')}`;
}

function setPos(index: string | null | undefined): string {
  return `BYSETPOS=${setPositions[(index ?? 'first').toLowerCase()] ?? 1}`;
}

function compactUtc(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** `zone` is the series' IANA zone (used for an endDate range); all-day series get a date UNTIL. */
export function recurrenceToRrule(r: PatternedRecurrence, zone: string, allDay: boolean): string {
  const p = r.pattern;
  const range = r.range;
  if (!p?.type || !range?.type) throw new UnsupportedRecurrenceError('Recurrence without pattern or range');
  const parts: string[] = [];
  switch (p.type) {
    case 'daily':
      parts.push('FREQ=DAILY');
      break;
    case 'weekly':
      parts.push('FREQ=WEEKLY', byDay(p.daysOfWeek));
      break;
    case 'absoluteMonthly':
      parts.push('FREQ=MONTHLY', `BYMONTHDAY=${p.dayOfMonth ?? 1}`);
      break;
    case 'relativeMonthly':
      parts.push('FREQ=MONTHLY', byDay(p.daysOfWeek), setPos(p.index));
      break;
    case 'absoluteYearly':
      parts.push('FREQ=YEARLY', `BYMONTH=${p.month ?? 1}`, `BYMONTHDAY=${p.dayOfMonth ?? 1}`);
      break;
    case 'relativeYearly':
      parts.push('FREQ=YEARLY', `BYMONTH=${p.month ?? 1}`, byDay(p.daysOfWeek), setPos(p.index));
      break;
    default:
      throw new UnsupportedRecurrenceError(`Unsupported pattern type ${String(p.type)}`);
  }
  const interval = p.interval ?? 1;
  if (interval > 1) parts.splice(1, 0, `INTERVAL=${interval}`);
  if (p.type === 'weekly' && p.firstDayOfWeek) parts.push(`WKST=${dayCodes[p.firstDayOfWeek.toLowerCase()] ?? 'SU'}`);
  // Older docs spell range types in PascalCase.
  const rangeType = range.type.toLowerCase();
  if (rangeType === 'numbered') parts.push(`COUNT=${range.numberOfOccurrences ?? 1}`);
  else if (rangeType === 'enddate' && range.endDate) {
    parts.push(allDay ? `UNTIL=${range.endDate.replace(/-/g, '')}` : `UNTIL=${compactUtc(localToUtc(`${range.endDate}T23:59:59`, zone))}`);
  }
  return parts.join(';');
}
