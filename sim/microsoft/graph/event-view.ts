/**
 * Events as Graph shows them: series expanded into occurrences and exceptions, times rendered in UTC
 * unless `Prefer: outlook.timezone` names another zone (event resource docs), the zone the event was
 * created in kept in originalStartTimeZone / originalEndTimeZone (Windows names).
 */
import type { Event } from '@microsoft/microsoft-graph-types';
import type { SimEvent, SimEventFields } from '../types';
import { occurrenceDates } from './recurrence';
import { formatGraphLocal, instantToGraphLocal, localToInstant, parseLocal, toIana, toWindows } from './timezones';

export type GraphEvent = Event & { '@odata.etag': string };
export type InstanceKind = 'singleInstance' | 'seriesMaster' | 'occurrence' | 'exception';

export interface EventInstance {
  event: SimEvent;
  kind: InstanceKind;
  id: string;
  /** Occurrences and exceptions: the pattern start (epoch ms). */
  originalStart?: number;
  fields: SimEventFields;
  changeKey: string;
  lastModifiedDateTime: string;
  /** Effective bounds (epoch ms) for window checks. */
  startMs: number;
  endMs: number;
}

const occurrenceIdPattern = /^(.*)_OC_(\d{8}T\d{6}Z)=$/;

function compactIso(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Occurrence ids are derived from the master id and the original start, so they are stable. */
export function occurrenceId(masterId: string, originalStart: number): string {
  return `${masterId.replace(/=+$/, '')}_OC_${compactIso(originalStart)}=`;
}

export function parseOccurrenceId(id: string): { masterId: string; originalStart: number } | undefined {
  const m = occurrenceIdPattern.exec(id);
  if (!m) return undefined;
  const s = m[2] ?? '';
  const ms = Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15));
  return { masterId: `${m[1]}=`, originalStart: ms };
}

function zoneOf(name: string): string {
  return toIana(name) ?? 'UTC';
}

/** Epoch ms of a stored local time; all-day times are read in their own zone. */
export function instantOf(t: { dateTime: string; timeZone: string }): number {
  return localToInstant(parseLocal(t.dateTime) ?? 0, zoneOf(t.timeZone));
}

function bounds(fields: SimEventFields): { startMs: number; endMs: number } {
  return { startMs: instantOf(fields.start), endMs: instantOf(fields.end) };
}

function single(event: SimEvent): EventInstance {
  return {
    event,
    kind: event.recurrence ? 'seriesMaster' : 'singleInstance',
    id: event.id,
    fields: event.fields,
    changeKey: event.changeKey,
    lastModifiedDateTime: event.lastModifiedDateTime,
    ...bounds(event.fields),
  };
}

/** The event itself (single or master). */
export function masterInstance(event: SimEvent): EventInstance {
  return single(event);
}

/** Occurrences and exceptions of a series overlapping [from, to), cancelled ones left out. */
export function seriesInstances(event: SimEvent, from: number, to: number): EventInstance[] {
  if (!event.recurrence) return [];
  const f = event.fields;
  const startWall = parseLocal(f.start.dateTime) ?? 0;
  const timeOfDay = startWall % 86_400_000;
  const zone = zoneOf(f.start.timeZone);
  const durationMs = instantOf(f.end) - instantOf(f.start);
  const wallDuration = (parseLocal(f.end.dateTime) ?? 0) - startWall;
  const out: EventInstance[] = [];
  // Walk one extra day past the window: a zone west of UTC puts local dates a day behind.
  for (const date of occurrenceDates(event.recurrence, to + 86_400_000 * 2)) {
    const wall = date + timeOfDay;
    const originalStart = localToInstant(wall, zone);
    const ex = event.exceptions.get(new Date(originalStart).toISOString());
    if (ex?.cancelled) continue;
    const endWall = f.isAllDay ? wall + wallDuration : undefined;
    const base: SimEventFields = {
      ...f,
      start: { dateTime: formatGraphLocal(wall).slice(0, 19), timeZone: f.start.timeZone },
      end: {
        dateTime: endWall !== undefined ? formatGraphLocal(endWall).slice(0, 19) : instantToGraphLocal(originalStart + durationMs, zoneOf(f.end.timeZone)).slice(0, 19),
        timeZone: f.end.timeZone,
      },
    };
    const fields = ex ? { ...base, ...ex.overrides } : base;
    const b = bounds(fields);
    if (b.startMs >= to || b.endMs <= from) continue;
    out.push({
      event,
      kind: ex ? 'exception' : 'occurrence',
      id: occurrenceId(event.id, originalStart),
      originalStart,
      fields,
      changeKey: ex ? ex.changeKey : event.changeKey,
      lastModifiedDateTime: ex ? ex.lastModifiedDateTime : event.lastModifiedDateTime,
      ...b,
    });
  }
  return out;
}

