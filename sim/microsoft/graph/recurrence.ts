/**
 * Expands Graph patternedRecurrence (recurrencePattern + recurrenceRange docs) into the original
 * starts of its occurrences. Dates are walked in the event's own zone so an occurrence keeps its
 * wall-clock time across DST changes, as Outlook does.
 */
import type { PatternedRecurrence } from '@microsoft/microsoft-graph-types';
import { badRequest } from '../http';

const dayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const indexNames = ['first', 'second', 'third', 'fourth', 'last'];
const patternTypes = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
const rangeTypes = ['endDate', 'noEnd', 'numbered'];
const dayMs = 86_400_000;
/** Series are walked at most this far (Outlook caps series too; keeps a noEnd series finite). */
const maxDays = 366 * 30;

function parseDate(value: unknown, field: string): number {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!m) throw badRequest(`Invalid ${field}.`, 'ErrorInvalidRequest');
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Rejects patterns Graph would reject; normalises the range type spelling. */
export function validateRecurrence(r: PatternedRecurrence): PatternedRecurrence {
  const p = r.pattern;
  const range = r.range;
  if (!p || !range) throw badRequest('Recurrence needs a pattern and a range.', 'ErrorInvalidRequest');
  if (!p.type || !patternTypes.includes(p.type)) throw badRequest(`Unsupported recurrence pattern type '${String(p.type)}'.`, 'ErrorInvalidRequest');
  const interval = p.interval ?? 1;
  if (!Number.isInteger(interval) || interval < 1) throw badRequest('Recurrence interval must be a positive integer.', 'ErrorInvalidRequest');
  if ((p.type === 'weekly' || p.type.startsWith('relative')) && (!p.daysOfWeek || p.daysOfWeek.length === 0)) {
    throw badRequest('daysOfWeek is required for this pattern.', 'ErrorInvalidRequest');
  }
  if (p.daysOfWeek?.some((d) => !dayNames.includes(d))) throw badRequest('Invalid daysOfWeek.', 'ErrorInvalidRequest');
  if (p.type.startsWith('absolute') && !(p.dayOfMonth && p.dayOfMonth >= 1 && p.dayOfMonth <= 31)) throw badRequest('dayOfMonth is required.', 'ErrorInvalidRequest');
  if (p.type.endsWith('Yearly') && !(p.month && p.month >= 1 && p.month <= 12)) throw badRequest('month is required.', 'ErrorInvalidRequest');
  // Older docs spell range types in PascalCase; accept both.
  const rangeType = range.type ? range.type.charAt(0).toLowerCase() + range.type.slice(1) : '';
  if (!rangeTypes.includes(rangeType)) throw badRequest(`Unsupported recurrence range type '${String(range.type)}'.`, 'ErrorInvalidRequest');
  parseDate(range.startDate, 'range startDate');
  if (rangeType === 'endDate') parseDate(range.endDate, 'range endDate');
  if (rangeType === 'numbered' && !(range.numberOfOccurrences && range.numberOfOccurrences > 0)) {
    throw badRequest('numberOfOccurrences must be positive.', 'ErrorInvalidRequest');
  }
  return { pattern: { ...p, interval, firstDayOfWeek: p.firstDayOfWeek ?? 'sunday', index: p.index ?? 'first' }, range: { ...range, type: rangeType as 'endDate' } };
}

function monthsBetween(a: Date, b: Date): number {
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
}

function matchesIndex(d: Date, index: string): boolean {
  const day = d.getUTCDate();
  if (index === 'last') return day + 7 > new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return Math.floor((day - 1) / 7) === indexNames.indexOf(index);
}

function matches(r: PatternedRecurrence, start: Date, d: Date): boolean {
  const p = r.pattern ?? {};
  const interval = p.interval ?? 1;
  const weekday = dayNames[d.getUTCDay()] ?? '';
  switch (p.type) {
    case 'daily':
      return Math.round((d.getTime() - start.getTime()) / dayMs) % interval === 0;
    case 'weekly': {
      const first = dayNames.indexOf(p.firstDayOfWeek ?? 'sunday');
      const weekStart = (x: Date) => x.getTime() - (((x.getUTCDay() - first + 7) % 7) * dayMs);
      const weeks = Math.round((weekStart(d) - weekStart(start)) / (7 * dayMs));
      return weeks % interval === 0 && (p.daysOfWeek ?? []).includes(weekday as 'monday');
    }
    case 'absoluteMonthly':
      return monthsBetween(start, d) % interval === 0 && d.getUTCDate() === p.dayOfMonth;
    case 'relativeMonthly':
      return monthsBetween(start, d) % interval === 0 && (p.daysOfWeek ?? []).includes(weekday as 'monday') && matchesIndex(d, p.index ?? 'first');
    case 'absoluteYearly':
      return (d.getUTCFullYear() - start.getUTCFullYear()) % interval === 0 && d.getUTCMonth() + 1 === p.month && d.getUTCDate() === p.dayOfMonth;
    case 'relativeYearly':
      return (
        (d.getUTCFullYear() - start.getUTCFullYear()) % interval === 0 &&
        d.getUTCMonth() + 1 === p.month &&
        (p.daysOfWeek ?? []).includes(weekday as 'monday') &&
        matchesIndex(d, p.index ?? 'first')
      );
    default:
      return false;
  }
}

/**
 * Local dates (as UTC-midnight ms) of the series' occurrences, in order, stopping once a date passes
 * `untilDateMs`. Numbered ranges count every pattern occurrence, cancelled ones included.
 */
export function occurrenceDates(r: PatternedRecurrence, untilDateMs: number): number[] {
  const range = r.range ?? {};
  const startMs = parseDate(range.startDate, 'range startDate');
  const start = new Date(startMs);
  const endMs = range.type === 'endDate' ? parseDate(range.endDate, 'range endDate') : Number.POSITIVE_INFINITY;
  const limit = range.type === 'numbered' ? (range.numberOfOccurrences ?? 0) : Number.POSITIVE_INFINITY;
  const out: number[] = [];
  let count = 0;
  for (let i = 0; i < maxDays; i++) {
    const t = startMs + i * dayMs;
    if (t > endMs || t > untilDateMs || count >= limit) break;
    if (matches(r, start, new Date(t))) {
      out.push(t);
      count++;
    }
  }
  return out;
}
