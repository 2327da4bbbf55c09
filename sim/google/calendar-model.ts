/**
 * Calendar v3 event semantics the simulator needs: reading request bodies (zod), event times in IANA
 * zones, recurrence lines (RRULE / EXDATE) and instance expansion. Expansion uses the domain's
 * DST-correct expander (RFC 5545 wall-clock rules, as Google applies them).
 */
import type { calendar_v3 } from '@googleapis/calendar';
import { z } from 'zod';
import { expandSeries, RecurrenceError } from '../../src/domain/recurrence';
import { localToUtc, utcToLocal, zoneOffsetMs } from '../../src/domain/zoned-time';
import { isIanaZone } from '../common/zones';
import { badRequest } from './http-kit';

const nullishString = z.string().nullish();

const eventDateTime = z.looseObject({ date: nullishString, dateTime: nullishString, timeZone: nullishString });

/** The fields the simulator interprets are checked; everything else is kept as sent. */
export const eventBody = z.looseObject({
  id: nullishString,
  summary: nullishString,
  description: nullishString,
  location: nullishString,
  status: z.enum(['confirmed', 'tentative', 'cancelled']).nullish(),
  visibility: z.enum(['default', 'public', 'private', 'confidential']).nullish(),
  transparency: z.enum(['opaque', 'transparent']).nullish(),
  start: eventDateTime.nullish(),
  end: eventDateTime.nullish(),
  recurrence: z.array(z.string()).nullish(),
  extendedProperties: z.looseObject({ private: z.record(z.string(), z.string()).nullish(), shared: z.record(z.string(), z.string()).nullish() }).nullish(),
  attendees: z.array(z.looseObject({ email: nullishString, displayName: nullishString, responseStatus: nullishString, optional: z.boolean().nullish() })).nullish(),
});

export function parseEventBody(value: unknown): calendar_v3.Schema$Event {
  const parsed = eventBody.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`Invalid value for ${issue?.path.join('.') ?? 'event'}: ${issue?.message ?? 'invalid'}`, 'invalid');
  }
  // zod checked every field we read; the loose remainder is stored as Google would store it.
  return parsed.data as calendar_v3.Schema$Event;
}

/** Calendar takes IANA zone names only. */
export const isValidZone = isIanaZone;

export interface ResolvedTime {
  allDay: boolean;
  /** Local wall clock ("2026-11-03T09:00:00") or date ("2026-11-03"). */
  local: string;
  timeZone: string;
  /** The instant (all-day: local midnight in the zone). */
  ms: number;
}

const offsetPattern = /(Z|[+-]\d{2}:?\d{2})$/i;

export function resolveTime(dt: calendar_v3.Schema$EventDateTime | undefined, calendarZone: string, which: 'start' | 'end'): ResolvedTime {
  if (!dt || (!dt.date && !dt.dateTime)) throw badRequest(`Missing ${which} time.`, 'required');
  const zone = dt.timeZone ?? calendarZone;
  if (!isValidZone(zone)) throw badRequest(`Invalid time zone definition for ${which} time.`, 'invalid');
  if (dt.date) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dt.date)) throw badRequest(`Invalid ${which} time.`, 'invalid');
    return { allDay: true, local: dt.date, timeZone: zone, ms: localToUtc(`${dt.date}T00:00:00`, zone).getTime() };
  }
  const text = dt.dateTime ?? '';
  if (offsetPattern.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) throw badRequest(`Invalid ${which} time.`, 'invalid');
    return { allDay: false, local: utcToLocal(new Date(ms), zone), timeZone: zone, ms };
  }
  if (!dt.timeZone) throw badRequest(`Missing time zone definition for ${which} time.`, 'required');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/.test(text)) throw badRequest(`Invalid ${which} time.`, 'invalid');
  return { allDay: false, local: text.slice(0, 19), timeZone: zone, ms: localToUtc(text, zone).getTime() };
}

