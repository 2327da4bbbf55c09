/**
 * Calendar through Graph. Changes come from calendarView delta (delta-query-events docs): a round of
 * pages linked by @odata.nextLink ending in an @odata.deltaLink; the stored cursor is that link. The
 * window is baked into the token, so a new window means a new initial sync. Delta returns singles,
 * occurrences and exceptions but never series masters, so each master is read once (GET
 * /me/events/{id}) for its pattern. An evicted token answers 410 → cursor_expired.
 */
import { expandSeries, RecurrenceError } from '../../domain/recurrence';
import { ProviderError } from '../errors';
import type { CalendarAbility, CalendarChanges, CalendarWindow, EventInput, ProviderEvent } from '../provider';
import { runBatch } from './graph-batch';
import { odataString, type GraphClient } from './graph-client';
import { tandemIdOf, tandemPropertyExpand, tandemPropertyId, toGraphEventBody, toProviderEvent, type GraphEvent } from './event-mapping';

/** Ask for UTC so instants are exact; the local zone comes from originalStartTimeZone. */
const utcPreference = 'outlook.timezone="UTC"';
const textBodyPreference = 'outlook.body-content-type="text"';

export interface GraphCalendarOptions {
  /** Delta page size (Prefer odata.maxpagesize). */
  pageSize?: number;
}

