/**
 * Calendar v3 events ↔ ProviderEvent / EventInput, pure. Field meanings from the events resource
 * reference: `start`/`end` hold `date` (all-day, end exclusive) or `dateTime` (RFC 3339 with offset)
 * plus an IANA `timeZone` (else the calendar's zone applies); `visibility` private / confidential;
 * `transparency` transparent = free; `recurrence` lines (RRULE, EXDATE) on masters; instances carry
 * `recurringEventId` + `originalStartTime`; `extendedProperties.private` holds Tandem's id.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import { dateToUtcMidnight, localToUtc, utcToLocal } from '../../domain/zoned-time';
import type { EventAttendee, EventInput, EventTime, ProviderEvent, Sensitivity } from '../provider';

export type GoogleEvent = calendar_v3.Schema$Event;
type GoogleTime = calendar_v3.Schema$EventDateTime;

/** The key under extendedProperties.private that carries Tandem's appointment id. */
export const tandemIdProperty = 'tandemId';

const base32hex = '0123456789abcdefghijklmnopqrstuv';

/**
 * A client-chosen event id derived from the tandemId: base32hex of its UTF-8 bytes (ids must be
 * base32hex, 5–1024 characters — events.insert reference). A retried insert after a lost answer then
 * meets 409 duplicate instead of making a second event.
 */
export function eventIdFor(tandemId: string): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of Buffer.from(tandemId, 'utf8')) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32hex[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += base32hex[(value << (5 - bits)) & 31];
  return `tandem${out}`.slice(0, 1024);
}

/** An instant (ISO UTC) of a Google time: midnight UTC of the date for all-day values. */
export function instantOf(t: GoogleTime | null | undefined, zone: string): string | undefined {
  if (!t) return undefined;
  if (t.date) return dateToUtcMidnight(t.date).toISOString();
  if (!t.dateTime) return undefined;
  const ms = /(Z|[+-]\d{2}:?\d{2})$/i.test(t.dateTime) ? Date.parse(t.dateTime) : localToUtc(t.dateTime, t.timeZone ?? zone).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function readTime(t: GoogleTime | null | undefined, calendarZone: string): EventTime {
  const timeZone = t?.timeZone ?? calendarZone;
  if (t?.date) return { local: t.date, timeZone };
  const instant = instantOf(t, calendarZone);
  return { local: instant ? utcToLocal(new Date(instant), timeZone) : '', timeZone };
}

function sensitivityOf(visibility: string | null | undefined): Sensitivity {
  if (visibility === 'private') return 'private';
  if (visibility === 'confidential') return 'confidential';
  return 'normal';
}

function responseOf(status: string | null | undefined): EventAttendee['response'] {
  switch (status) {
    case 'accepted':
    case 'tentative':
    case 'declined':
      return status;
    default:
      return 'none';
  }
}

function person(p: { email?: string | null; displayName?: string | null; responseStatus?: string | null }): EventAttendee {
  return { email: p.email ?? '', ...(p.displayName ? { name: p.displayName } : {}), ...(p.responseStatus ? { response: responseOf(p.responseStatus) } : {}) };
}

/** RRULE and EXDATE lines of a master; EXDATEs become ISO UTC instants (dates: midnight UTC). */
export function readRecurrence(lines: readonly string[], allDay: boolean, zone: string): { rrule: string; exdates: string[] } | undefined {
  let rrule: string | undefined;
  const exdates: string[] = [];
  for (const line of lines) {
    const m = /^([A-Z-]+)((?:;[^:]*)?):(.*)$/i.exec(line.trim());
    if (!m) continue;
    const [, name = '', params = '', value = ''] = m;
    if (name.toUpperCase() === 'RRULE') rrule = value;
    if (name.toUpperCase() !== 'EXDATE') continue;
    const tzid = /TZID=([^;:]+)/i.exec(params)?.[1] ?? zone;
    for (const v of value.split(',')) {
      const d = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(v.trim());
      if (!d) continue;
      const [, y, mo, day, h, mi, s, z] = d;
      const date = `${y}-${mo}-${day}`;
      if (allDay || h === undefined) exdates.push(dateToUtcMidnight(date).toISOString());
      else if (z) exdates.push(new Date(`${date}T${h}:${mi}:${s}Z`).toISOString());
      else exdates.push(localToUtc(`${date}T${h}:${mi}:${s}`, tzid).toISOString());
    }
  }
  return rrule ? { rrule, exdates } : undefined;
}

/** Fields an instance inherits from its master; one that differs (or a moved start) makes it an exception. */
function differsFromMaster(e: GoogleEvent, master: GoogleEvent | undefined, zone: string): boolean {
  if (instantOf(e.start, zone) !== instantOf(e.originalStartTime, zone)) return true;
  if (!master) return false;
  const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);
  return !same(e.summary, master.summary) || !same(e.description, master.description) || !same(e.location, master.location) || !same(e.visibility, master.visibility) || !same(e.transparency, master.transparency);
}

