/**
 * iCalendar (RFC 5545) → ProviderEvent, with ical.js. One calendar object resource holds one event
 * or one series: the master (with RRULE / EXDATE) plus its RECURRENCE-ID exceptions. Series are
 * expanded inside the sync window in local wall-clock time, then converted per instance with the
 * zone's IANA rules, so a 09:00 weekly meeting stays at 09:00 across a DST change.
 */
import ICAL from 'ical.js';
import type { CalendarWindow, EventAttendee, EventTime, ProviderEvent, Sensitivity } from '../provider';
import { toIanaZone, utcToZoned, zonedToUtc } from './time-zones';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;
type Time = InstanceType<typeof ICAL.Time>;

export const tandemIdProperty = 'x-tandem-id';
const maxInstances = 1_000;

interface Stamp {
  time: EventTime;
  allDay: boolean;
  /** The instant (midnight in the zone for all-day). */
  at: Date;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function localOf(t: Time): string {
  const date = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
  return t.isDate ? date : `${date}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
}

function isTime(v: unknown): v is Time {
  return v instanceof ICAL.Time;
}

function zoneOf(prop: Property, t: Time, licLocations: Map<string, string>): string {
  if (t.zone === ICAL.Timezone.utcTimezone) return 'UTC';
  const tzid = prop.getParameter('tzid');
  const id = typeof tzid === 'string' ? tzid : undefined;
  return toIanaZone(id, id ? licLocations.get(id) : undefined);
}

function stampOf(prop: Property | null, licLocations: Map<string, string>): Stamp | undefined {
  const t = prop?.getFirstValue();
  if (!prop || !isTime(t)) return undefined;
  const timeZone = zoneOf(prop, t, licLocations);
  const local = localOf(t);
  return { time: { local, timeZone }, allDay: t.isDate, at: zonedToUtc(local, timeZone) };
}

/** A stamp moved by the event's duration, in absolute time for timed events, in days for all-day. */
function shifted(start: Stamp, ms: number): Stamp {
  if (start.allDay) {
    const d = new Date(Date.parse(`${start.time.local}T00:00:00Z`) + Math.round(ms / 86_400_000) * 86_400_000);
    const local = d.toISOString().slice(0, 10);
    return { time: { local, timeZone: start.time.timeZone }, allDay: true, at: zonedToUtc(local, start.time.timeZone) };
  }
  const at = new Date(start.at.getTime() + ms);
  return { time: { local: utcToZoned(at, start.time.timeZone), timeZone: start.time.timeZone }, allDay: false, at };
}

function durationMs(vevent: Component, start: Stamp, licLocations: Map<string, string>): number {
  const end = stampOf(vevent.getFirstProperty('dtend'), licLocations);
  if (end) return end.at.getTime() - start.at.getTime();
  const duration = vevent.getFirstPropertyValue('duration');
  if (duration instanceof ICAL.Duration) return duration.toSeconds() * 1000;
  return start.allDay ? 86_400_000 : 0;
}

function text(vevent: Component, name: string): string | undefined {
  const v = vevent.getFirstPropertyValue(name);
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function address(prop: Property): EventAttendee | undefined {
  const v = prop.getFirstValue();
  if (typeof v !== 'string') return undefined;
  const email = v.replace(/^mailto:/i, '');
  const cn = prop.getParameter('cn');
  const partstat = prop.getParameter('partstat');
  const response = ({ ACCEPTED: 'accepted', TENTATIVE: 'tentative', DECLINED: 'declined', 'NEEDS-ACTION': 'none' } as const)[
    String(partstat ?? '').toUpperCase() as 'ACCEPTED'
  ];
  return { email, name: typeof cn === 'string' ? cn : undefined, response };
}

function sensitivityOf(vevent: Component): Sensitivity {
  const cls = text(vevent, 'class')?.toUpperCase();
  if (cls === 'PRIVATE') return 'private';
  if (cls === 'CONFIDENTIAL') return 'confidential';
  return 'normal';
}

interface Parsed {
  vevent: Component;
  start: Stamp;
  durationMs: number;
}

function details(p: Parsed, base: { providerId: string; etag: string }): ProviderEvent {
  const { vevent } = p;
  const status = text(vevent, 'status')?.toUpperCase();
  const transp = text(vevent, 'transp')?.toUpperCase();
  const organizerProp = vevent.getFirstProperty('organizer');
  const end = shifted(p.start, p.durationMs);
  return {
    providerId: base.providerId,
    etag: base.etag,
    iCalUid: text(vevent, 'uid'),
    kind: 'single',
    subject: text(vevent, 'summary') ?? '',
    bodyText: text(vevent, 'description'),
    location: text(vevent, 'location'),
    start: p.start.time,
    end: end.time,
    allDay: p.start.allDay,
    sensitivity: sensitivityOf(vevent),
    showAs: status === 'TENTATIVE' ? 'tentative' : transp === 'TRANSPARENT' ? 'free' : 'busy',
    organizer: organizerProp ? address(organizerProp) : undefined,
    attendees: vevent.getAllProperties('attendee').flatMap((a) => address(a) ?? []),
    tandemId: text(vevent, tandemIdProperty),
    cancelled: status === 'CANCELLED' ? true : undefined,
  };
}

const overlaps = (start: Date, end: Date, w: CalendarWindow) => end.getTime() > w.start.getTime() && start.getTime() < w.end.getTime();

/** Instance ids: the resource href plus the instance's original start in UTC. */
export function instanceId(href: string, originalStart: Date): string {
  return `${href}#${originalStart.toISOString()}`;
}

/**
 * Events of one calendar object resource inside the window. A series yields its master (carrying
 * RRULE and EXDATEs) and every instance in the window: occurrences, and exceptions for instances
 * the organizer moved or cancelled.
 */
export function readCalendarObject(ics: string, resource: { href: string; etag: string }, window: CalendarWindow): ProviderEvent[] {
  const root = new ICAL.Component(ICAL.parse(ics));
  const licLocations = new Map<string, string>();
  for (const tz of root.getAllSubcomponents('vtimezone')) {
    const id = tz.getFirstPropertyValue('tzid');
    const lic = tz.getFirstPropertyValue('x-lic-location');
    if (typeof id === 'string' && typeof lic === 'string') licLocations.set(id, lic);
  }
  const parsed: (Parsed & { recurrenceId?: Stamp })[] = [];
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const start = stampOf(vevent.getFirstProperty('dtstart'), licLocations);
    if (!start) continue;
    parsed.push({ vevent, start, durationMs: durationMs(vevent, start, licLocations), recurrenceId: stampOf(vevent.getFirstProperty('recurrence-id'), licLocations) });
  }
  const master = parsed.find((p) => !p.recurrenceId);
  const rrule = master?.vevent.getFirstPropertyValue('rrule');
  if (!master || !(rrule instanceof ICAL.Recur)) {
    if (!master) return [];
    const end = shifted(master.start, master.durationMs);
    return overlaps(master.start.at, end.at, window) ? [details(master, { ...resource, providerId: resource.href })] : [];
  }

