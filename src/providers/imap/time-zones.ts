/**
 * Time-zone arithmetic on the runtime's IANA data (Intl), so wall-clock times stay right across DST
 * whatever VTIMEZONE a server sent: RRULEs are expanded in local time (RFC 5545 §3.3.10) and each
 * instance is converted with the zone's own rules.
 */
import { localToUtc, utcToLocal, zoneOffsetMs } from '../../domain/zoned-time';

const validity = new Map<string, boolean>();

export function isIanaZone(name: string): boolean {
  let known = validity.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    validity.set(name, known);
  }
  return known;
}

// Names Outlook / Exchange write into TZID (from the CLDR windowsZones table, common entries).
const windowsZones: Record<string, string> = {
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'GMT Standard Time': 'Europe/London',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'Eastern Standard Time': 'America/New_York',
  'Central Standard Time': 'America/Chicago',
  'Mountain Standard Time': 'America/Denver',
  'Pacific Standard Time': 'America/Los_Angeles',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'India Standard Time': 'Asia/Calcutta',
  'China Standard Time': 'Asia/Shanghai',
  UTC: 'UTC',
};

/**
 * The IANA zone for a TZID: IANA names pass through; Windows names are mapped; vendor-prefixed ids
 * ("/mozilla.org/20050126_1/Europe/Berlin", "/citadel.org/…/Europe/Berlin") end in an IANA name;
 * a VTIMEZONE's X-LIC-LOCATION is the last resort.
 */
export function toIanaZone(tzid: string | undefined, licLocation?: string): string {
  if (!tzid) return 'UTC';
  if (isIanaZone(tzid)) return tzid;
  const windows = windowsZones[tzid];
  if (windows) return windows;
  const parts = tzid.split('/').filter(Boolean);
  for (let i = 0; i < parts.length - 1; i++) {
    const tail = parts.slice(i).join('/');
    if (/^[A-Z][A-Za-z_]+\//.test(tail) && isIanaZone(tail)) return tail;
  }
  if (licLocation && isIanaZone(licLocation)) return licLocation;
  return 'UTC';
}

/** Offset from UTC in minutes at an instant (zone arithmetic lives once, in domain/zoned-time). */
export function offsetMinutes(instant: number, zone: string): number {
  return Math.round(zoneOffsetMs(zone, instant) / 60_000);
}

/**
 * The instant a local time names in a zone. In the autumn overlap the earlier instant wins; a time
 * in the spring gap is moved forward by the gap, as RFC 5545 §3.3.5 asks.
 */
export function zonedToUtc(local: string, zone: string): Date {
  return localToUtc(local, zone);
}

/** "YYYY-MM-DDTHH:mm:ss" wall-clock of an instant in a zone. */
export function utcToZoned(instant: Date, zone: string): string {
  return utcToLocal(instant, zone);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function icsLocal(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/**
 * A VTIMEZONE for `zone` listing its real transitions between two years (RFC 5545 §3.6.5 requires
 * one per TZID we write). Each transition is its own STANDARD/DAYLIGHT block with DTSTART in the
 * local time before the change.
 */
export function vtimezoneLines(zone: string, fromYear: number, toYear: number): string[] {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  const step = 12 * 3_600_000;
  const transitions: { at: number; from: number; to: number }[] = [];
  let prevOffset = offsetMinutes(start, zone);
  for (let t = start + step; t <= end; t += step) {
    const offset = offsetMinutes(t, zone);
    if (offset === prevOffset) continue;
    let lo = t - step;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
      if (offsetMinutes(mid, zone) === prevOffset) lo = mid;
      else hi = mid;
    }
    transitions.push({ at: hi, from: prevOffset, to: offset });
    prevOffset = offset;
  }
  const initial = offsetMinutes(start, zone);
  const standardOffset = Math.min(initial, ...transitions.map((x) => x.to));
  const block = (at: number, from: number, to: number) => {
    const kind = to > standardOffset ? 'DAYLIGHT' : 'STANDARD';
    return [`BEGIN:${kind}`, `DTSTART:${icsLocal(at + from * 60_000)}`, `TZOFFSETFROM:${formatOffset(from)}`, `TZOFFSETTO:${formatOffset(to)}`, `END:${kind}`];
  };
  return [
    'BEGIN:VTIMEZONE',
    `TZID:${zone}`,
    ...block(start, initial, initial),
    ...transitions.flatMap((x) => block(x.at, x.from, x.to)),
    'END:VTIMEZONE',
  ];
}
