/**
 * The two translations the reconciler needs, both pure: a provider event → the appointment columns
 * it sets, and a CRM appointment → the EventInput pushed to the provider (tandemId = appointment id,
 * so the event is recognised when it comes back).
 */
import { createHash } from 'node:crypto';
import { dateToUtcMidnight, localToUtc, wallMs } from '../../domain/zoned-time';
import type { EventInput, EventTime, ProviderEvent } from '../../providers/provider';
import type { AppointmentChange } from '../../domain/appointments';
import type { Appointment } from '../../store/repos/appointments';
import type { AppointmentKind } from '../../store/schema';

/** Columns a provider event decides (content, times, series shape, provider ref). */
export type EventColumns = Pick<
  Appointment,
  | 'subject'
  | 'body'
  | 'location'
  | 'startAt'
  | 'endAt'
  | 'startLocal'
  | 'endLocal'
  | 'timeZone'
  | 'allDay'
  | 'attendees'
  | 'sensitivity'
  | 'showAs'
  | 'icalUid'
  | 'kind'
  | 'recurrenceRule'
  | 'exdates'
  | 'originalStart'
  | 'cancelled'
  | 'etag'
  | 'providerId'
>;

const kinds: Record<ProviderEvent['kind'], AppointmentKind> = {
  single: 'single',
  seriesMaster: 'series_master',
  occurrence: 'occurrence',
  exception: 'exception',
};

export function appointmentKindOf(event: Pick<ProviderEvent, 'kind'>): AppointmentKind {
  return kinds[event.kind];
}

/**
 * The instant an event time denotes. All-day bounds are stored as UTC midnight of their dates
 * (domain/appointment-types), so an all-day event stays on its dates across DST. A zone the runtime
 * does not know (an adapter passed a name through) is read as UTC rather than failing the page.
 */
export function instantOf(time: EventTime, allDay: boolean): Date {
  if (allDay) return dateToUtcMidnight(time.local);
  try {
    return zonedInstant(time.local, time.timeZone);
  } catch (e) {
    if (e instanceof RangeError) return localToUtc(time.local, 'UTC');
    throw e;
  }
}

/** Offsets (ms) of whole local days without a transition, by "zone|YYYY-MM-DD". */
const dayOffsets = new Map<string, number>();
const maxCachedDays = 50_000;

/**
 * localToUtc, memoised per local day: a full sync maps thousands of events and the exact
 * conversion costs several Intl calls. A day is cached only when its first minute, noon and last
 * minute share one offset, so days holding a DST change (also one at midnight) are always exact.
 */
function zonedInstant(local: string, zone: string): Date {
  const day = local.slice(0, 10);
  const key = `${zone}|${day}`;
  const cached = dayOffsets.get(key);
  if (cached !== undefined) return new Date(wallMs(local) - cached);
  const exact = localToUtc(local, zone);
  const offset = (time: string) => wallMs(`${day}T${time}`) - localToUtc(`${day}T${time}`, zone).getTime();
  const noon = offset('12:00:00');
  if (offset('00:00:00') === noon && offset('23:59:00') === noon) {
    if (dayOffsets.size >= maxCachedDays) dayOffsets.clear();
    dayOffsets.set(key, noon);
  }
  return exact;
}

export function eventColumns(event: ProviderEvent): EventColumns {
  return {
    subject: event.subject,
    body: event.bodyText ?? null,
    location: event.location ?? null,
    startAt: instantOf(event.start, event.allDay),
    endAt: instantOf(event.end, event.allDay),
    startLocal: event.start.local,
    endLocal: event.end.local,
    timeZone: event.start.timeZone,
    allDay: event.allDay,
    attendees: event.attendees,
    sensitivity: event.sensitivity,
    showAs: event.showAs ?? null,
    icalUid: event.iCalUid ?? null,
    kind: appointmentKindOf(event),
    recurrenceRule: event.recurrence?.rrule ?? null,
    exdates: event.recurrence?.exdates ?? [],
    originalStart: event.originalStart ? new Date(event.originalStart) : null,
    cancelled: event.cancelled === true,
    etag: event.etag,
    providerId: event.providerId,
  };
}

/** What Tandem writes at the provider for one of its appointments. */
export function eventInputOf(
  a: Pick<Appointment, 'id' | 'subject' | 'body' | 'location' | 'startLocal' | 'endLocal' | 'timeZone' | 'allDay' | 'sensitivity' | 'attendees'>,
): EventInput {
  return {
    tandemId: a.id,
    subject: a.subject,
    ...(a.body ? { bodyText: a.body } : {}),
    ...(a.location ? { location: a.location } : {}),
    start: { local: a.startLocal, timeZone: a.timeZone },
    end: { local: a.endLocal, timeZone: a.timeZone },
    allDay: a.allDay,
    sensitivity: a.sensitivity,
    attendees: a.attendees,
  };
}

/** An appointment's user-editable fields in the domain's shape (domain/appointments AppointmentChange). */
export function editableValues(a: Pick<Appointment, 'subject' | 'body' | 'location' | 'startLocal' | 'endLocal' | 'timeZone' | 'allDay' | 'sensitivity' | 'attendees'>): Required<AppointmentChange> {
  return {
    subject: a.subject,
    location: a.location ?? '',
    bodyText: a.body ?? '',
    startLocal: a.startLocal,
    endLocal: a.endLocal,
    timeZone: a.timeZone,
    allDay: a.allDay,
    sensitivity: a.sensitivity,
    attendees: a.attendees,
  };
}

/** The fields where `mine` differs from `theirs`: the change a user attempted and lost (empty: nothing lost). */
export function attemptedChange(mine: Required<AppointmentChange>, theirs: Required<AppointmentChange>): AppointmentChange {
  const out: AppointmentChange = {};
  for (const key of Object.keys(mine) as (keyof AppointmentChange)[]) {
    if (comparable(key, mine[key]) !== comparable(key, theirs[key])) Object.assign(out, { [key]: mine[key] });
  }
  return out;
}

/** Whether two versions agree on everything the user controls. */
export function sameEditable(a: Required<AppointmentChange>, b: Required<AppointmentChange>): boolean {
  return Object.keys(attemptedChange(a, b)).length === 0;
}

/**
 * A short digest of the editable fields, compared as attemptedChange compares them: the same for a
 * version we sent and the provider's echo of it.
 */
export function editableFingerprint(values: Required<AppointmentChange>): string {
  const keys = (Object.keys(values) as (keyof AppointmentChange)[]).sort();
  return createHash('sha256')
    .update(JSON.stringify(keys.map((k) => [k, comparable(k, values[k])])))
    .digest('base64url')
    .slice(0, 22);
}

/** Providers echo fields back normalised (seconds added, CRLF, attendee responses): compare what the user controls. */
function comparable(key: keyof AppointmentChange, value: unknown): string {
  if (key === 'attendees' && Array.isArray(value)) {
    return JSON.stringify(value.map((a: { email?: unknown }) => String(a.email ?? '').toLowerCase()).sort());
  }
  if ((key === 'startLocal' || key === 'endLocal') && typeof value === 'string') return value.length === 16 ? `${value}:00` : value.slice(0, 19);
  if (typeof value === 'string') return value.replace(/\r\n/g, '\n').trim();
  return JSON.stringify(value);
}
