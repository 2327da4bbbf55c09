/**
 * Calendar through EWS. How SyncFolderItems and CalendarView are combined:
 * - The cursor is the calendar folder's SyncState. SyncFolderItems reports what changed in the folder
 *   as stored items (singles and series masters); it never expands a series.
 * - A full sync (no cursor) first runs SyncFolderItems to its end to take a SyncState (ids only), THEN
 *   reads the window with CalendarView, so whatever changes after the state was taken comes back in
 *   the next delta rather than being lost. Occurrences and exceptions come from CalendarView; each
 *   series' master is fetched once (RecurringMasterItemId on one of its occurrences) for its rule.
 * - An incremental sync reads one SyncFolderItems page. Changed singles are fetched with GetItem;
 *   a changed master (Outlook stores moved / deleted occurrences on the master, so an occurrence
 *   edit shows up as a master Update) is re-expanded with CalendarView over the window, keeping the
 *   entries of that series. Singles outside the window are reported as deletions ("fell out").
 * ErrorInvalidSyncStateData (state corrupt, foreign or aged out) maps to cursor_expired.
 */
import { ProviderError } from '../errors';
import type { CalendarAbility, CalendarChanges, CalendarWindow, EventInput, ProviderEvent } from '../provider';
import type { EwsClient } from './ews-client';
import { calendarView, getEvents, syncFolderItems, type ViewEntry } from './ews-calendar-read';
import { toProviderEvent, zoneOf } from './ews-event-read';
import { calendarItemXml, eventUpdatesXml } from './ews-event-write';
import { child, el, path, textOf, type XNode } from './ews-xml';
import { constantRestriction, findFirstItemId, tandemIdUri } from './ews-requests';

export interface EwsCalendarOptions {
  /** SyncFolderItems MaxChangesReturned for an incremental page (1–512, default 200). */
  syncPageSize?: number;
  /** Ids per GetItem call (default 100). */
  getBatchSize?: number;
}

function overlaps(item: XNode, window: CalendarWindow): boolean {
  const start = Date.parse(textOf(item, 'Start') ?? '');
  const end = Date.parse(textOf(item, 'End') ?? '');
  return start < window.end.getTime() && end > window.start.getTime();
}

/** Meeting notices go to attendees when there are any; a plain appointment sends nothing. */
const notify = (input: EventInput) => (input.attendees.length > 0 ? 'SendToAllAndSaveCopy' : 'SendToNone');

