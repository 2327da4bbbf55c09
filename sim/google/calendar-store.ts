/**
 * Calendar changes: insert / patch / update / delete with ETag preconditions, exceptions of recurring
 * series stored under their instance ids, a change sequence for sync tokens, and a channel
 * notification ("exists") after every change, as events.watch channels receive.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import {
  eventTimeValue,
  expandInstances,
  instanceId,
  isValidZone,
  originalKey,
  parseEventBody,
  parseRecurrence,
  resolveTime,
  type InstanceSlot,
  type RecurrenceSpec,
  type ResolvedTime,
} from './calendar-model';
import { GoogleApiError, badRequest, isRecord, notFound } from './http-kit';
import type { GoogleMailbox, SimWorld, StoredEvent } from './state';

export type CalendarChangeListener = (mailbox: GoogleMailbox) => void;

/** Far enough to list a year of a daily series without timeMax, like Google's own expansion cap. */
export const expansionHorizonMs = 366 * 24 * 3600_000;

function etagFor(updatedMs: number, seq: number): string {
  return `"${BigInt(updatedMs) * 1000n + BigInt(seq % 1000)}"`;
}

/** Patch semantics: objects merge key by key, arrays and scalars replace, null clears. */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isRecord(v) && isRecord(out[k])) out[k] = mergePatch(out[k] as Record<string, unknown>, v);
    else out[k] = v;
  }
  return out;
}

const serverOwned = ['kind', 'etag', 'created', 'updated', 'htmlLink', 'iCalUID', 'creator', 'organizer', 'recurringEventId', 'originalStartTime', 'sequence'] as const;

export class CalendarStore {
  constructor(
    private readonly world: SimWorld,
    private readonly onChange: CalendarChangeListener,
  ) {}

  nowMs(): number {
    return this.world.clock.now().getTime();
  }

  times(mb: GoogleMailbox, ev: calendar_v3.Schema$Event): { start: ResolvedTime; end: ResolvedTime } {
    return { start: resolveTime(ev.start ?? undefined, mb.calendar.timeZone, 'start'), end: resolveTime(ev.end ?? undefined, mb.calendar.timeZone, 'end') };
  }

  recurrenceOf(mb: GoogleMailbox, ev: calendar_v3.Schema$Event): RecurrenceSpec | undefined {
    if (!ev.recurrence || ev.recurrence.length === 0) return undefined;
    const { start } = this.times(mb, ev);
    return parseRecurrence(ev.recurrence, start.allDay, start.timeZone);
  }

  /** Checks times and recurrence the way Calendar refuses bad events: 400 with a reason. */
  private validate(mb: GoogleMailbox, ev: calendar_v3.Schema$Event): void {
    const { start, end } = this.times(mb, ev);
    if (start.allDay !== end.allDay) throw badRequest('Start and end times must either both be date or both be dateTime.', 'invalid');
    if (end.ms < start.ms || (end.ms === start.ms && start.allDay)) throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', { location: 'end.dateTime', locationType: 'parameter' });
    const rec = this.recurrenceOf(mb, ev);
    if (rec) {
      // Recurring events need a zone to expand in (documented: timeZone is required for them).
      if (!start.allDay && !ev.start?.timeZone) throw badRequest('Missing time zone definition for start time.', 'required');
      expandInstances(start, end, rec, [], start.ms, start.ms + 1);
    }
    for (const t of [ev.start?.timeZone, ev.end?.timeZone]) if (t && !isValidZone(t)) throw badRequest('Invalid time zone definition.', 'invalid');
    // Calendar answers dateTime values as RFC 3339 with the offset, whatever form was sent.
    ev.start = eventTimeValue(start, Boolean(ev.start?.timeZone));
    ev.end = eventTimeValue(end, Boolean(ev.end?.timeZone));
  }

  private commit(mb: GoogleMailbox, ev: calendar_v3.Schema$Event): StoredEvent {
    const cal = mb.calendar;
    cal.seq += 1;
    const now = this.nowMs();
    ev.updated = new Date(now).toISOString();
    ev.etag = etagFor(now, cal.seq);
    const id = ev.id ?? '';
    const stored = { event: ev, changeSeq: cal.seq };
    cal.events.set(id, stored);
    this.onChange(mb);
    return stored;
  }

  insert(mb: GoogleMailbox, body: unknown): calendar_v3.Schema$Event {
    const ev = parseEventBody(body);
    for (const k of serverOwned) delete ev[k];
    if (ev.id !== undefined && ev.id !== null) {
      // Client-chosen ids: base32hex (a–v, 0–9), 5 to 1024 characters (events resource docs).
      if (!/^[a-v0-9]{5,1024}$/.test(ev.id)) throw badRequest('Invalid resource id value.', 'invalid');
      if (mb.calendar.events.has(ev.id)) throw new GoogleApiError(409, 'duplicate', 'The requested identifier already exists.', { status: 'ALREADY_EXISTS' });
    } else {
      ev.id = this.world.ids.string(26);
    }
    this.validate(mb, ev);
    const now = new Date(this.nowMs()).toISOString();
    Object.assign(ev, {
      kind: 'calendar#event',
      status: ev.status ?? 'confirmed',
      created: now,
      iCalUID: `${ev.id}@google.com`,
      sequence: 0,
      creator: { email: mb.address, self: true },
      organizer: { email: mb.address, self: true },
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${ev.id} ${mb.address}`).toString('base64url')}`,
      reminders: ev.reminders ?? { useDefault: true },
      eventType: ev.eventType ?? 'default',
    });
    return this.commit(mb, ev).event;
  }

