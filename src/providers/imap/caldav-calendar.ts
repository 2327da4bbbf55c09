/**
 * Calendar ability over CalDAV. Changes come from RFC 6578 sync-collection where the server offers
 * it, else from the ctag + etag diff (the cursor then remembers the href → ETag map). Writes carry
 * preconditions (If-None-Match: * on create, If-Match on update/delete), so a concurrent edit at the
 * provider surfaces as ProviderError('conflict') instead of being overwritten.
 */
import ICAL from 'ical.js';
import { z } from 'zod';
import type { Clock } from '../../domain/clock';
import { ProviderError } from '../errors';
import type { CalendarAbility, CalendarChanges, CalendarWindow, EventInput, ProviderEvent } from '../provider';
import type { CalDavClient, DavObject } from './caldav-client';
import { diffHrefEtags } from './etag-diff';
import { parseJsonCursor } from './imap-cursor';
import { readCalendarObject, tandemIdProperty } from './ics-read';
import { uidForTandemId, writeEventIcs } from './ics-write';
import { zonedToUtc } from './time-zones';

const cursorSchema = z.discriminatedUnion('mode', [
  z.object({ v: z.literal(1), mode: z.literal('sync'), url: z.string(), token: z.string() }),
  z.object({ v: z.literal(1), mode: z.literal('ctag'), url: z.string(), ctag: z.string().optional(), etags: z.record(z.string(), z.string()) }),
]);
type CalendarCursor = z.infer<typeof cursorSchema>;

function decodeCursor(raw: string): CalendarCursor {
  return parseJsonCursor(cursorSchema, raw, 'caldav');
}

export interface CalDavCalendarOptions {
  dav: CalDavClient;
  clock: Clock;
  /** The account's address, written as ORGANIZER of events Tandem makes. */
  organizer: string;
  /** 'auto' uses sync-collection when the server lists it in supported-report-set. */
  changeDetection?: 'auto' | 'ctag';
}

/** Days each way: enough to read back what we wrote, or (wider) the event an earlier attempt left, moved since. */
function around(input: EventInput, days = 2): CalendarWindow {
  const day = 86_400_000;
  const start = zonedToUtc(input.start.local.length === 10 ? `${input.start.local}T00:00:00` : input.start.local, input.start.timeZone);
  const end = zonedToUtc(input.end.local.length === 10 ? `${input.end.local}T00:00:00` : input.end.local, input.end.timeZone);
  return { start: new Date(start.getTime() - days * day), end: new Date(end.getTime() + days * day) };
}

function existingUidAndSequence(ics: string): { uid?: string; sequence: number; tandemId?: string } {
  const vevent = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').find((v) => !v.hasProperty('recurrence-id'));
  const uid = vevent?.getFirstPropertyValue('uid');
  const seq = vevent?.getFirstPropertyValue('sequence');
  const tandemId = vevent?.getFirstPropertyValue(tandemIdProperty);
  return { uid: typeof uid === 'string' ? uid : undefined, sequence: typeof seq === 'number' ? seq : 0, tandemId: typeof tandemId === 'string' ? tandemId : undefined };
}

function refuseInstance(providerId: string): void {
  // Tandem does not write series (issue 7): they are edited in the provider.
  if (providerId.includes('#')) throw new ProviderError('invalid_input', 'caldav: instances of a series are edited in the provider', { code: 'SERIES_INSTANCE' });
}