/** RFC 3339 with the zone's offset, the way Calendar writes dateTime values. */
export function formatZoned(ms: number, zone: string): string {
  const off = Math.round(zoneOffsetMs(zone, ms) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${utcToLocal(new Date(ms), zone)}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function eventTimeValue(t: ResolvedTime, keepZone: boolean): calendar_v3.Schema$EventDateTime {
  if (t.allDay) return { date: t.local };
  return keepZone ? { dateTime: formatZoned(t.ms, t.timeZone), timeZone: t.timeZone } : { dateTime: formatZoned(t.ms, t.timeZone) };
}

export interface RecurrenceSpec {
  rrule: string;
  /** ISO UTC instants, or dates for all-day series. */
  exdates: string[];
}

function parseIcalStamp(value: string, tzid: string | undefined, allDay: boolean, seriesZone: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
  if (!m) throw badRequest(`Invalid recurrence rule: EXDATE value ${value}`, 'invalid');
  const [, y, mo, d, h, mi, s, z] = m;
  const date = `${y}-${mo}-${d}`;
  if (allDay) return date;
  const local = `${date}T${h ?? '00'}:${mi ?? '00'}:${s ?? '00'}`;
  if (z) return new Date(`${local}Z`).toISOString();
  return localToUtc(local, tzid ?? seriesZone).toISOString();
}

/** Reads Calendar's `recurrence` lines. Only RRULE and EXDATE are simulated; others are refused. */
export function parseRecurrence(lines: string[], allDay: boolean, zone: string): RecurrenceSpec {
  let rrule: string | undefined;
  const exdates: string[] = [];
  for (const line of lines) {
    const m = /^([A-Z]+)((?:;[^:]*)?):(.*)$/i.exec(line.trim());
    if (!m) throw badRequest(`Invalid recurrence rule: ${line}`, 'invalid');
    const [, name = '', paramText = '', value = ''] = m;
    switch (name.toUpperCase()) {
      case 'RRULE':
        if (rrule) throw badRequest('Only one RRULE is supported by the simulator.', 'invalid');
        rrule = value;
        break;
      case 'EXDATE': {
        const tzid = /TZID=([^;]+)/i.exec(paramText)?.[1];
        for (const v of value.split(',')) exdates.push(parseIcalStamp(v, tzid, allDay, zone));
        break;
      }
      default:
        throw badRequest(`Recurrence line ${name} is not supported by the simulator.`, 'invalid');
    }
  }
  if (!rrule) throw badRequest('Invalid recurrence rule: no RRULE.', 'invalid');
  return { rrule, exdates };
}

export interface InstanceSlot {
  /** The pattern start: ISO UTC, or the date for all-day series. */
  originalStart: string;
  start: ResolvedTime;
  end: ResolvedTime;
}

/** Occurrences of a series overlapping [from, to), skipping EXDATEs and the given overridden slots. */
export function expandInstances(start: ResolvedTime, end: ResolvedTime, rec: RecurrenceSpec, overridden: string[], from: number, to: number): InstanceSlot[] {
  try {
    const occurrences = expandSeries(
      { start: start.local, end: end.local, timeZone: start.timeZone, allDay: start.allDay, rrule: rec.rrule, exdates: [...rec.exdates, ...overridden] },
      { start: new Date(from), end: new Date(to) },
    );
    return occurrences.map((o) => ({
      originalStart: o.originalStart,
      start: { allDay: o.allDay, local: o.startLocal, timeZone: o.timeZone, ms: o.allDay ? localToUtc(`${o.startLocal}T00:00:00`, o.timeZone).getTime() : Date.parse(o.startAt) },
      end: { allDay: o.allDay, local: o.endLocal, timeZone: o.timeZone, ms: o.allDay ? localToUtc(`${o.endLocal}T00:00:00`, o.timeZone).getTime() : Date.parse(o.endAt) },
    }));
  } catch (e) {
    if (e instanceof RecurrenceError) throw badRequest('Invalid recurrence rule.', 'invalid');
    throw e;
  }
}

/** Instance id suffix Google uses: `_20261103T080000Z` for timed, `_20261103` for all-day. */
export function instanceId(masterId: string, originalStart: string, allDay: boolean): string {
  if (allDay) return `${masterId}_${originalStart.slice(0, 10).replace(/-/g, '')}`;
  return `${masterId}_${new Date(originalStart).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`;
}

/** originalStart key (ISO UTC / date) of an exception from its originalStartTime. */
export function originalKey(ost: calendar_v3.Schema$EventDateTime | undefined, zone: string): string | undefined {
  if (!ost) return undefined;
  if (ost.date) return ost.date;
  if (!ost.dateTime) return undefined;
  const t = offsetPattern.test(ost.dateTime) ? Date.parse(ost.dateTime) : localToUtc(ost.dateTime, ost.timeZone ?? zone).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}
