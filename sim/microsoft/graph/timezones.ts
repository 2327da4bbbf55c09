/**
 * Graph event times: a local `dateTime` without offset plus a zone. Outlook's canonical zone names
 * are the Windows ones ("Pacific Standard Time", table in sim/common/zones), though IANA names are
 * accepted on input.
 */
import { ianaToWindows, isIanaZone, wallClockMs, wallToInstant, windowsToIana } from '../../common/zones';

/** IANA zone for a Windows or IANA name; undefined when the name is unknown. */
export function toIana(name: string): string | undefined {
  return windowsToIana(name) ?? (isIanaZone(name) ? name : undefined);
}

/** The Windows name Outlook would store for an input zone (falls back to the input). */
export function toWindows(name: string): string {
  if (windowsToIana(name)) return name;
  return ianaToWindows(name) ?? name;
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/** Parses "2026-11-03T09:00:00(.0000000)" as wall-clock ms (UTC reading); undefined when malformed. */
export function parseLocal(local: string): number | undefined {
  const m = localPattern.exec(local);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The instant a wall-clock time in `zone` denotes (DST rules as src/domain/zoned-time). */
export function localToInstant(wallMs: number, zone: string): number {
  return wallToInstant(wallMs, zone);
}

/** Graph's local dateTime format: seven fractional digits, no offset. */
export function formatGraphLocal(wallMs: number): string {
  return `${new Date(wallMs).toISOString().slice(0, 19)}.0000000`;
}

export function instantToGraphLocal(instant: number, zone: string): string {
  return formatGraphLocal(wallClockMs(instant, zone));
}
