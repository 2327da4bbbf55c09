/**
 * The primary calendar through Calendar v3 (sync guide). A full round lists the window with
 * singleEvents=true (series expanded into instances) and showDeleted=true, page by page; the last
 * page's nextSyncToken is the cursor. Incremental rounds present that syncToken (which may not be
 * combined with timeMin/timeMax, so changes anywhere come back: those outside the window are
 * reported as deletions); an aged-out token answers 410 fullSyncRequired → cursor_expired. Each
 * series master is read once (events.get) for its RRULE / EXDATE. Cancelled entries are deletions.
 */
import { ProviderError } from '../errors';
import type { CalendarAbility, CalendarChanges, CalendarWindow, EventInput, ProviderEvent } from '../provider';
import { eventIdFor, instantOf, tandemIdProperty, toGoogleEventBody, toProviderEvent, type GoogleEvent } from './calendar-mapping';
import { decodeGoogleCursor, encodeGoogleCursor, type GoogleCursor } from './google-cursor';
import type { GoogleClient } from './google-client';

export interface GoogleCalendarOptions {
  /** events.list page size (default 250, Google's maximum 2,500). */
  pageSize?: number;
  /** Invitations for attendees on Tandem's writes (events.insert `sendUpdates`; default all, as Outlook does). */
  sendUpdates?: 'all' | 'externalOnly' | 'none';
}

const calendarId = 'primary';

function withoutNulls(e: GoogleEvent): GoogleEvent {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== null)) as GoogleEvent;
}

function inWindow(e: GoogleEvent, zone: string, window: CalendarWindow): boolean {
  const start = Date.parse(instantOf(e.start, zone) ?? '');
  const end = Date.parse(instantOf(e.end, zone) ?? '');
  if (!Number.isFinite(start) || !Number.isFinite(end)) return true;
  return end > window.start.getTime() && start < window.end.getTime();
}