interface DeltaPage {
  value?: GraphEvent[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

const eventPath = (id: string) => `/me/events/${encodeURIComponent(id)}`;

export function createGraphCalendar(graph: GraphClient, options: GraphCalendarOptions = {}): CalendarAbility {
  const pageSize = options.pageSize ?? 50;
  const prefer = [utcPreference, textBodyPreference];
  /** Series masters read during this provider's life (a job): one GET per master. */
  const masters = new Map<string, ProviderEvent | null>();

  /**
   * Cancelled occurrences are listed on the master only in beta, and /instances never returns them
   * (event docs), so EXDATEs are the pattern's starts in the window that /instances lacks.
   */
  async function cancelledStarts(m: ProviderEvent, window: CalendarWindow): Promise<string[]> {
    if (!m.recurrence) return [];
    const key = (s: string) => (m.allDay ? s.slice(0, 10) : new Date(s).toISOString());
    const present = new Set<string>();
    let next: string | undefined = `${eventPath(m.providerId)}/instances`;
    let query: Record<string, string> | undefined = {
      startDateTime: window.start.toISOString(),
      endDateTime: window.end.toISOString(),
      $select: 'id,originalStart,type',
      $top: '200',
    };
    while (next) {
      const page = (await graph.get(next, query, prefer)) as DeltaPage;
      for (const i of page.value ?? []) if (i.originalStart) present.add(key(i.originalStart));
      next = page['@odata.nextLink'];
      query = undefined;
    }
    try {
      const expected = expandSeries({ start: m.start.local, end: m.end.local, timeZone: m.start.timeZone, allDay: m.allDay, rrule: m.recurrence.rrule }, window);
      return expected.map((o) => o.originalStart).filter((s) => !present.has(key(s)));
    } catch (e) {
      // A rule our expander refuses: report no exclusions rather than invent them.
      if (e instanceof RecurrenceError) return [];
      throw e;
    }
  }

  async function master(id: string, window: CalendarWindow): Promise<ProviderEvent | null> {
    if (masters.has(id)) return masters.get(id) ?? null;
    try {
      const body = (await graph.get(eventPath(id), { $expand: tandemPropertyExpand }, prefer)) as GraphEvent;
      const mapped = toProviderEvent(body);
      if (mapped.recurrence) mapped.recurrence.exdates = await cancelledStarts(mapped, window);
      masters.set(id, mapped);
      return mapped;
    } catch (e) {
      // The series went away between the delta page and this read: its instances say so too.
      if (e instanceof ProviderError && e.kind === 'not_found') {
        masters.set(id, null);
        return null;
      }
      throw e;
    }
  }

  /**
   * calendarView delta refuses $expand (delta-query-events docs), so our extended property is read
   * for the changed single events in $batch (20 per request). Tandem makes no series, so instances
   * never carry it (and masters are read with $expand). A failed read fails the page: an event
   * reported without its tandemId would look user-made and be imported twice.
   */
  async function attachTandemIds(events: ProviderEvent[]): Promise<void> {
    const need = events.filter((e) => e.kind === 'single');
    const outcomes = await runBatch(
      graph,
      need.map((e) => ({ method: 'GET', url: `${eventPath(e.providerId)}?$select=id&$expand=${encodeURIComponent(tandemPropertyExpand)}` })),
    );
    need.forEach((event, i) => {
      const o = outcomes[i];
      if (!o) return;
      if (!o.ok) {
        if (o.error.kind === 'not_found') return;
        throw o.error;
      }
      const tandemId = tandemIdOf(o.body as GraphEvent);
      if (tandemId) event.tandemId = tandemId;
    });
  }

  async function write(method: 'POST' | 'PATCH', path: string, body: Record<string, unknown>, input: EventInput, etag?: string): Promise<ProviderEvent> {
    const res = await graph.send({
      method,
      path,
      json: body,
      prefer,
      ...(etag ? { headers: { 'if-match': etag } } : {}),
      // A create carries a transactionId, so Graph drops a retried duplicate: safe to repeat.
      idempotent: true,
    });
    const event = toProviderEvent(res.body as GraphEvent, input.start.timeZone);
    return { ...event, tandemId: input.tandemId };
  }

  return {
    async fetchChanges(cursor: string | null, window: CalendarWindow): Promise<CalendarChanges> {
      const headers = [...prefer, `odata.maxpagesize=${pageSize}`];
      const body = (
        cursor
          ? await graph.get(cursor, undefined, headers)
          : await graph.get('/me/calendarView/delta', { startDateTime: window.start.toISOString(), endDateTime: window.end.toISOString() }, headers)
      ) as DeltaPage;
      const upserts: ProviderEvent[] = [];
      const deletions: string[] = [];
      const seriesIds = new Set<string>();
      for (const e of body.value ?? []) {
        if (!e.id) continue;
        if (e['@removed']) {
          deletions.push(e.id);
          continue;
        }
        const event = toProviderEvent(e);
        upserts.push(event);
        if (event.seriesMasterId) seriesIds.add(event.seriesMasterId);
      }
      await attachTandemIds(upserts);
      for (const id of seriesIds) {
        const m = await master(id, window);
        if (m && !upserts.some((u) => u.providerId === m.providerId)) upserts.push(m);
      }
      const next = body['@odata.nextLink'] ?? body['@odata.deltaLink'];
      if (!next) throw new ProviderError('transient', 'Graph delta page without next or delta link', { code: 'no_delta_link' });
      return { upserts, deletions, nextCursor: next, fullSync: cursor === null, more: body['@odata.nextLink'] !== undefined };
    },

    async createEvent(input: EventInput): Promise<ProviderEvent> {
      // transactionId (event docs) lets Graph drop a retried POST after a lost answer.
      return write('POST', '/me/events', { ...toGraphEventBody(input), transactionId: `tandem-${input.tandemId}` }, input);
    },

    async updateEvent(providerId: string, etag: string, input: EventInput): Promise<ProviderEvent> {
      // If-Match with the etag: a stale one is 412 → conflict.
      return write('PATCH', eventPath(providerId), toGraphEventBody(input), input, etag);
    },

    async deleteEvent(providerId: string, etag?: string): Promise<void> {
      try {
        await graph.send({ method: 'DELETE', path: eventPath(providerId), ...(etag ? { headers: { 'if-match': etag } } : {}) });
      } catch (e) {
        // Already gone is what we wanted.
        if (e instanceof ProviderError && e.kind === 'not_found') return;
        throw e;
      }
    },

    async findByTandemId(tandemId: string): Promise<ProviderEvent | null> {
      const body = (await graph.get(
        '/me/events',
        {
          $filter: `singleValueExtendedProperties/any(ep: ep/id eq ${odataString(tandemPropertyId)} and ep/value eq ${odataString(tandemId)})`,
          $expand: tandemPropertyExpand,
          $top: '1',
        },
        prefer,
      )) as { value?: GraphEvent[] };
      const hit = body.value?.[0];
      return hit ? toProviderEvent(hit) : null;
    },
  };
}
