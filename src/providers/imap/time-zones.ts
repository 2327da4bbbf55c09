/**
 * Time-zone arithmetic on the runtime's IANA data (Intl), so wall-clock times stay right across DST
 * whatever VTIMEZONE a server sent: RRULEs are expanded in local time (RFC 5545 §3.3.10) and each
 * instance is converted with the zone's own rules.
 */

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

/** Wall-clock fields of an instant in a zone, as epoch ms "as if UTC". */
function wallClockMs(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** Offset from UTC in minutes at an instant. */
export function offsetMinutes(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return Math.round((wallClockMs(whole, zone) - whole) / 60_000);
}

function parseLocal(local: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(local);
  if (!m) throw new Error(`not a local date-time: ${local}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
}

/**
 * The instant a local time names in a zone. In the autumn overlap the earlier instant wins; a time
 * in the spring gap is moved forward by the gap, as RFC 5545 §3.3.5 asks.
 */
export function zonedToUtc(local: string, zone: string): Date {
  const asUtc = parseLocal(local);
  const day = 86_400_000;
  // The offsets in force a day before, at, and a day after cover both readings of an overlap.
  const candidates = [asUtc - day, asUtc, asUtc + day]
    .map((probe) => asUtc - offsetMinutes(probe, zone) * 60_000)
    .filter((t) => wallClockMs(t, zone) === asUtc)
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return new Date(candidates[0]);
  // Gap: use the offset in force before the jump.
  return new Date(asUtc - offsetMinutes(asUtc - day, zone) * 60_000);
}

/** "YYYY-MM-DDTHH:mm:ss" wall-clock of an instant in a zone. */
export function utcToZoned(instant: Date, zone: string): string {
  return new Date(wallClockMs(instant.getTime(), zone)).toISOString().slice(0, 19);
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
