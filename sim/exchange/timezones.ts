/**
 * Windows time zone ids as EWS speaks them (StartTimeZone / TimeZoneContext Id), mapped to IANA
 * zones so recurring series expand on local wall-clock time across DST changes, as Exchange does.
 * The table covers the zones tests and the demo use (CLDR windowsZones "001" territory mapping).
 */
const windowsToIana: Record<string, { iana: string; name: string }> = {
  UTC: { iana: 'UTC', name: '(UTC) Coordinated Universal Time' },
  'Greenwich Standard Time': { iana: 'Atlantic/Reykjavik', name: '(UTC+00:00) Monrovia, Reykjavik' },
  'GMT Standard Time': { iana: 'Europe/London', name: '(UTC+00:00) Dublin, Edinburgh, Lisbon, London' },
  'W. Europe Standard Time': { iana: 'Europe/Berlin', name: '(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna' },
  'Romance Standard Time': { iana: 'Europe/Paris', name: '(UTC+01:00) Brussels, Copenhagen, Madrid, Paris' },
  'Central Europe Standard Time': { iana: 'Europe/Budapest', name: '(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague' },
  'Central European Standard Time': { iana: 'Europe/Warsaw', name: '(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb' },
  'FLE Standard Time': { iana: 'Europe/Kiev', name: '(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius' },
  'GTB Standard Time': { iana: 'Europe/Bucharest', name: '(UTC+02:00) Athens, Bucharest' },
  'Eastern Standard Time': { iana: 'America/New_York', name: '(UTC-05:00) Eastern Time (US & Canada)' },
  'Central Standard Time': { iana: 'America/Chicago', name: '(UTC-06:00) Central Time (US & Canada)' },
  'Mountain Standard Time': { iana: 'America/Denver', name: '(UTC-07:00) Mountain Time (US & Canada)' },
  'Pacific Standard Time': { iana: 'America/Los_Angeles', name: '(UTC-08:00) Pacific Time (US & Canada)' },
  'AUS Eastern Standard Time': { iana: 'Australia/Sydney', name: '(UTC+10:00) Canberra, Melbourne, Sydney' },
  'Tokyo Standard Time': { iana: 'Asia/Tokyo', name: '(UTC+09:00) Osaka, Sapporo, Tokyo' },
  'China Standard Time': { iana: 'Asia/Shanghai', name: '(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi' },
  'India Standard Time': { iana: 'Asia/Kolkata', name: '(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi' },
  'Singapore Standard Time': { iana: 'Asia/Singapore', name: '(UTC+08:00) Kuala Lumpur, Singapore' },
};

export function isKnownWindowsZone(id: string): boolean {
  return id in windowsToIana;
}

export function windowsZoneName(id: string): string {
  return windowsToIana[id]?.name ?? id;
}

export function ianaFor(windowsId: string): string {
  return windowsToIana[windowsId]?.iana ?? 'UTC';
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
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function offsetAt(utcMs: number, zone: string): number {
  const l = toLocal(utcMs, zone);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - Math.floor(utcMs / 1000) * 1000;
}

/** The instant a wall-clock time in a zone denotes (the later offset wins in a DST gap). */
export function fromLocal(l: LocalParts, zone: string): number {
  const guess = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  const first = guess - offsetAt(guess, zone);
  return guess - offsetAt(first, zone);
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

/** The Windows id Exchange would store for an IANA zone (first match in the table), or UTC. */
export function windowsIdFor(iana: string): string {
  for (const [id, z] of Object.entries(windowsToIana)) if (z.iana === iana) return id;
  return 'UTC';
}