  /** A stored event, or a recurring instance computed from its master (not stored until changed). */
  find(mb: GoogleMailbox, id: string): calendar_v3.Schema$Event | undefined {
    const stored = mb.calendar.events.get(id);
    if (stored) return stored.event;
    const m = /^(.+)_(\d{8})(?:T(\d{6})Z)?$/.exec(id);
    if (!m) return undefined;
    const master = mb.calendar.events.get(m[1] ?? '');
    if (!master || master.event.status === 'cancelled') return undefined;
    return this.instancesOf(mb, master.event, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, id).find((i) => i.id === id);
  }

  get(mb: GoogleMailbox, id: string): calendar_v3.Schema$Event {
    const ev = this.find(mb, id);
    if (!ev) throw notFound('Not Found');
    return ev;
  }

  private checkEtag(ev: calendar_v3.Schema$Event, ifMatch: string | undefined): void {
    if (ifMatch === undefined || ifMatch === '*' || ifMatch === ev.etag) return;
    throw new GoogleApiError(412, 'conditionNotMet', 'Precondition Failed', { location: 'If-Match', locationType: 'header', status: 'FAILED_PRECONDITION' });
  }

  patch(mb: GoogleMailbox, id: string, body: unknown, ifMatch?: string): calendar_v3.Schema$Event {
    const current = this.get(mb, id);
    this.checkEtag(current, ifMatch);
    const patch = parseEventBody(body) as Record<string, unknown>;
    for (const k of [...serverOwned, 'id']) delete patch[k];
    const next = mergePatch(current as Record<string, unknown>, patch) as calendar_v3.Schema$Event;
    return this.replace(mb, current, next);
  }

  update(mb: GoogleMailbox, id: string, body: unknown, ifMatch?: string): calendar_v3.Schema$Event {
    const current = this.get(mb, id);
    this.checkEtag(current, ifMatch);
    const next = parseEventBody(body);
    for (const k of serverOwned) (next as Record<string, unknown>)[k] = (current as Record<string, unknown>)[k];
    next.id = current.id;
    return this.replace(mb, current, next);
  }

  private replace(mb: GoogleMailbox, current: calendar_v3.Schema$Event, next: calendar_v3.Schema$Event): calendar_v3.Schema$Event {
    if (next.recurringEventId && next.recurrence) throw badRequest('An instance cannot have its own recurrence.', 'invalid');
    this.validate(mb, next);
    next.sequence = (current.sequence ?? 0) + 1;
    // A changed instance becomes an exception stored under its instance id.
    return this.commit(mb, next).event;
  }

  delete(mb: GoogleMailbox, id: string, ifMatch?: string): void {
    const current = this.get(mb, id);
    // Deleting what is already deleted answers 410 with reason "deleted".
    if (current.status === 'cancelled') throw new GoogleApiError(410, 'deleted', 'Resource has been deleted');
    this.checkEtag(current, ifMatch);
    this.commit(mb, { ...current, status: 'cancelled' });
    // Deleting a series master deletes its exceptions with it.
    if (!current.recurringEventId && current.recurrence) {
      for (const s of mb.calendar.events.values()) {
        if (s.event.recurringEventId === current.id && s.event.status !== 'cancelled') this.commit(mb, { ...s.event, status: 'cancelled' });
      }
    }
  }

  /** Exceptions (moved or cancelled instances) stored for a master. */
  exceptionsOf(mb: GoogleMailbox, masterId: string): StoredEvent[] {
    return [...mb.calendar.events.values()].filter((s) => s.event.recurringEventId === masterId);
  }

  /** The master's instances overlapping [from, to): computed slots plus stored exceptions. */
  instancesOf(mb: GoogleMailbox, master: calendar_v3.Schema$Event, from: number, to: number, onlyId?: string): calendar_v3.Schema$Event[] {
    const rec = this.recurrenceOf(mb, master);
    if (!rec) return [];
    const { start, end } = this.times(mb, master);
    const zone = start.timeZone;
    const exceptions = this.exceptionsOf(mb, master.id ?? '');
    const overridden = exceptions.map((e) => originalKey(e.event.originalStartTime ?? undefined, zone)).filter((k): k is string => k !== undefined);
    const lo = Number.isFinite(from) ? from : start.ms;
    const hi = Number.isFinite(to) ? to : this.nowMs() + expansionHorizonMs;
    const slots = expandInstances(start, end, rec, overridden, lo, hi);
    const out = slots.map((slot) => this.instanceFromSlot(master, slot));
    const wanted = onlyId === undefined ? out : out.filter((e) => e.id === onlyId);
    if (onlyId !== undefined && wanted.length === 0) {
      // A slot before the window or beyond the horizon: look for it in the whole series.
      const all = expandInstances(start, end, rec, overridden, start.ms, Math.max(hi, start.ms) + 10 * expansionHorizonMs);
      return all.map((slot) => this.instanceFromSlot(master, slot)).filter((e) => e.id === onlyId);
    }
    return wanted;
  }

  private instanceFromSlot(master: calendar_v3.Schema$Event, slot: InstanceSlot): calendar_v3.Schema$Event {
    const keepZone = Boolean(master.start?.timeZone);
    const ev: calendar_v3.Schema$Event = { ...master };
    delete ev.recurrence;
    ev.id = instanceId(master.id ?? '', slot.originalStart, slot.start.allDay);
    ev.recurringEventId = master.id;
    ev.originalStartTime = slot.start.allDay ? { date: slot.originalStart } : eventTimeValue({ ...slot.start, ms: Date.parse(slot.originalStart) }, keepZone);
    ev.start = eventTimeValue(slot.start, keepZone);
    ev.end = eventTimeValue(slot.end, keepZone);
    return ev;
  }

  expireSyncTokens(mb: GoogleMailbox): void {
    mb.calendar.seq += 1;
    mb.calendar.syncFloor = mb.calendar.seq;
  }
}
