/**
 * The reading calls behind calendar sync:
 * - SyncFolderItems on the calendar folder (IdOnly): change detection and the cursor (SyncState).
 *   It lists items as stored — singles and recurring masters, never expanded occurrences.
 * - FindItem CalendarView over a window: the expanded Single / Occurrence / Exception entries. It has
 *   no offset paging; IncludesLastItemInRange="false" means truncated, so the window is halved.
 * - GetItem with many ids for full properties (FindItem cannot return body, attendees or recurrence),
 *   and GetItem with RecurringMasterItemId to reach a series' master from one of its occurrences.
 */
import { ProviderError } from '../errors';
import type { CalendarWindow } from '../provider';
import type { EwsClient } from './ews-client';
import { eventShape } from './ews-event-read';
import { child, children, el, path, textOf, tx, type XNode } from './ews-xml';
import { fieldUri, itemShape } from './ews-requests';

export interface SyncChange {
  type: 'Create' | 'Update' | 'Delete';
  id: string;
}

export interface SyncPage {
  syncState: string;
  last: boolean;
  changes: SyncChange[];
}

export async function syncFolderItems(ews: EwsClient, syncState: string | null, maxChanges: number): Promise<SyncPage> {
  const body = el(
    'm:SyncFolderItems',
    null,
    itemShape('IdOnly'),
    el('m:SyncFolderId', null, ews.folder('calendar')),
    syncState !== null && tx('m:SyncState', syncState),
    tx('m:MaxChangesReturned', Math.max(1, Math.min(512, maxChanges))),
  );
  const node = await ews.callOne('SyncFolderItems', body);
  const changes: SyncChange[] = [];
  for (const c of children(child(node, 'Changes'))) {
    if (c.name !== 'Create' && c.name !== 'Update' && c.name !== 'Delete') continue;
    // Create / Update hold an item element with its ItemId; Delete holds the ItemId itself.
    const id = c.name === 'Delete' ? child(c, 'ItemId')?.attrs.Id : child(c.children[0], 'ItemId')?.attrs.Id;
    if (id) changes.push({ type: c.name, id });
  }
  return { syncState: textOf(node, 'SyncState') ?? '', last: textOf(node, 'IncludesLastItemInRange') !== 'false', changes };
}

export interface ViewEntry {
  id: string;
  uid: string;
  type: string;
}

const VIEW_MAX = 1000;
const MIN_SPLIT_MS = 60 * 60_000;

const utc = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Every entry of the expanded calendar in the window, halving it wherever Exchange truncates. */
export async function calendarView(ews: EwsClient, window: CalendarWindow, max = VIEW_MAX): Promise<ViewEntry[]> {
  const body = el(
    'm:FindItem',
    { Traversal: 'Shallow' },
    itemShape('IdOnly', [fieldUri('calendar:UID'), fieldUri('calendar:CalendarItemType')]),
    el('m:CalendarView', { MaxEntriesReturned: max, StartDate: utc(window.start), EndDate: utc(window.end) }),
    el('m:ParentFolderIds', null, ews.folder('calendar')),
  );
  const root = path(await ews.callOne('FindItem', body), 'RootFolder');
  const span = window.end.getTime() - window.start.getTime();
  if (root?.attrs.IncludesLastItemInRange === 'false' && span > MIN_SPLIT_MS) {
    const mid = new Date(window.start.getTime() + Math.floor(span / 2));
    const halves = [...(await calendarView(ews, { start: window.start, end: mid }, max)), ...(await calendarView(ews, { start: mid, end: window.end }, max))];
    // An entry spanning the midpoint is in both halves.
    return [...new Map(halves.map((e) => [e.id, e])).values()];
  }
  return children(child(root, 'Items')).flatMap((item) => {
    const id = child(item, 'ItemId')?.attrs.Id;
    return id ? [{ id, uid: textOf(item, 'UID') ?? '', type: textOf(item, 'CalendarItemType') ?? 'Single' }] : [];
  });
}

/** Full properties per id; `null` where the item is gone (ErrorItemNotFound). Other errors throw. */
export async function getEvents(ews: EwsClient, refs: { id: string; master?: boolean }[], batchSize: number): Promise<(XNode | null)[]> {
  const out: (XNode | null)[] = [];
  for (let i = 0; i < refs.length; i += batchSize) {
    const chunk = refs.slice(i, i + batchSize);
    const ids = chunk.map((r) => (r.master ? el('t:RecurringMasterItemId', { OccurrenceId: r.id }) : el('t:ItemId', { Id: r.id })));
    const answers = await ews.call('GetItem', el('m:GetItem', null, eventShape, el('m:ItemIds', null, ids)));
    chunk.forEach((_r, j) => {
      const a = answers[j];
      if (a?.ok) out.push(child(a.node, 'Items')?.children[0] ?? null);
      else if (a && a.error.kind === 'not_found') out.push(null);
      else throw a?.error ?? new ProviderError('transient', 'GetItem answered fewer items than asked', { code: 'missing_response_message' });
    });
  }
  return out;
}
