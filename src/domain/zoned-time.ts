/**
 * Wall-clock time in an IANA zone ↔ UTC instants, using the runtime's tz database (Intl). Local
 * times are ISO strings without offset: "2026-11-03T09:00:00".
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function partsAt(zone: string, epochMs: number): Parts {
  const out: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(epochMs))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { year: out.year ?? 0, month: out.month ?? 1, day: out.day ?? 1, hour: out.hour ?? 0, minute: out.minute ?? 0, second: out.second ?? 0 };
}

/** Offset of `zone` from UTC at an instant, in ms (Berlin in summer: +7,200,000). */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  const p = partsAt(zone, epochMs);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/;

/** A local date-time read as if it were UTC: wall-clock arithmetic without a zone. */
export function wallMs(local: string): number {
  const m = LOCAL.exec(local);
  if (!m) throw new RangeError(`Not a local date-time: "${local}"`);
  const [, y, mo, d, h, mi, s] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
}

/**
 * The instant a wall-clock time in `zone` denotes. RFC 5545 §3.3.5 rules for the awkward hours:
 * a time skipped by a spring-forward gap is read with the offset before the gap (02:30 → 03:30 new
 * time); a time repeated by a fall-back is its first occurrence.
 */
export function localToUtc(local: string, zone: string): Date {
  const wall = wallMs(local);
  const offsets = [...new Set([zoneOffsetMs(zone, wall), zoneOffsetMs(zone, wall - 86_400_000), zoneOffsetMs(zone, wall + 86_400_000)])];
  const valid = offsets.map((o) => wall - o).filter((t) => t + zoneOffsetMs(zone, t) === wall);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(wall - Math.min(...offsets));
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The wall-clock time of an instant in `zone` ("2026-11-03T09:00:00"). */
export function utcToLocal(instant: Date, zone: string): string {
  const p = partsAt(zone, instant.getTime());
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Midnight UTC of a calendar date: how all-day bounds are stored as instants. */
export function dateToUtcMidnight(date: string): Date {
  return new Date(wallMs(date.slice(0, 10)));
}
