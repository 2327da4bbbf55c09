/**
 * Windows ↔ IANA time-zone names. Graph (`start.timeZone`, `originalStartTimeZone`) and EWS
 * (`StartTimeZone/@Id`) speak Windows names; everything in Tandem stores IANA names. The table is
 * CLDR's windowZones mapping as packaged by `windows-iana` (139 Windows names). An unknown name is a
 * typed error, never a silent fall-back to UTC: a meeting silently moved by hours is worse than a
 * visible sync problem.
 *
 * Writes: Graph's dateTimeTimeZone accepts every Windows zone but only a listed subset of IANA names
 * ("Additional time zones", and create/update may support fewer), so adapters send ianaToWindows().
 * Reads: Graph may answer "Customized Time Zone" for custom zones; that is refused here — ask Graph
 * for UTC instead (Prefer: outlook.timezone="UTC").
 */
import { findIana, findWindows, WINDOWS_TO_IANA_MAP } from 'windows-iana';

export class UnknownTimeZoneError extends Error {
  override name = 'UnknownTimeZoneError';
  readonly code = 'unknown_time_zone';
  constructor(
    readonly zone: string,
    readonly direction: 'to_iana' | 'to_windows',
  ) {
    super(direction === 'to_iana' ? `Unknown time zone "${zone}"` : `No Windows time zone for "${zone}"`);
  }
}

/** Graph's pseudo-names (event `originalStartTimeZone`). "Custom" carries no zone at all. */
const GRAPH_PSEUDO: Record<string, string> = { 'tzone://microsoft/utc': 'Etc/UTC' };

// Windows names are matched case-insensitively (EWS has been seen lower-casing ids in exports).
const windowsByLower = new Map<string, string>(WINDOWS_TO_IANA_MAP.map((e) => [e.windowsName.toLowerCase(), e.windowsName]));

/**
 * IANA zones newer than the packaged CLDR table. Ciudad Juárez follows US Mountain time since 2022
 * (tzdata 2022g); Coyhaique (tzdata 2025b) keeps UTC−3 year-round like Punta Arenas, which CLDR
 * maps to "Magallanes Standard Time".
 */
const SUPPLEMENTAL_WINDOWS: Record<string, string> = {
  'America/Ciudad_Juarez': 'Mountain Standard Time',
  'America/Coyhaique': 'Magallanes Standard Time',
};

const ianaSupported = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export function isWindowsZone(name: string): boolean {
  return windowsByLower.has(name.trim().toLowerCase());
}

/** Windows name → the CLDR "golden" IANA zone (territory 001), optionally a territory's own zone. */
export function windowsToIana(windowsName: string, territory?: string): string {
  const canonical = windowsByLower.get(windowsName.trim().toLowerCase());
  if (!canonical) throw new UnknownTimeZoneError(windowsName, 'to_iana');
  const zones = territory ? findIana(canonical, territory.toUpperCase()) : [];
  const zone = zones[0] ?? findIana(canonical)[0];
  if (!zone) throw new UnknownTimeZoneError(windowsName, 'to_iana');
  return zone;
}

/**
 * Any zone name a provider may hand us (Windows, IANA, Graph's tzone:// UTC) → IANA.
 * Graph may echo back an IANA name we sent, so IANA input is accepted as it is.
 */
export function toIanaZone(name: string): string {
  const trimmed = name.trim();
  const pseudo = GRAPH_PSEUDO[trimmed.toLowerCase()];
  if (pseudo) return pseudo;
  if (isWindowsZone(trimmed)) return windowsToIana(trimmed);
  if (trimmed !== '' && ianaSupported(trimmed)) return trimmed;
  throw new UnknownTimeZoneError(name, 'to_iana');
}

/** IANA → Windows name, for writes to Graph and EWS. Aliases (Asia/Calcutta) resolve too. */
export function ianaToWindows(iana: string): string {
  const zone = iana.trim();
  const found = findWindows(zone)[0] ?? SUPPLEMENTAL_WINDOWS[zone];
  if (!found) throw new UnknownTimeZoneError(iana, 'to_windows');
  return found;
}

/** Every Windows name in the table (for tests and the settings UI). */
export function windowsZoneNames(): string[] {
  return [...new Set(WINDOWS_TO_IANA_MAP.map((e) => e.windowsName))];
}