export function createEwsCalendar(ews: EwsClient, options: EwsCalendarOptions = {}): CalendarAbility {
  const batch = options.getBatchSize ?? 100;

  /**
   * Masters and instances of the series behind these view entries, one master look-up per series.
   * Instances are grouped by UID; an item copied between calendars can have an empty UID (seen with
   * Outlook's "Copy to My Calendar"), and then it is its own group rather than merged with others.
   */
  async function expand(entries: ViewEntry[]): Promise<ProviderEvent[]> {
    const key = (e: ViewEntry) => e.uid || `id:${e.id}`;
    const instances = entries.filter((e) => e.type === 'Occurrence' || e.type === 'Exception');
    const probes = [...new Map(instances.map((e) => [key(e), e])).values()];
    const masters = await getEvents(ews, probes.map((p) => ({ id: p.id, master: true })), batch);
    const series = new Map<string, { id: string; zone: string; event: ProviderEvent }>();
    masters.forEach((m, i) => {
      const probe = probes[i];
      if (m && probe) series.set(key(probe), { id: child(m, 'ItemId')?.attrs.Id ?? '', zone: zoneOf(m), event: toProviderEvent(m) });
    });
    const details = await getEvents(ews, entries.map((e) => ({ id: e.id })), batch);
    // Without UIDs two probes can reach the same master: report it once.
    const out: ProviderEvent[] = [...new Map([...series.values()].map((s) => [s.id, s.event])).values()];
    details.forEach((d, i) => {
      const entry = entries[i];
      if (!d || !entry) return;
      const master = series.get(key(entry));
      out.push(toProviderEvent(d, master ? { seriesMasterId: master.id, zone: master.zone } : {}));
    });
    return out;
  }

  async function fullSync(window: CalendarWindow): Promise<CalendarChanges> {
    let page = await syncFolderItems(ews, null, 512);
    while (!page.last) page = await syncFolderItems(ews, page.syncState, 512);
    const upserts = await expand(await calendarView(ews, window));
    return { upserts, deletions: [], nextCursor: page.syncState, fullSync: true, more: false };
  }

  async function delta(cursor: string, window: CalendarWindow): Promise<CalendarChanges> {
    const page = await syncFolderItems(ews, cursor, options.syncPageSize ?? 200);
    const deletions = page.changes.filter((c) => c.type === 'Delete').map((c) => c.id);
    const changed = [...new Set(page.changes.filter((c) => c.type !== 'Delete').map((c) => c.id))];
    const items = await getEvents(ews, changed.map((id) => ({ id })), batch);
    const upserts: ProviderEvent[] = [];
    const masters: XNode[] = [];
    items.forEach((item, i) => {
      const id = changed[i] ?? '';
      if (!item) return deletions.push(id);
      if (textOf(item, 'CalendarItemType') === 'RecurringMaster') masters.push(item);
      else if (overlaps(item, window)) upserts.push(toProviderEvent(item));
      else deletions.push(id);
    });
    const uids = new Set(masters.map((m) => textOf(m, 'UID')).filter((u): u is string => !!u));
    const expanded = uids.size > 0 ? await expand((await calendarView(ews, window)).filter((e) => e.type !== 'Single' && uids.has(e.uid))) : [];
    upserts.push(...expanded);
    // A changed series with no instance left in the window (or no UID to match by) still reports its master.
    const reported = new Set(expanded.map((e) => e.providerId));
    for (const m of masters) if (!reported.has(child(m, 'ItemId')?.attrs.Id ?? '')) upserts.push(toProviderEvent(m));
    return { upserts, deletions, nextCursor: page.syncState, fullSync: false, more: !page.last };
  }

  async function readOne(id: string): Promise<ProviderEvent> {
    const [item] = await getEvents(ews, [{ id }], 1);
    if (!item) throw new ProviderError('not_found', 'The event is gone', { code: 'ErrorItemNotFound' });
    return toProviderEvent(item);
  }

  return {
    fetchChanges: (cursor, window) => (cursor === null ? fullSync(window) : delta(cursor, window)),

    async createEvent(input: EventInput): Promise<ProviderEvent> {
      const body = el(
        'm:CreateItem',
        { SendMeetingInvitations: notify(input) },
        el('m:SavedItemFolderId', null, ews.folder('calendar')),
        el('m:Items', null, calendarItemXml(input)),
      );
      const node = await ews.callOne('CreateItem', body, { write: true });
      const id = path(node, 'Items', 'CalendarItem', 'ItemId')?.attrs.Id;
      if (!id) throw new ProviderError('transient', 'CreateItem answered without an ItemId', { code: 'missing_item_id', ambiguous: true });
      return readOne(id);
    },

    async updateEvent(providerId: string, etag: string, input: EventInput): Promise<ProviderEvent> {
      // NeverOverwrite: a change since our ChangeKey is ErrorIrresolvableConflict → conflict.
      const body = el(
        'm:UpdateItem',
        { ConflictResolution: 'NeverOverwrite', SendMeetingInvitationsOrCancellations: notify(input) },
        el('m:ItemChanges', null, el('t:ItemChange', null, el('t:ItemId', { Id: providerId, ChangeKey: etag || undefined }), eventUpdatesXml(input))),
      );
      await ews.callOne('UpdateItem', body);
      return readOne(providerId);
    },

    async deleteEvent(providerId: string): Promise<void> {
      // DeleteItem takes no ChangeKey precondition. Already gone counts as done (a repeated delete).
      const body = el(
        'm:DeleteItem',
        { DeleteType: 'MoveToDeletedItems', SendMeetingCancellations: 'SendToAllAndSaveCopy' },
        el('m:ItemIds', null, el('t:ItemId', { Id: providerId })),
      );
      try {
        await ews.callOne('DeleteItem', body);
      } catch (e) {
        if (!(e instanceof ProviderError && e.kind === 'not_found')) throw e;
      }
    },

    async findByTandemId(tandemId: string): Promise<ProviderEvent | null> {
      // A plain FindItem on the calendar lists singles and masters, which is where Tandem's events are.
      const id = await findFirstItemId(ews, 'calendar', constantRestriction('IsEqualTo', tandemIdUri(), tandemId));
      if (!id) return null;
      try {
        return await readOne(id);
      } catch (e) {
        // Deleted between FindItem and GetItem (the user deleting it as we look): gone, as asked.
        if (e instanceof ProviderError && e.kind === 'not_found') return null;
        throw e;
      }
    },
  };
}
