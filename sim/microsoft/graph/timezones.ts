/**
 * Windows ↔ IANA zone names and local-time arithmetic. Graph states event times as a local
 * `dateTime` without offset plus a zone; Outlook's canonical zone names are the Windows ones
 * ("Pacific Standard Time"), though IANA names are accepted on input.
 */
const windowsToIana: Record<string, string> = {
  UTC: 'UTC',
  'Dateline Standard Time': 'Etc/GMT+12',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Alaskan Standard Time': 'America/Anchorage',
  'Pacific Standard Time': 'America/Los_Angeles',
  'Mountain Standard Time': 'America/Denver',
  'US Mountain Standard Time': 'America/Phoenix',
  'Central Standard Time': 'America/Chicago',
  'Eastern Standard Time': 'America/New_York',
  'Atlantic Standard Time': 'America/Halifax',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'GTB Standard Time': 'Europe/Bucharest',
  'FLE Standard Time': 'Europe/Kiev',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Russian Standard Time': 'Europe/Moscow',
  'Arabian Standard Time': 'Asia/Dubai',
  'India Standard Time': 'Asia/Calcutta',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'New Zealand Standard Time': 'Pacific/Auckland',
};

const ianaToWindows: Record<string, string> = Object.fromEntries(Object.entries(windowsToIana).map(([w, i]) => [i, w]));
ianaToWindows['Etc/UTC'] = 'UTC';
ianaToWindows['Europe/Kyiv'] = 'FLE Standard Time';
ianaToWindows['Asia/Kolkata'] = 'India Standard Time';

function isIana(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** IANA zone for a Windows or IANA name; undefined when the name is unknown. */
export function toIana(name: string): string | undefined {
  const fromWindows = windowsToIana[name];
  if (fromWindows) return fromWindows;
  return isIana(name) ? name : undefined;
}

/** The Windows name Outlook would store for an input zone (falls back to the input). */
export function toWindows(name: string): string {
  if (windowsToIana[name]) return name;
  return ianaToWindows[name] ?? name;
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

/** Wall-clock fields of an instant in a zone, as epoch ms of that wall clock read as UTC. */
function wallClockMs(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/** Parses "2026-11-03T09:00:00(.0000000)" as wall-clock ms (UTC reading); undefined when malformed. */
export function parseLocal(local: string): number | undefined {
  const m = localPattern.exec(local);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The instant a wall-clock time in `zone` denotes (the earlier one across a DST overlap). */
export function localToInstant(wallMs: number, zone: string): number {
  const first = wallMs - (wallClockMs(wallMs, zone) - wallMs);
  const offset2 = wallClockMs(first, zone) - first;
  return wallMs - offset2;
}

/** Graph's local dateTime format: seven fractional digits, no offset. */
export function formatGraphLocal(wallMs: number): string {
  return `${new Date(wallMs).toISOString().slice(0, 19)}.0000000`;
}

export function instantToGraphLocal(instant: number, zone: string): string {
  return formatGraphLocal(wallClockMs(instant, zone));
}
