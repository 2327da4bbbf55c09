/**
 * Graph events ↔ ProviderEvent / EventInput (event resource docs). Reads ask for UTC
 * (`Prefer: outlook.timezone="UTC"`) so instants are exact, then show the local time in the zone the
 * event was made in (originalStartTimeZone, a Windows name mapped to IANA). Writes send Windows zone
 * names, which Graph accepts for every zone (only a subset of IANA names is accepted).
 */
import type { Attendee, DateTimeTimeZone, Event, ResponseType } from '@microsoft/microsoft-graph-types';
import { ianaToWindows, toIanaZone, UnknownTimeZoneError } from '../../domain/timezones';
import { localToUtc, utcToLocal, wallMs, zoneOffsetMs } from '../../domain/zoned-time';
import { ProviderError } from '../errors';
import type { EventAttendee, EventInput, EventTime, ProviderEvent, Sensitivity } from '../provider';
import { recurrenceToRrule, UnsupportedRecurrenceError } from './recurrence-rrule';

/** Our named extended property (extended-properties-overview docs: "String {GUID} Name …"). */
export const tandemPropertyId = 'String {4f0d2b7e-8c1a-4e3b-9a6d-2c5e7f1b3d90} Name TandemId';
export const tandemPropertyExpand = `singleValueExtendedProperties($filter=id eq '${tandemPropertyId}')`;

export type GraphEvent = Event & {
  '@odata.etag'?: string;
  '@removed'?: { reason?: string };
  singleValueExtendedProperties?: { id?: string | null; value?: string | null }[] | null;
};

/**
 * A first sync maps thousands of events in a handful of zones: the Windows → IANA look-up (a scan of
 * the CLDR table) and the zone's UTC offsets are remembered rather than recomputed for every time.
 * Bounded, since zone names come from provider data.
 */
const maxCached = 10_000;
function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= maxCached) cache.clear();
  cache.set(key, value);
  return value;
}

const ianaOf = new Map<string, string | undefined>();

function safeZone(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  if (ianaOf.has(name)) return ianaOf.get(name);
  try {
    return remember(ianaOf, name, toIanaZone(name));
  } catch (e) {
    // "tzone://Microsoft/Custom" and "Customized Time Zone" name no zone: show the time in UTC.
    if (e instanceof UnknownTimeZoneError) return remember(ianaOf, name, undefined);
    throw e;
  }
}

const displayZones = new Map<string, string>();

/** The zone to show a time in: a caller's hint when it is the same Windows zone, else the CLDR zone. */
function displayZone(original: string | null | undefined, hint: string | undefined): string {
  const key = `${original ?? ''}\u0000${hint ?? ''}`;
  const known = displayZones.get(key);
  if (known !== undefined) return known;
  const zone = safeZone(original) ?? 'UTC';
  if (hint && original) {
    try {
      if (ianaToWindows(hint).toLowerCase() === ianaToWindows(zone).toLowerCase()) return remember(displayZones, key, hint);
    } catch {
      // The hint has no Windows equivalent: keep the mapped zone.
    }
  }
  return remember(displayZones, key, zone);
}

const HOUR_MS = 3_600_000;
/** UTC offset (ms) of a zone by "zone|UTC hour", kept only for hours without an offset change. */
const hourOffsets = new Map<string, number>();