/**
 * One Google event as a ProviderEvent. `calendarZone` is the list answer's `timeZone` (used when an
 * event states none); `master` lets an instance tell an untouched occurrence from an exception.
 */
export function toProviderEvent(e: GoogleEvent, calendarZone: string, master?: GoogleEvent): ProviderEvent {
  const allDay = Boolean(e.start?.date);
  const start = readTime(e.start, calendarZone);
  const end = readTime(e.end, e.start?.timeZone ?? calendarZone);
  const isMaster = Boolean(e.recurrence?.length) && !e.recurringEventId;
  const kind: ProviderEvent['kind'] = isMaster ? 'seriesMaster' : e.recurringEventId ? (differsFromMaster(e, master, start.timeZone) ? 'exception' : 'occurrence') : 'single';
  const recurrence = isMaster ? readRecurrence(e.recurrence ?? [], allDay, start.timeZone) : undefined;
  const originalStart = e.recurringEventId ? instantOf(e.originalStartTime, start.timeZone) : undefined;
  const tandemId = e.extendedProperties?.private?.[tandemIdProperty];
  return {
    providerId: e.id ?? '',
    etag: e.etag ?? '',
    ...(e.iCalUID ? { iCalUid: e.iCalUID } : {}),
    kind,
    ...(e.recurringEventId ? { seriesMasterId: e.recurringEventId } : {}),
    ...(originalStart ? { originalStart } : {}),
    subject: e.summary ?? '',
    ...(e.description ? { bodyText: e.description } : {}),
    ...(e.location ? { location: e.location } : {}),
    start,
    end,
    allDay,
    sensitivity: sensitivityOf(e.visibility),
    showAs: e.transparency === 'transparent' ? 'free' : e.status === 'tentative' ? 'tentative' : 'busy',
    ...(e.organizer?.email ? { organizer: person(e.organizer) } : {}),
    attendees: (e.attendees ?? []).filter((a) => a.email).map(person),
    ...(recurrence ? { recurrence } : {}),
    ...(tandemId ? { tandemId } : {}),
    ...(e.status === 'cancelled' ? { cancelled: true } : {}),
  };
}

function writeTime(t: EventTime, allDay: boolean): GoogleTime {
  // A dateTime without offset is read in `timeZone` (events resource: offset optional when a zone is given).
  return allDay ? { date: t.local.slice(0, 10), timeZone: t.timeZone } : { dateTime: t.local.slice(0, 19), timeZone: t.timeZone };
}

const visibilityFor: Record<Sensitivity, string> = { normal: 'default', personal: 'private', private: 'private', confidential: 'confidential' };

/** The request body for an insert or patch of a Tandem appointment. */
export function toGoogleEventBody(input: EventInput): GoogleEvent {
  return {
    summary: input.subject,
    description: input.bodyText ?? null,
    location: input.location ?? null,
    start: writeTime(input.start, input.allDay),
    end: writeTime(input.end, input.allDay),
    visibility: visibilityFor[input.sensitivity],
    attendees: input.attendees.map((a) => ({ email: a.email, ...(a.name ? { displayName: a.name } : {}) })),
    extendedProperties: { private: { [tandemIdProperty]: input.tandemId } },
  };
}