export function createGoogleCalendar(client: GoogleClient, options: GoogleCalendarOptions = {}): CalendarAbility {
  const events = client.calendar.events;
  const pageSize = options.pageSize ?? 250;
  const sendUpdates = options.sendUpdates ?? 'all';
  /** Masters read during this provider's life (one job): one events.get per series. */
  const masters = new Map<string, GoogleEvent | null>();
  /** Masters already reported in the current round (a round's first call has no page token). */
  const reported = new Set<string>();

  async function master(id: string): Promise<GoogleEvent | null> {
    if (masters.has(id)) return masters.get(id) ?? null;
    try {
      const body = await client.call(() => events.get({ calendarId, eventId: id }));
      const usable = body.status === 'cancelled' ? null : body;
      masters.set(id, usable);
      return usable;
    } catch (e) {
      // The series went away since the list: its instances arrive cancelled too.
      if (e instanceof ProviderError && e.kind === 'not_found') {
        masters.set(id, null);
        return null;
      }
      throw e;
    }
  }

  async function list(cursor: GoogleCursor, window: CalendarWindow) {
    const common = { calendarId, singleEvents: true, showDeleted: true, maxResults: pageSize, ...(cursor.page ? { pageToken: cursor.page } : {}) };
    if (cursor.mode === 'delta') return client.call(() => events.list({ ...common, syncToken: cursor.sync }));
    return client.call(() => events.list({ ...common, timeMin: window.start.toISOString(), timeMax: window.end.toISOString() }));
  }

  async function asProviderEvent(created: GoogleEvent, input: EventInput): Promise<ProviderEvent> {
    return { ...toProviderEvent(created, input.start.timeZone), tandemId: input.tandemId };
  }

  return {
    async fetchChanges(raw: string | null, window: CalendarWindow): Promise<CalendarChanges> {
      const cursor = decodeGoogleCursor(raw);
      if (!cursor.page) reported.clear();
      const page = await list(cursor, window);
      const zone = page.timeZone ?? 'UTC';
      const upserts: ProviderEvent[] = [];
      const deletions: string[] = [];
      const seriesIds = new Set<string>();
      for (const e of page.items ?? []) {
        if (!e.id) continue;
        if (e.status === 'cancelled') {
          deletions.push(e.id);
          continue;
        }
        if (e.recurringEventId) seriesIds.add(e.recurringEventId);
      }
      for (const id of seriesIds) await master(id);
      for (const e of page.items ?? []) {
        if (!e.id || e.status === 'cancelled') continue;
        // Incremental answers are not windowed: an event outside the window has left it.
        if (cursor.mode === 'delta' && !inWindow(e, zone, window)) deletions.push(e.id);
        else upserts.push(toProviderEvent(e, zone, e.recurringEventId ? (masters.get(e.recurringEventId) ?? undefined) : undefined));
      }
      for (const id of seriesIds) {
        const m = masters.get(id);
        if (!m || reported.has(id)) continue;
        reported.add(id);
        upserts.push(toProviderEvent(m, zone));
      }
      const full = cursor.mode === 'full';
      let next: GoogleCursor;
      if (page.nextPageToken) next = { ...cursor, page: page.nextPageToken };
      // Without a sync token (Google may omit it for some queries) the next round is a full one.
      else next = page.nextSyncToken ? { mode: 'delta', sync: page.nextSyncToken } : { mode: 'full' };
      return { upserts, deletions, nextCursor: encodeGoogleCursor(next), fullSync: full, more: Boolean(page.nextPageToken) };
    },

    async createEvent(input: EventInput): Promise<ProviderEvent & { existing?: boolean }> {
      const id = eventIdFor(input.tandemId);
      const body = { ...withoutNulls(toGoogleEventBody(input)), id };
      try {
        return await asProviderEvent(await client.call(() => events.insert({ calendarId, sendUpdates, requestBody: body }), { idempotent: false }), input);
      } catch (e) {
        // 409 duplicate: an earlier attempt made it (its answer was lost) — take that one, revived
        // with this content if it was deleted since (a deleted event keeps its id).
        if (!(e instanceof ProviderError && e.kind === 'conflict')) throw e;
        const existing = await client.call(() => events.get({ calendarId, eventId: id }));
        if (existing.status !== 'cancelled') return { ...(await asProviderEvent(existing, input)), existing: true };
        const revived = await client.call(() => events.patch({ calendarId, eventId: id, sendUpdates, requestBody: { ...toGoogleEventBody(input), status: 'confirmed' } }));
        return asProviderEvent(revived, input);
      }
    },

    async updateEvent(providerId: string, etag: string, input: EventInput): Promise<ProviderEvent> {
      // PATCH keeps what Tandem does not manage (reminders, conference data); If-Match → 412 conflict.
      const updated = await client.call(() => events.patch({ calendarId, eventId: providerId, sendUpdates, requestBody: toGoogleEventBody(input) }, { headers: { 'If-Match': etag } }));
      return asProviderEvent(updated, input);
    },

    async deleteEvent(providerId: string, etag?: string): Promise<void> {
      try {
        await client.call(() => events.delete({ calendarId, eventId: providerId, sendUpdates }, etag ? { headers: { 'If-Match': etag } } : {}));
      } catch (e) {
        // 404, or 410 "deleted" for an event already deleted: what we wanted.
        if (e instanceof ProviderError && e.kind === 'not_found') return;
        throw e;
      }
    },

    async findByTandemId(tandemId: string, window: CalendarWindow): Promise<ProviderEvent | null> {
      try {
        const byId = await client.call(() => events.get({ calendarId, eventId: eventIdFor(tandemId) }));
        if (byId.extendedProperties?.private?.[tandemIdProperty] === tandemId) return toProviderEvent(byId, byId.start?.timeZone ?? 'UTC');
      } catch (e) {
        if (!(e instanceof ProviderError && e.kind === 'not_found')) throw e;
      }
      // Made under another id (an older create path, a copy): look it up by the property.
      const found = await client.call(() =>
        events.list({ calendarId, privateExtendedProperty: [`${tandemIdProperty}=${tandemId}`], timeMin: window.start.toISOString(), timeMax: window.end.toISOString(), maxResults: 1 }),
      );
      const hit = found.items?.[0];
      return hit ? toProviderEvent(hit, found.timeZone ?? 'UTC') : null;
    },
  };
}
