/**
 * Expands a recurring series into the occurrences inside a window. The rule is applied to the
 * series' wall-clock time in its IANA zone (RFC 5545 §3.3.10: recurrence follows DTSTART's local
 * time), so a weekly 09:00 Europe/Berlin meeting stays at 09:00 local across DST changes; each local
 * start is then turned into a UTC instant. ical.js iterates the rule on floating times; the zone
 * arithmetic is ours (zoned-time.ts), which avoids shipping VTIMEZONE definitions.
 */
import ICAL from 'ical.js';
import { dateToUtcMidnight, localToUtc, utcToLocal, wallMs } from './zoned-time';

export interface SeriesException {
  /** The start the instance had in the pattern: ISO UTC instant, or a date for all-day series. */
  originalStart: string;
  cancelled?: boolean;
  /** Where a moved instance now is (local in `timeZone`, default the series' zone). */
  start?: string;
  end?: string;
  timeZone?: string;
  /** Provider id of the exception, passed through to the occurrence. */
  providerId?: string;
}

export interface Series {
  /** Local start / end of the first instance ("2026-10-20T09:00:00", or dates when all-day; end exclusive). */
  start: string;
  end: string;
  timeZone: string;
  allDay: boolean;
  /** RFC 5545 RRULE without the "RRULE:" prefix. */
  rrule: string;
  /** Excluded starts: ISO UTC instants, or dates for all-day series. */
  exdates?: readonly string[];
  exceptions?: readonly SeriesException[];
}

export interface Occurrence {
  /** The start in the pattern (ISO UTC, or the date for all-day): the instance's stable key. */
  originalStart: string;
  startAt: string;
  endAt: string;
  startLocal: string;
  endLocal: string;
  timeZone: string;
  allDay: boolean;
  /** True when the instance was moved (an exception). */
  moved: boolean;
  providerId?: string;
}

export interface ExpandWindow {
  start: Date;
  end: Date;
}

export class RecurrenceError extends Error {
  override name = 'RecurrenceError';
  readonly code = 'invalid_recurrence';
}

/** Refuses runaway rules (FREQ=SECONDLY without end) instead of spinning; daily since 1900 still fits. */
const MAX_STEPS = 50_000;
const DAY_MS = 86_400_000;

function parseRule(rrule: string): ICAL.Recur {
  const text = rrule.replace(/^RRULE:/i, '').trim();
  if (!/FREQ=/i.test(text)) throw new RecurrenceError(`RRULE has no FREQ: "${rrule}"`);
  try {
    return ICAL.Recur.fromString(text);
  } catch (cause) {
    throw new RecurrenceError(`Cannot parse RRULE "${rrule}"`, { cause });
  }
}

const toIcalTime = (local: string, allDay: boolean): ICAL.Time =>
  allDay ? ICAL.Time.fromDateString(local.slice(0, 10)) : ICAL.Time.fromDateTimeString(local.length === 16 ? `${local}:00` : local.slice(0, 19));

function addWall(local: string, ms: number, allDay: boolean): string {
  const iso = new Date(wallMs(local) + ms).toISOString();
  return allDay ? iso.slice(0, 10) : iso.slice(0, 19);
}

function instant(local: string, zone: string, allDay: boolean): Date {
  return allDay ? dateToUtcMidnight(local) : localToUtc(local, zone);
}

/** Key identifying an instance by its pattern start: the date for all-day, else UTC ms. */
function keyOf(value: string, allDay: boolean): string {
  if (allDay) return value.slice(0, 10);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : String(ms);
}

function makeOccurrence(startLocal: string, endLocal: string, zone: string, allDay: boolean, originalStart: string, moved: boolean): Occurrence {
  return {
    originalStart,
    startAt: instant(startLocal, zone, allDay).toISOString(),
    endAt: instant(endLocal, zone, allDay).toISOString(),
    startLocal,
    endLocal,
    timeZone: zone,
    allDay,
    moved,
  };
}

const overlaps = (o: Occurrence, w: ExpandWindow): boolean => Date.parse(o.startAt) < w.end.getTime() && Date.parse(o.endAt) > w.start.getTime();

/** UNTIL is normally UTC; compare it as the series' wall-clock time, as the floating iterator does. */
function localiseUntil(rule: ICAL.Recur, zone: string, allDay: boolean): void {
  const until = rule.until;
  if (!until || allDay || until.isDate || until.zone?.tzid !== 'UTC') return;
  const local = utcToLocal(new Date(Date.UTC(until.year, until.month - 1, until.day, until.hour, until.minute, until.second)), zone);
  rule.until = ICAL.Time.fromDateTimeString(local);
}

export function expandSeries(series: Series, window: ExpandWindow): Occurrence[] {
  const { timeZone: zone, allDay } = series;
  const rule = parseRule(series.rrule);
  localiseUntil(rule, zone, allDay);
  // Wall-clock length, so a 1-hour meeting stays 1 hour local on DST days.
  const duration = wallMs(series.end) - wallMs(series.start);
  const excluded = new Set((series.exdates ?? []).map((x) => keyOf(x, allDay)));
  const exceptions = new Map((series.exceptions ?? []).map((e) => [keyOf(e.originalStart, allDay), e]));

  const out: Occurrence[] = [];
  const iterator = rule.iterator(toIcalTime(series.start, allDay));
  for (let step = 0; ; step++) {
    if (step === MAX_STEPS) throw new RecurrenceError(`RRULE "${series.rrule}" needs over ${MAX_STEPS} steps to reach the window`);
    const next = iterator.next();
    if (!next) break;
    const startLocal = allDay ? next.toString().slice(0, 10) : next.toString().slice(0, 19);
    // Cheap wall-clock pre-check (UTC offsets are within ±14 h): skip the zone arithmetic for
    // instances that end a day or more before the window.
    if (wallMs(startLocal) + duration + DAY_MS < window.start.getTime()) continue;
    const occ = makeOccurrence(startLocal, addWall(startLocal, duration, allDay), zone, allDay, '', false);
    occ.originalStart = allDay ? startLocal : occ.startAt;
    if (Date.parse(occ.startAt) >= window.end.getTime()) break;
    const key = keyOf(occ.originalStart, allDay);
    if (excluded.has(key) || exceptions.has(key)) continue;
    if (overlaps(occ, window)) out.push(occ);
  }

  // Moved instances count where they are now, even if their pattern slot lies outside the window.
  for (const ex of exceptions.values()) {
    if (ex.cancelled || !ex.start || excluded.has(keyOf(ex.originalStart, allDay))) continue;
    const exZone = ex.timeZone ?? zone;
    const end = ex.end ?? addWall(ex.start, duration, allDay);
    const occ = makeOccurrence(ex.start, end, exZone, allDay, allDay ? ex.originalStart.slice(0, 10) : new Date(ex.originalStart).toISOString(), true);
    if (ex.providerId) occ.providerId = ex.providerId;
    if (overlaps(occ, window)) out.push(occ);
  }
  return out.sort((a, b) => Date.parse(a.startAt) - Date.parse(b.startAt));
}