  const exdates = master.vevent
    .getAllProperties('exdate')
    .flatMap((prop) => prop.getValues().filter(isTime).map((t) => zonedToUtc(localOf(t), zoneOf(prop, t, licLocations)).toISOString()));
  const exceptions = new Map(parsed.filter((p) => p.recurrenceId).map((p) => [p.recurrenceId?.at.toISOString() ?? '', p]));
  const masterEvent: ProviderEvent = {
    ...details(master, { ...resource, providerId: resource.href }),
    kind: 'seriesMaster',
    recurrence: { rrule: rrule.toString(), exdates },
  };
  const out: ProviderEvent[] = [masterEvent];
  const seen = new Set<string>();
  const emit = (original: Date, p: Parsed, kind: 'occurrence' | 'exception') => {
    const end = shifted(p.start, p.durationMs);
    if (!overlaps(p.start.at, end.at, window) && !overlaps(original, new Date(original.getTime() + master.durationMs), window)) return;
    out.push({
      ...details(p, { ...resource, providerId: instanceId(resource.href, original) }),
      kind,
      seriesMasterId: resource.href,
      originalStart: original.toISOString(),
    });
  };

  const startTime = master.vevent.getFirstPropertyValue('dtstart');
  if (isTime(startTime)) {
    const iterator = rrule.iterator(startTime);
    for (let i = 0; i < maxInstances; i++) {
      const next = iterator.next();
      if (!next) break;
      const local = localOf(next);
      const original = zonedToUtc(local, master.start.time.timeZone);
      if (original.getTime() >= window.end.getTime()) break;
      const key = original.toISOString();
      seen.add(key);
      if (exdates.includes(key)) continue;
      const exception = exceptions.get(key);
      if (exception) emit(original, exception, 'exception');
      else emit(original, { ...master, start: { time: { local, timeZone: master.start.time.timeZone }, allDay: master.start.allDay, at: original } }, 'occurrence');
    }
  }
  // Exceptions whose RECURRENCE-ID the rule does not produce (RDATE-added, or beyond our iteration).
  for (const [key, exception] of exceptions) if (!seen.has(key)) emit(new Date(key), exception, 'exception');
  return out;
}
