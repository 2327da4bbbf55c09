/**
 * events.list and events.instances, following developers.google.com/calendar/api/guides/sync and
 * the events.list reference: timeMin bounds event ends and timeMax starts (both exclusive);
 * singleEvents expands series; nextSyncToken comes only on the last page; a syncToken cannot be
 * combined with timeMin/timeMax/orderBy/q/…; an expired one answers 410 fullSyncRequired, after
 * which the client wipes and lists again. Incremental results always include cancelled entries.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import type { CalendarStore } from './calendar-store';
import { expansionHorizonMs } from './calendar-store';
import { GoogleApiError, badRequest, boolParam, decodeToken, encodeToken, intParam } from './http-kit';
import type { GoogleMailbox } from './state';

interface Entry {
  event: calendar_v3.Schema$Event;
  startMs: number;
  endMs: number;
}

const notWithSyncToken = ['timeMin', 'timeMax', 'orderBy', 'privateExtendedProperty', 'sharedExtendedProperty', 'q', 'iCalUID', 'updatedMin'];

function timeParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (!raw) return undefined;
  // RFC 3339 with a mandatory offset, per the events.list reference.
  const ms = /(Z|[+-]\d{2}:\d{2})$/i.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) throw badRequest(`Bad Request: invalid ${name}`, 'badRequest', name);
  return ms;
}

function propertyFilter(q: URLSearchParams, name: string, pick: (e: calendar_v3.Schema$Event) => Record<string, string> | null | undefined): (e: calendar_v3.Schema$Event) => boolean {
  const pairs = q.getAll(name).map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw badRequest(`Invalid ${name}: ${p}`, 'invalid', name);
    return [p.slice(0, eq), p.slice(eq + 1)] as const;
  });
  return (e) => pairs.every(([k, v]) => pick(e)?.[k] === v);
}

export class CalendarLister {
  constructor(private readonly store: CalendarStore) {}

  private entry(mb: GoogleMailbox, event: calendar_v3.Schema$Event): Entry {
    const { start, end } = this.store.times(mb, event);
    return { event, startMs: start.ms, endMs: end.ms };
  }

  list(mb: GoogleMailbox, q: URLSearchParams): calendar_v3.Schema$Events {
    const cal = mb.calendar;
    const syncTokenRaw = q.get('syncToken');
    const singleEvents = boolParam(q, 'singleEvents');
    const orderBy = q.get('orderBy');
    const maxResults = intParam(q, 'maxResults', 250, 1, 2500);
    if (syncTokenRaw) {
      const clash = notWithSyncToken.find((p) => q.has(p));
      if (clash) throw badRequest(`The ${clash} parameter cannot be used together with syncToken.`, 'badRequest', clash);
    }
    if (orderBy && orderBy !== 'startTime' && orderBy !== 'updated') throw badRequest(`Invalid orderBy: ${orderBy}`, 'invalid', 'orderBy');
    if (orderBy === 'startTime' && !singleEvents) throw badRequest('The requested ordering is not available for the particular query.', 'badRequest', 'orderBy');
    let since: number | undefined;
    if (syncTokenRaw) {
      const token = decodeToken(syncTokenRaw, 'syncToken');
      since = typeof token.s === 'number' ? token.s : Number.NaN;
      if (!Number.isFinite(since)) throw badRequest('Invalid sync token value.', 'invalid', 'syncToken');
      if (since < cal.syncFloor) throw new GoogleApiError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', { status: 'GONE' });
    }
    const page = q.get('pageToken') ? decodeToken(q.get('pageToken') ?? '', 'pageToken') : undefined;
    // The first page fixes the sequence number the whole listing covers, so paging is stable.
    const upTo = typeof page?.u === 'number' ? page.u : cal.seq;
    const timeMin = timeParam(q, 'timeMin');
    const timeMax = timeParam(q, 'timeMax');
    if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin) throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', { location: 'timeMax', locationType: 'parameter' });
    const incremental = since !== undefined;
    const showDeleted = incremental || boolParam(q, 'showDeleted');
    const base = [...cal.events.values()].filter((s) => s.changeSeq <= upTo && (since === undefined || s.changeSeq > since)).map((s) => s.event);

    const entries: Entry[] = [];
    const from = timeMin ?? Number.NEGATIVE_INFINITY;
    const to = timeMax ?? Number.POSITIVE_INFINITY;
    for (const ev of base) {
      const cancelled = ev.status === 'cancelled';
      const isMaster = Boolean(ev.recurrence?.length) && !ev.recurringEventId;
      if (isMaster && !cancelled) {
        if (singleEvents) {
          for (const inst of this.store.instancesOf(mb, ev, from, Number.isFinite(to) ? to : this.horizon())) entries.push(this.entry(mb, inst));
          continue;
        }
        const hasInstance = this.store.instancesOf(mb, ev, from, Number.isFinite(to) ? to : this.horizon()).length > 0;
        if (hasInstance || (timeMin === undefined && timeMax === undefined)) entries.push(this.entry(mb, ev));
        continue;
      }
      // Cancelled exceptions are listed without showDeleted when series are not expanded (events.list docs).
      if (cancelled && !showDeleted && !(ev.recurringEventId && !singleEvents)) continue;
      const e = this.entry(mb, ev);
      if (!isMaster && (e.endMs <= from || e.startMs >= to)) continue;
      entries.push(e);
    }

    const filters = [
      propertyFilter(q, 'privateExtendedProperty', (e) => e.extendedProperties?.private),
      propertyFilter(q, 'sharedExtendedProperty', (e) => e.extendedProperties?.shared),
    ];
    const text = q.get('q')?.toLowerCase();
    const iCalUID = q.get('iCalUID');
    const updatedMin = timeParam(q, 'updatedMin');
    const kept = entries.filter(
      ({ event: e }) =>
        filters.every((f) => f(e)) &&
        (!text || `${e.summary ?? ''} ${e.description ?? ''} ${e.location ?? ''}`.toLowerCase().includes(text)) &&
        (!iCalUID || e.iCalUID === iCalUID) &&
        (updatedMin === undefined || Date.parse(e.updated ?? '') >= updatedMin),
    );
    const keyOf = (e: Entry): [number, string] => [orderBy === 'updated' ? Date.parse(e.event.updated ?? '') : e.startMs, e.event.id ?? ''];
    kept.sort((a, b) => {
      const [ka, ia] = keyOf(a);
      const [kb, ib] = keyOf(b);
      return ka - kb || (ia < ib ? -1 : ia > ib ? 1 : 0);
    });
    // Keyset paging on (sort key, id).
    const afterKey = Array.isArray(page?.k) ? page.k : undefined;
    const rest =
      afterKey && typeof afterKey[0] === 'number' && typeof afterKey[1] === 'string'
        ? kept.filter((e) => {
            const [k, id] = keyOf(e);
            return k > (afterKey[0] as number) || (k === afterKey[0] && id > (afterKey[1] as string));
          })
        : kept;
    const items = rest.slice(0, maxResults);
    const out: calendar_v3.Schema$Events = {
      kind: 'calendar#events',
      etag: `"p${upTo}"`,
      summary: mb.address,
      updated: new Date(Math.max(0, ...items.map((i) => Date.parse(i.event.updated ?? '') || 0))).toISOString(),
      timeZone: cal.timeZone,
      accessRole: 'owner',
      defaultReminders: [],
      items: items.map((i) => i.event),
    };
    const last = items[items.length - 1];
    if (rest.length > maxResults && last) out.nextPageToken = encodeToken({ u: upTo, k: keyOf(last) });
    else out.nextSyncToken = encodeToken({ s: upTo, m: singleEvents ? 1 : 0 });
    return out;
  }

  private horizon(): number {
    return this.store.nowMs() + expansionHorizonMs;
  }

  instances(mb: GoogleMailbox, masterId: string, q: URLSearchParams): calendar_v3.Schema$Events {
    const master = this.store.get(mb, masterId);
    if (!master.recurrence?.length) throw badRequest('The event is not a recurring event.', 'invalid');
    const from = timeParam(q, 'timeMin') ?? Number.NEGATIVE_INFINITY;
    const to = timeParam(q, 'timeMax') ?? this.store.nowMs() + expansionHorizonMs;
    const showDeleted = boolParam(q, 'showDeleted');
    const entries = this.store.instancesOf(mb, master, from, to).map((e) => this.entry(mb, e));
    for (const s of this.store.exceptionsOf(mb, masterId)) {
      if (s.event.status === 'cancelled') {
        if (showDeleted) entries.push(this.entry(mb, s.event));
        continue;
      }
      const e = this.entry(mb, s.event);
      if (e.endMs > from && e.startMs < to) entries.push(e);
    }
    entries.sort((a, b) => a.startMs - b.startMs);
    const maxResults = intParam(q, 'maxResults', 250, 1, 2500);
    const offset = q.get('pageToken') ? Number(decodeToken(q.get('pageToken') ?? '', 'pageToken').o ?? 0) : 0;
    const items = entries.slice(offset, offset + maxResults);
    const out: calendar_v3.Schema$Events = { kind: 'calendar#events', summary: mb.address, timeZone: mb.calendar.timeZone, accessRole: 'owner', items: items.map((i) => i.event) };
    if (offset + maxResults < entries.length) out.nextPageToken = encodeToken({ o: offset + maxResults });
    return out;
  }
}
