/**
 * EWS recurrence: one pattern plus one range (types.xsd RecurrenceType), parsed from and rendered to
 * XML, and expanded to occurrence starts on the series' local wall-clock time (Exchange keeps a
 * weekly 10:00 meeting at 10:00 local across DST).
 */
import { el, textOf, tx, type XNode } from './xml';
import { fromLocal, toLocal } from './timezones';

export const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export type DayName = (typeof dayNames)[number];
const monthNames = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;
const indexNames = ['First', 'Second', 'Third', 'Fourth', 'Last'] as const;
type IndexName = (typeof indexNames)[number];

export type Pattern =
  | { type: 'Daily'; interval: number }
  | { type: 'Weekly'; interval: number; days: string; firstDayOfWeek: DayName }
  | { type: 'AbsoluteMonthly'; interval: number; dayOfMonth: number }
  | { type: 'RelativeMonthly'; interval: number; days: string; index: IndexName }
  | { type: 'AbsoluteYearly'; dayOfMonth: number; month: number }
  | { type: 'RelativeYearly'; days: string; index: IndexName; month: number };

export type Range =
  | { type: 'NoEnd'; startDate: string }
  | { type: 'EndDate'; startDate: string; endDate: string }
  | { type: 'Numbered'; startDate: string; count: number };

export interface Recurrence {
  pattern: Pattern;
  range: Range;
}

export class RecurrenceError extends Error {}

function int(node: XNode, name: string, min: number, max: number): number {
  const raw = textOf(node, name);
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < min || n > max) throw new RecurrenceError(`${name} must be ${min}..${max}`);
  return n;
}

function days(node: XNode): string {
  const value = textOf(node, 'DaysOfWeek') ?? '';
  const list = value.split(/\s+/).filter(Boolean);
  const allowed = new Set<string>([...dayNames, 'Day', 'Weekday', 'WeekendDay']);
  if (list.length === 0 || list.some((d) => !allowed.has(d))) throw new RecurrenceError('bad DaysOfWeek');
  return list.join(' ');
}

function index(node: XNode): IndexName {
  const v = textOf(node, 'DayOfWeekIndex');
  const found = indexNames.find((n) => n === v);
  if (!found) throw new RecurrenceError('bad DayOfWeekIndex');
  return found;
}

function month(node: XNode): number {
  const i = monthNames.findIndex((m) => m === textOf(node, 'Month'));
  if (i < 0) throw new RecurrenceError('bad Month');
  return i + 1;
}

/** "2026-11-03", "2026-11-03Z" and "2026-11-03+01:00" all name the local date 2026-11-03. */
function date(node: XNode, name: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(textOf(node, name) ?? '');
  if (!m?.[1]) throw new RecurrenceError(`bad ${name}`);
  return m[1];
}

export function parseRecurrence(node: XNode): Recurrence {
  let pattern: Pattern | undefined;
  let range: Range | undefined;
  for (const c of node.children) {
    switch (c.name) {
      case 'DailyRecurrence':
        pattern = { type: 'Daily', interval: int(c, 'Interval', 1, 999) };
        break;
      case 'WeeklyRecurrence': {
        const first = textOf(c, 'FirstDayOfWeek');
        pattern = {
          type: 'Weekly',
          interval: int(c, 'Interval', 1, 99),
          days: days(c),
          firstDayOfWeek: dayNames.find((d) => d === first) ?? 'Sunday',
        };
        break;
      }
      case 'AbsoluteMonthlyRecurrence':
        pattern = { type: 'AbsoluteMonthly', interval: int(c, 'Interval', 1, 99), dayOfMonth: int(c, 'DayOfMonth', 1, 31) };
        break;
      case 'RelativeMonthlyRecurrence':
        pattern = { type: 'RelativeMonthly', interval: int(c, 'Interval', 1, 99), days: days(c), index: index(c) };
        break;
      case 'AbsoluteYearlyRecurrence':
        pattern = { type: 'AbsoluteYearly', dayOfMonth: int(c, 'DayOfMonth', 1, 31), month: month(c) };
        break;
      case 'RelativeYearlyRecurrence':
        pattern = { type: 'RelativeYearly', days: days(c), index: index(c), month: month(c) };
        break;
      case 'NoEndRecurrence':
        range = { type: 'NoEnd', startDate: date(c, 'StartDate') };
        break;
      case 'EndDateRecurrence':
        range = { type: 'EndDate', startDate: date(c, 'StartDate'), endDate: date(c, 'EndDate') };
        break;
      case 'NumberedRecurrence':
        range = { type: 'Numbered', startDate: date(c, 'StartDate'), count: int(c, 'NumberOfOccurrences', 1, 999) };
        break;
      default:
        break;
    }
  }
  if (!pattern || !range) throw new RecurrenceError('a recurrence needs one pattern and one range');
  return { pattern, range };
}