export function createCalDavCalendar(o: CalDavCalendarOptions): CalendarAbility {
  const { dav } = o;
  let mode: 'sync' | 'ctag' | undefined = o.changeDetection === 'ctag' ? 'ctag' : undefined;

  const events = (objects: DavObject[], window: CalendarWindow) => {
    const upserts: ProviderEvent[] = [];
    const outside: string[] = [];
    for (const obj of objects) {
      const found = readCalendarObject(obj.data, { href: obj.href, etag: obj.etag }, window);
      if (found.length === 0) outside.push(obj.href);
      upserts.push(...found);
    }
    return { upserts, outside };
  };

  /**
   * The event as the server now holds it (`fetched`: already read). `written`: the ETag our PUT was answered with. Another
   * client's write landing between our PUT and this GET keeps our ETag on the result, so the caller
   * records the version it wrote and the next pull brings the other client's edit.
   */
  const readBack = async (href: string, input: EventInput, options: { days?: number; written?: string; fetched?: DavObject } = {}): Promise<ProviderEvent> => {
    const obj = options.fetched ?? (await dav.get(href));
    const event = obj ? readCalendarObject(obj.data, { href, etag: obj.etag }, around(input, options.days))[0] : undefined;
    if (!event) throw new ProviderError('transient', 'caldav: event not readable after write', { code: 'READ_BACK' });
    return options.written && options.written !== event.etag ? { ...event, etag: options.written } : event;
  };

  return {
    async fetchChanges(rawCursor, window): Promise<CalendarChanges> {
      const url = await dav.calendar();
      const cursor = rawCursor ? decodeCursor(rawCursor) : undefined;
      if (cursor && cursor.url !== url) throw new ProviderError('cursor_expired', 'caldav: calendar changed', { code: 'CALENDAR_MOVED' });
      mode ??= cursor?.mode ?? ((await dav.supportsSync()) ? 'sync' : 'ctag');
      if (cursor && cursor.mode !== mode) throw new ProviderError('cursor_expired', 'caldav: change detection changed', { code: 'MODE' });

      if (mode === 'sync') {
        const token = cursor?.mode === 'sync' ? cursor.token : '';
        const result = await dav.sync(token);
        const { upserts, outside } = events(await dav.multiGet(result.changed.map((c) => c.href)), window);
        return {
          upserts,
          deletions: [...result.removed, ...outside],
          nextCursor: JSON.stringify({ v: 1, mode: 'sync', url, token: result.token } satisfies CalendarCursor),
          fullSync: !cursor,
          more: false,
        };
      }

      const known = cursor?.mode === 'ctag' ? cursor : undefined;
      const ctag = await dav.ctag();
      if (known && ctag !== undefined && known.ctag === ctag) {
        return { upserts: [], deletions: [], nextCursor: rawCursor ?? '', fullSync: false, more: false };
      }
      const serverEtags = await dav.etags();
      const diff = diffHrefEtags(serverEtags, known?.etags ?? {});
      const { upserts, outside } = events(await dav.multiGet([...diff.added, ...diff.changed]), window);
      return {
        upserts,
        deletions: [...diff.removed, ...outside],
        nextCursor: JSON.stringify({ v: 1, mode: 'ctag', url, ctag, etags: serverEtags } satisfies CalendarCursor),
        fullSync: !cursor,
        more: false,
      };
    },

    async createEvent(input) {
      const url = await dav.calendar();
      const uid = uidForTandemId(input.tandemId);
      const href = new URL(`${encodeURIComponent(uid)}.ics`, url).toString();
      const ics = writeEventIcs(input, { uid, sequence: 0, now: o.clock.now(), organizer: o.organizer });
      let written: string | undefined;
      try {
        written = await dav.put(href, ics, { create: true });
      } catch (e) {
        // The resource exists: an earlier attempt whose answer we lost created it. Ours → that one,
        // as it is now (edited since, perhaps, or made from an older version of the appointment).
        if (!(e instanceof ProviderError && e.kind === 'conflict')) throw e;
        const existing = await dav.get(href);
        if (!existing || existingUidAndSequence(existing.data).tandemId !== input.tandemId) throw e;
        return { ...(await readBack(href, input, { days: 400, fetched: existing })), existing: true };
      }
      return readBack(href, input, written === undefined ? {} : { written });
    },

    async updateEvent(providerId, etag, input) {
      refuseInstance(providerId);
      const current = await dav.get(providerId);
      if (!current) throw new ProviderError('not_found', 'caldav: event is gone', { code: 'NOT_FOUND', status: 404 });
      if (current.etag && current.etag !== etag) throw new ProviderError('conflict', 'caldav: event changed at the provider', { code: 'ETAG', status: 412 });
      const { uid, sequence } = existingUidAndSequence(current.data);
      const ics = writeEventIcs(input, { uid: uid ?? uidForTandemId(input.tandemId), sequence: sequence + 1, now: o.clock.now(), organizer: o.organizer });
      const written = await dav.put(providerId, ics, { etag });
      return readBack(providerId, input, written === undefined ? {} : { written });
    },

    async deleteEvent(providerId, etag) {
      refuseInstance(providerId);
      await dav.delete(providerId, etag);
    },

    async findByTandemId(tandemId, window) {
      const url = await dav.calendar();
      const obj = await dav.get(new URL(`${encodeURIComponent(uidForTandemId(tandemId))}.ics`, url).toString());
      if (!obj) return null;
      return readCalendarObject(obj.data, { href: obj.href, etag: obj.etag }, window).find((e) => e.tandemId === tandemId) ?? null;
    },
  };
}
