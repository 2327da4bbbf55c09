/**
 * Time as EWS speaks it: Windows zone ids (StartTimeZone / TimeZoneContext Id, table in
 * sim/common/zones) and xs:dateTime values, local ones read in the item's zone so recurring series
 * expand on local wall-clock time across DST changes, as Exchange does.
 */
import { ianaToWindows, isKnownWindowsZone, wallClockMs, wallToInstant, windowsToIana, windowsZoneName } from '../common/zones';

export { isKnownWindowsZone, windowsZoneName };

export function ianaFor(windowsId: string): string {
  return windowsToIana(windowsId) ?? 'UTC';
}

/** Wall-clock fields of an instant in a zone. */
export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function toLocal(utcMs: number, zone: string): LocalParts {
  const wall = new Date(wallClockMs(utcMs, zone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds() };
}

/** The instant a wall-clock time in a zone denotes (a time in a DST gap moves forward by the gap). */
export function fromLocal(l: LocalParts, zone: string): number {
  return wallToInstant(Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second), zone);
}

/**
 * Parses an EWS xs:dateTime. With an offset or Z it is absolute; without, it is local time in
 * `zone` (the item's StartTimeZone or the request's TimeZoneContext, as EWS does).
 */
export function parseEwsDateTime(value: string, zone = 'UTC'): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', tz] = m;
  const parts = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s) };
  if (tz) {
    const base = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    if (tz === 'Z') return base;
    const sign = tz.startsWith('-') ? -1 : 1;
    const [oh, om] = tz.slice(1).split(':').map(Number);
    return base - sign * ((oh ?? 0) * 60 + (om ?? 0)) * 60_000;
  }
  return fromLocal(parts, zone);
}

/** EWS answers times in UTC with a trailing Z. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The Windows id Exchange would store for an IANA zone, or UTC. */
export function windowsIdFor(iana: string): string {
  return ianaToWindows(iana) ?? 'UTC';
}
