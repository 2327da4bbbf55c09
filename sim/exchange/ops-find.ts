/**
 * FindFolder and FindItem: paged views (IndexedPage*View: Offset, MaxEntriesReturned,
 * IncludesLastItemInRange), restrictions, sort order, and CalendarView, which expands series into
 * occurrences and exceptions and truncates at MaxEntriesReturned without an offset to page on.
 */
import { instancesIn, SchemaError, type Instance } from './calendar';
import { folderXml, itemXml, parseShape } from './item-xml';
import type { CalendarItem, Item } from './model';
import { folderRefs, perItem, resolveFolderRef, type OpContext } from './request';
import { folderMatches, itemField, itemMatches } from './restriction';
import { ok, type MessageResult } from './soap';
import { EwsError } from './store';
import { parseEwsDateTime } from './timezones';
import { child, children, el, type XNode } from './xml';

/** Exchange's default EWSFindCountLimit: one FindItem page returns at most 1000 entries. */
const FIND_COUNT_LIMIT = 1000;

interface Page {
  offset: number;
  max: number;
  fromEnd: boolean;
}

function indexedView(node: XNode | undefined): Page {
  if (!node) return { offset: 0, max: FIND_COUNT_LIMIT, fromEnd: false };
  const offset = Number(node.attrs.Offset ?? 0);
  const max = Number(node.attrs.MaxEntriesReturned ?? FIND_COUNT_LIMIT);
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(max) || max < 1) {
    throw new SchemaError('IndexedPageView Offset / MaxEntriesReturned are invalid.');
  }
  return { offset, max: Math.min(max, FIND_COUNT_LIMIT), fromEnd: node.attrs.BasePoint === 'End' };
}

function paginate<T>(all: T[], page: Page): { slice: T[]; next: number; last: boolean } {
  const start = page.fromEnd ? Math.max(0, all.length - page.offset - page.max) : page.offset;
  const end = page.fromEnd ? all.length - page.offset : page.offset + page.max;
  const slice = all.slice(start, Math.max(start, end));
  const next = page.fromEnd ? page.offset + slice.length : start + slice.length;
  return { slice, next, last: page.fromEnd ? start === 0 : start + slice.length >= all.length };
}

export function findFolder(ctx: OpContext): MessageResult[] {
  const deep = ctx.op.attrs.Traversal === 'Deep';
  if (ctx.op.attrs.Traversal === 'SoftDeleted') throw new SchemaError('SoftDeleted traversal is not supported for FindFolder.');
  const page = indexedView(child(ctx.op, 'IndexedPageFolderView'));
  const restriction = child(ctx.op, 'Restriction');
  return folderRefs(child(ctx.op, 'ParentFolderIds')).map((ref) =>
    perItem(() => {
      const parent = resolveFolderRef(ctx, ref);
      const all = ctx.store
        .childFolders(ctx.mb, parent.id, deep)
        .filter((f) => folderMatches(restriction, f, ctx.store.itemsIn(ctx.mb, f.id).length));
      const { slice, next, last } = paginate(all, page);
      return ok(
        el(
          'm:RootFolder',
          { IndexedPagingOffset: next, TotalItemsInView: all.length, IncludesLastItemInRange: last },
          el('t:Folders', null, slice.map((f) => folderXml(ctx.mb, f, ctx.store.itemsIn(ctx.mb, f.id).length))),
        ),
      );
    }),
  );
}

function sortKey(item: Item, uri: string): string {
  const field: XNode = { name: 'FieldURI', attrs: { FieldURI: uri }, children: [], text: '' };
  return itemField(item, field) ?? '';
}

function sortItems(items: Item[], sortOrder: XNode | undefined): Item[] {
  const orders = children(sortOrder, 'FieldOrder').map((o) => ({ uri: child(o, 'FieldURI')?.attrs.FieldURI ?? '', desc: o.attrs.Order !== 'Ascending' }));
  // Without a SortOrder, newest first (Exchange's default view order for mail folders).
  const effective = orders.length ? orders : [{ uri: 'item:DateTimeCreated', desc: true }];
  return [...items].sort((a, b) => {
    for (const o of effective) {
      const ka = sortKey(a, o.uri);
      const kb = sortKey(b, o.uri);
      if (ka !== kb) return (ka < kb ? -1 : 1) * (o.desc ? -1 : 1);
    }
    return (a.serial - b.serial) * (effective[0]?.desc ? -1 : 1);
  });
}

function calendarView(ctx: OpContext, items: Item[], view: XNode): MessageResult {
  const zone = 'UTC';
  const from = parseEwsDateTime(view.attrs.StartDate ?? '', zone);
  const to = parseEwsDateTime(view.attrs.EndDate ?? '', zone);
  if (from === null || to === null) throw new SchemaError('CalendarView StartDate and EndDate are required dateTimes.');
  if (to < from) throw new EwsError('ErrorCalendarEndDateIsEarlierThanStartDate', 'EndDate is earlier than StartDate');
  const max = view.attrs.MaxEntriesReturned ? Number(view.attrs.MaxEntriesReturned) : FIND_COUNT_LIMIT;
  const entries: { item: CalendarItem; instance?: Instance; start: number }[] = [];
  for (const item of items) {
    if (item.kind !== 'calendar') continue;
    if (!item.recurrence) {
      if (item.start < to && item.end > from) entries.push({ item, start: item.start });
      continue;
    }
    for (const instance of instancesIn(item, from, to)) entries.push({ item, instance, start: instance.start });
  }
  entries.sort((a, b) => a.start - b.start || a.item.serial - b.item.serial);
  const shape = parseShape(child(ctx.op, 'ItemShape'));
  const slice = entries.slice(0, Math.min(max, FIND_COUNT_LIMIT));
  return ok(
    el(
      'm:RootFolder',
      { TotalItemsInView: entries.length, IncludesLastItemInRange: slice.length === entries.length },
      el('t:Items', null, slice.map((e) => itemXml(ctx.mb, e.item, shape, e.instance))),
    ),
  );
}

export function findItem(ctx: OpContext): MessageResult[] {
  if (ctx.op.attrs.Traversal && ctx.op.attrs.Traversal !== 'Shallow' && ctx.op.attrs.Traversal !== 'Associated') {
    throw new SchemaError(`Traversal ${ctx.op.attrs.Traversal} is not valid for FindItem.`);
  }
  const restriction = child(ctx.op, 'Restriction');
  const calView = child(ctx.op, 'CalendarView');
  const page = indexedView(child(ctx.op, 'IndexedPageItemView'));
  const shape = parseShape(child(ctx.op, 'ItemShape'));
  return folderRefs(child(ctx.op, 'ParentFolderIds')).map((ref) =>
    perItem(() => {
      const folder = resolveFolderRef(ctx, ref);
      const inFolder = ctx.op.attrs.Traversal === 'Associated' ? [] : ctx.store.itemsIn(ctx.mb, folder.id);
      if (calView) {
        if (folder.folderClass !== 'IPF.Appointment') throw new EwsError('ErrorCalendarFolderIsInvalidForCalendarView', 'The folder is not a calendar folder.');
        return calendarView(ctx, inFolder, calView);
      }
      const all = sortItems(
        inFolder.filter((i) => itemMatches(restriction, i)),
        child(ctx.op, 'SortOrder'),
      );
      const { slice, next, last } = paginate(all, page);
      return ok(
        el(
          'm:RootFolder',
          { IndexedPagingOffset: next, TotalItemsInView: all.length, IncludesLastItemInRange: last },
          el('t:Items', null, slice.map((i) => itemXml(ctx.mb, i, shape))),
        ),
      );
    }),
  );
}