/** utcToLocal, with the zone's offset remembered per UTC hour (an exact Intl call otherwise). */
function localIn(instant: Date, zone: string): string {
  const ms = instant.getTime();
  const hour = Math.floor(ms / HOUR_MS);
  const key = `${zone}|${hour}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const start = hour * HOUR_MS;
    const first = zoneOffsetMs(zone, start);
    // No zone changes its offset twice within an hour, so equal offsets at both ends (and the middle) mean none in between.
    if (zoneOffsetMs(zone, start + HOUR_MS / 2) !== first || zoneOffsetMs(zone, start + HOUR_MS - 1000) !== first) return utcToLocal(instant, zone);
    offset = remember(hourOffsets, key, first);
  }
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset);
  const year = local.getUTCFullYear();
  // toISOString writes years outside 0000–9999 with a sign; utcToLocal does not.
  return year >= 0 && year <= 9999 ? local.toISOString().slice(0, 19) : utcToLocal(instant, zone);
}

/** Answers are asked for in UTC (Prefer outlook.timezone): no zone arithmetic for those. */
const utcNames = new Set(['UTC', 'Etc/UTC']);

function readTime(t: DateTimeTimeZone | null | undefined, original: string | null | undefined, allDay: boolean, hint: string | undefined): EventTime {
  const dateTime = (t?.dateTime ?? '').slice(0, 19);
  if (!dateTime) throw new ProviderError('permanent', 'Graph event without start or end', { code: 'bad_event' });
  const zone = displayZone(original, hint);
  // All-day bounds are dates at midnight, whatever zone the answer is in.
  if (allDay) return { local: dateTime.slice(0, 10), timeZone: zone };
  const answerZone = safeZone(t?.timeZone) ?? 'UTC';
  const instant = utcNames.has(answerZone) ? new Date(wallMs(dateTime)) : localToUtc(dateTime, answerZone);
  return { local: localIn(instant, zone), timeZone: zone };
}

const responses: Partial<Record<ResponseType, EventAttendee['response']>> = {
  none: 'none',
  notResponded: 'none',
  accepted: 'accepted',
  organizer: 'accepted',
  tentativelyAccepted: 'tentative',
  declined: 'declined',
};

function attendee(a: Attendee): EventAttendee | undefined {
  const email = a.emailAddress?.address;
  if (!email) return undefined;
  const response = a.status?.response ? responses[a.status.response] : undefined;
  return { email, ...(a.emailAddress?.name ? { name: a.emailAddress.name } : {}), ...(response ? { response } : {}) };
}

function kindOf(type: Event['type']): ProviderEvent['kind'] {
  if (type === 'seriesMaster' || type === 'occurrence' || type === 'exception') return type;
  return 'single';
}

function bodyText(e: GraphEvent): string | undefined {
  const content = e.body?.content;
  if (!content) return undefined;
  if (e.body?.contentType !== 'html') return content;
  return content
    .replace(/<(br|\/p|\/div)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

const showAsValues = new Set(['free', 'busy', 'tentative', 'oof', 'workingElsewhere']);

export function tandemIdOf(e: GraphEvent): string | undefined {
  const prop = e.singleValueExtendedProperties?.find((p) => p.id?.toLowerCase() === tandemPropertyId.toLowerCase());
  return prop?.value ?? undefined;
}

/** One Graph event (read with Prefer outlook.timezone="UTC") as a ProviderEvent. */
export function toProviderEvent(e: GraphEvent, zoneHint?: string): ProviderEvent {
  if (!e.id) throw new ProviderError('permanent', 'Graph event without id', { code: 'bad_event' });
  const allDay = e.isAllDay === true;
  const start = readTime(e.start, e.originalStartTimeZone, allDay, zoneHint);
  const end = readTime(e.end, e.originalEndTimeZone ?? e.originalStartTimeZone, allDay, zoneHint);
  const kind = kindOf(e.type);
  const tandemId = tandemIdOf(e);
  const body = bodyText(e);
  const organizer = e.organizer ? attendee(e.organizer) : undefined;
  let recurrence: ProviderEvent['recurrence'];
  if (kind === 'seriesMaster' && e.recurrence) {
    try {
      recurrence = { rrule: recurrenceToRrule(e.recurrence, start.timeZone, allDay), exdates: [] };
    } catch (err) {
      if (!(err instanceof UnsupportedRecurrenceError)) throw err;
    }
  }
  return {
    providerId: e.id,
    etag: e['@odata.etag'] ?? e.changeKey ?? '',
    ...(e.iCalUId ? { iCalUid: e.iCalUId } : {}),
    kind,
    ...(e.seriesMasterId ? { seriesMasterId: e.seriesMasterId } : {}),
    ...(e.originalStart ? { originalStart: new Date(e.originalStart).toISOString() } : {}),
    subject: e.subject ?? '',
    ...(body ? { bodyText: body } : {}),
    ...(e.location?.displayName ? { location: e.location.displayName } : {}),
    start,
    end,
    allDay,
    sensitivity: (e.sensitivity ?? 'normal') as Sensitivity,
    ...(e.showAs && showAsValues.has(e.showAs) ? { showAs: e.showAs as ProviderEvent['showAs'] } : {}),
    ...(organizer ? { organizer } : {}),
    attendees: (e.attendees ?? []).flatMap((a) => attendee(a) ?? []),
    ...(recurrence ? { recurrence } : {}),
    ...(tandemId ? { tandemId } : {}),
    ...(e.isCancelled ? { cancelled: true } : {}),
  };
}

function writeTime(t: EventTime, allDay: boolean): DateTimeTimeZone {
  let timeZone: string;
  try {
    timeZone = ianaToWindows(t.timeZone);
  } catch (e) {
    if (e instanceof UnknownTimeZoneError) throw new ProviderError('invalid_input', `No Windows time zone for ${t.timeZone}`, { code: 'unknown_time_zone' });
    throw e;
  }
  // Graph wants all-day bounds at midnight of their dates (event docs: isAllDay).
  const dateTime = allDay ? `${t.local.slice(0, 10)}T00:00:00` : t.local.slice(0, 19);
  return { dateTime, timeZone };
}

/** The JSON body of POST / PATCH /me/events for an appointment. */
export function toGraphEventBody(input: EventInput): Record<string, unknown> {
  return {
    subject: input.subject,
    body: { contentType: 'text', content: input.bodyText ?? '' },
    location: { displayName: input.location ?? '' },
    start: writeTime(input.start, input.allDay),
    end: writeTime(input.end, input.allDay),
    isAllDay: input.allDay,
    sensitivity: input.sensitivity,
    attendees: input.attendees.map((a) => ({ type: 'required', emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) } })),
    singleValueExtendedProperties: [{ id: tandemPropertyId, value: input.tandemId }],
  };
}
