/**
 * Time zones as the simulators need them: the Windows zone ids Outlook stores and answers with (Graph
 * `timeZone`, EWS `StartTimeZone/@Id`), their display names and IANA equivalents (CLDR windowsZones
 * "001" territory), kept here apart from the product's own table so the simulators check it rather
 * than agree with it. Wall-clock arithmetic is the product's (src/domain/zoned-time): it is not a
 * wire format under test.
 */
import { localToUtc, zoneOffsetMs } from '../../src/domain/zoned-time';

const windowsZones: Record<string, { iana: string; name: string }> = {
  UTC: { iana: 'UTC', name: '(UTC) Coordinated Universal Time' },
  'Dateline Standard Time': { iana: 'Etc/GMT+12', name: '(UTC-12:00) International Date Line West' },
  'Hawaiian Standard Time': { iana: 'Pacific/Honolulu', name: '(UTC-10:00) Hawaii' },
  'Alaskan Standard Time': { iana: 'America/Anchorage', name: '(UTC-09:00) Alaska' },
  'Pacific Standard Time': { iana: 'America/Los_Angeles', name: '(UTC-08:00) Pacific Time (US & Canada)' },
  'Mountain Standard Time': { iana: 'America/Denver', name: '(UTC-07:00) Mountain Time (US & Canada)' },
  'US Mountain Standard Time': { iana: 'America/Phoenix', name: '(UTC-07:00) Arizona' },
  'Central Standard Time': { iana: 'America/Chicago', name: '(UTC-06:00) Central Time (US & Canada)' },
  'Eastern Standard Time': { iana: 'America/New_York', name: '(UTC-05:00) Eastern Time (US & Canada)' },
  'Atlantic Standard Time': { iana: 'America/Halifax', name: '(UTC-04:00) Atlantic Time (Canada)' },
  'E. South America Standard Time': { iana: 'America/Sao_Paulo', name: '(UTC-03:00) Brasilia' },
  'GMT Standard Time': { iana: 'Europe/London', name: '(UTC+00:00) Dublin, Edinburgh, Lisbon, London' },
  'Greenwich Standard Time': { iana: 'Atlantic/Reykjavik', name: '(UTC+00:00) Monrovia, Reykjavik' },
  'W. Europe Standard Time': { iana: 'Europe/Berlin', name: '(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna' },
  'Romance Standard Time': { iana: 'Europe/Paris', name: '(UTC+01:00) Brussels, Copenhagen, Madrid, Paris' },
  'Central Europe Standard Time': { iana: 'Europe/Budapest', name: '(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague' },
  'Central European Standard Time': { iana: 'Europe/Warsaw', name: '(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb' },
  'GTB Standard Time': { iana: 'Europe/Bucharest', name: '(UTC+02:00) Athens, Bucharest' },
  'FLE Standard Time': { iana: 'Europe/Kiev', name: '(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius' },
  'South Africa Standard Time': { iana: 'Africa/Johannesburg', name: '(UTC+02:00) Harare, Pretoria' },
  'Russian Standard Time': { iana: 'Europe/Moscow', name: '(UTC+03:00) Moscow, St. Petersburg' },
  'Arabian Standard Time': { iana: 'Asia/Dubai', name: '(UTC+04:00) Abu Dhabi, Muscat' },
  'India Standard Time': { iana: 'Asia/Calcutta', name: '(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi' },
  'China Standard Time': { iana: 'Asia/Shanghai', name: '(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi' },
  'Singapore Standard Time': { iana: 'Asia/Singapore', name: '(UTC+08:00) Kuala Lumpur, Singapore' },
  'Tokyo Standard Time': { iana: 'Asia/Tokyo', name: '(UTC+09:00) Osaka, Sapporo, Tokyo' },
  'AUS Eastern Standard Time': { iana: 'Australia/Sydney', name: '(UTC+10:00) Canberra, Melbourne, Sydney' },
  'New Zealand Standard Time': { iana: 'Pacific/Auckland', name: '(UTC+12:00) Auckland, Wellington' },
};

const ianaToWindowsId: Record<string, string> = {
  ...Object.fromEntries(Object.entries(windowsZones).map(([id, z]) => [z.iana, id])),
  // Other spellings of the same zones (tz database links).
  'Etc/UTC': 'UTC',
  'Europe/Kyiv': 'FLE Standard Time',
  'Asia/Kolkata': 'India Standard Time',
};

export function isKnownWindowsZone(id: string): boolean {
  return id in windowsZones;
}

/** Display name Outlook shows for a Windows zone id (the id itself when unknown). */
export function windowsZoneName(id: string): string {
  return windowsZones[id]?.name ?? id;
}

export function windowsToIana(id: string): string | undefined {
  return windowsZones[id]?.iana;
}

/** The Windows id Outlook stores for an IANA zone, when the table knows one. */
export function ianaToWindows(iana: string): string | undefined {
  return ianaToWindowsId[iana];
}

export function isIanaZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of an instant in a zone, as epoch ms of that wall clock read as UTC (whole seconds). */
export function wallClockMs(instant: number, zone: string): number {
  return Math.floor(instant / 1000) * 1000 + zoneOffsetMs(zone, instant);
}

/** The instant a wall-clock reading (epoch ms read as UTC) denotes in a zone; DST rules as src/domain/zoned-time. */
export function wallToInstant(wallMs: number, zone: string): number {
  return localToUtc(new Date(wallMs).toISOString().slice(0, 19), zone).getTime();
}