/** What calendarView shows in [from, to): singles, occurrences and exceptions, sorted by start. */
export function viewInstances(events: Iterable<SimEvent>, from: number, to: number): EventInstance[] {
  const out: EventInstance[] = [];
  for (const e of events) {
    if (e.recurrence) out.push(...seriesInstances(e, from, to));
    else {
      const s = single(e);
      if (s.startMs < to && s.endMs > from) out.push(s);
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
}

/** Finds a single / master by id, or an occurrence / exception by its derived id. */
export function findInstance(events: Map<string, SimEvent>, id: string): EventInstance | undefined {
  const direct = events.get(id);
  if (direct) return single(direct);
  const occ = parseOccurrenceId(id);
  if (!occ) return undefined;
  const master = events.get(occ.masterId);
  if (!master) return undefined;
  return seriesInstances(master, occ.originalStart - 400 * 86_400_000, occ.originalStart + 400 * 86_400_000).find((i) => i.originalStart === occ.originalStart);
}

function renderTime(t: { dateTime: string; timeZone: string }, allDay: boolean, outZone: string | undefined): { dateTime: string; timeZone: string } {
  if (allDay) return { dateTime: `${t.dateTime.slice(0, 10)}T00:00:00.0000000`, timeZone: outZone ?? 'UTC' };
  const zone = outZone ? zoneOf(outZone) : 'UTC';
  return { dateTime: instantToGraphLocal(instantOf(t), zone), timeZone: outZone ?? 'UTC' };
}

export function toGraphEvent(inst: EventInstance, outZone: string | undefined): GraphEvent {
  const { event, fields } = inst;
  const preview = fields.body.content?.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 255) ?? '';
  return {
    '@odata.etag': `W/"${inst.changeKey}"`,
    id: inst.id,
    createdDateTime: event.createdDateTime,
    lastModifiedDateTime: inst.lastModifiedDateTime,
    changeKey: inst.changeKey,
    categories: fields.categories,
    transactionId: event.transactionId ?? null,
    originalStartTimeZone: toWindows(fields.start.timeZone),
    originalEndTimeZone: toWindows(fields.end.timeZone),
    iCalUId: inst.originalStart !== undefined ? `${event.iCalUId}${compactIso(inst.originalStart)}` : event.iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: fields.subject,
    bodyPreview: preview,
    importance: 'normal',
    sensitivity: fields.sensitivity,
    isAllDay: fields.isAllDay,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: inst.kind === 'occurrence' || inst.kind === 'exception' ? event.id : null,
    showAs: fields.showAs,
    type: inst.kind,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(inst.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body: fields.body,
    start: renderTime(fields.start, fields.isAllDay, outZone),
    end: renderTime(fields.end, fields.isAllDay, outZone),
    ...(inst.originalStart !== undefined ? { originalStart: new Date(inst.originalStart).toISOString().replace('.000Z', 'Z') } : {}),
    location: { displayName: fields.location, locationType: 'default' },
    locations: fields.location ? [{ displayName: fields.location, locationType: 'default' }] : [],
    recurrence: inst.kind === 'seriesMaster' ? event.recurrence : null,
    attendees: fields.attendees,
    organizer: { emailAddress: event.organizer },
  };
}