export function renderRecurrence(r: Recurrence): string {
  const p = r.pattern;
  let pattern: string;
  switch (p.type) {
    case 'Daily':
      pattern = el('t:DailyRecurrence', null, tx('t:Interval', p.interval));
      break;
    case 'Weekly':
      pattern = el('t:WeeklyRecurrence', null, tx('t:Interval', p.interval), tx('t:DaysOfWeek', p.days), tx('t:FirstDayOfWeek', p.firstDayOfWeek));
      break;
    case 'AbsoluteMonthly':
      pattern = el('t:AbsoluteMonthlyRecurrence', null, tx('t:Interval', p.interval), tx('t:DayOfMonth', p.dayOfMonth));
      break;
    case 'RelativeMonthly':
      pattern = el('t:RelativeMonthlyRecurrence', null, tx('t:Interval', p.interval), tx('t:DaysOfWeek', p.days), tx('t:DayOfWeekIndex', p.index));
      break;
    case 'AbsoluteYearly':
      pattern = el('t:AbsoluteYearlyRecurrence', null, tx('t:DayOfMonth', p.dayOfMonth), tx('t:Month', monthNames[p.month - 1]));
      break;
    case 'RelativeYearly':
      pattern = el('t:RelativeYearlyRecurrence', null, tx('t:DaysOfWeek', p.days), tx('t:DayOfWeekIndex', p.index), tx('t:Month', monthNames[p.month - 1]));
      break;
  }
  const g = r.range;
  const range =
    g.type === 'NoEnd'
      ? el('t:NoEndRecurrence', null, tx('t:StartDate', g.startDate))
      : g.type === 'EndDate'
        ? el('t:EndDateRecurrence', null, tx('t:StartDate', g.startDate), tx('t:EndDate', g.endDate))
        : el('t:NumberedRecurrence', null, tx('t:StartDate', g.startDate), tx('t:NumberOfOccurrences', g.count));
  return el('t:Recurrence', null, pattern, range);
}

// ---------------------------------------------------------------- expansion

const DAY_MS = 86_400_000;

function dayNumber(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return Math.floor(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / DAY_MS);
}

function dayMatches(spec: string, weekday: number): boolean {
  return spec.split(' ').some((d) => d === 'Day' || (d === 'Weekday' ? weekday >= 1 && weekday <= 5 : d === 'WeekendDay' ? weekday === 0 || weekday === 6 : dayNames[weekday] === d));
}

/** Is `dn` the index-th day in its month matching `spec` (Last = the final match)? */
function relativeMatch(dn: number, spec: string, idx: IndexName): boolean {
  const date = new Date(dn * DAY_MS);
  if (!dayMatches(spec, date.getUTCDay())) return false;
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const matches: number[] = [];
  const first = Math.floor(Date.UTC(y, m, 1) / DAY_MS);
  const last = Math.floor(Date.UTC(y, m + 1, 0) / DAY_MS);
  for (let d = first; d <= last; d++) if (dayMatches(spec, new Date(d * DAY_MS).getUTCDay())) matches.push(d);
  const wanted = idx === 'Last' ? matches[matches.length - 1] : matches[indexNames.indexOf(idx)];
  return wanted === dn;
}

function patternMatches(p: Pattern, dn: number, startDn: number): boolean {
  const date = new Date(dn * DAY_MS);
  const start = new Date(startDn * DAY_MS);
  const monthsSince = (date.getUTCFullYear() - start.getUTCFullYear()) * 12 + date.getUTCMonth() - start.getUTCMonth();
  const dom = date.getUTCDate();
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  switch (p.type) {
    case 'Daily':
      return (dn - startDn) % p.interval === 0;
    case 'Weekly': {
      const fdw = dayNames.indexOf(p.firstDayOfWeek);
      const weekStart = (d: number) => d - ((new Date(d * DAY_MS).getUTCDay() - fdw + 7) % 7);
      const weeks = Math.round((weekStart(dn) - weekStart(startDn)) / 7);
      return weeks % p.interval === 0 && dayMatches(p.days, date.getUTCDay());
    }
    case 'AbsoluteMonthly':
      // A day-of-month past the month's end falls on its last day, as Outlook schedules it.
      return monthsSince % p.interval === 0 && dom === Math.min(p.dayOfMonth, daysInMonth);
    case 'RelativeMonthly':
      return monthsSince % p.interval === 0 && relativeMatch(dn, p.days, p.index);
    case 'AbsoluteYearly':
      return date.getUTCMonth() + 1 === p.month && dom === Math.min(p.dayOfMonth, daysInMonth);
    case 'RelativeYearly':
      return date.getUTCMonth() + 1 === p.month && relativeMatch(dn, p.days, p.index);
  }
}

/**
 * Original starts (UTC ms) of the series' occurrences that begin before `untilMs`, in order.
 * The time of day is the master's start in its zone; occurrences before the master's own start
 * date are not part of the series.
 */
export function occurrenceStarts(r: Recurrence, masterStartMs: number, zone: string, untilMs: number, maxCount = 5000): number[] {
  const local = toLocal(masterStartMs, zone);
  const startDn = dayNumber(r.range.startDate);
  const endDn = r.range.type === 'EndDate' ? dayNumber(r.range.endDate) : Number.POSITIVE_INFINITY;
  const limit = r.range.type === 'Numbered' ? r.range.count : maxCount;
  const out: number[] = [];
  // Fifty years of days bounds a NoEnd series that never matches (e.g. 31 February).
  for (let dn = startDn; dn <= endDn && dn < startDn + 366 * 50 && out.length < limit; dn++) {
    if (!patternMatches(r.pattern, dn, startDn)) continue;
    const d = new Date(dn * DAY_MS);
    const at = fromLocal({ ...local, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, zone);
    if (at >= untilMs) break;
    out.push(at);
  }
  return out;
}

export function hasEnd(r: Recurrence): boolean {
  return r.range.type !== 'NoEnd';
}
