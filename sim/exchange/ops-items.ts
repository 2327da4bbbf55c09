/**
 * GetItem, MoveItem and DeleteItem over many ids at once; each id succeeds or fails on its own
 * (ErrorInvalidIdMalformed, ErrorItemNotFound) inside one HTTP 200, as EWS batches do.
 */
import { deleteOccurrence, instanceAt, isSeriesStart, seriesStarts } from './calendar';
import { itemXml, parseShape } from './item-xml';
import type { Item, Mailbox } from './model';
import { itemRefNodes, perItem, resolveItemRef, singleFolder, type OpContext } from './request';
import { ok, type MessageResult } from './soap';
import { EwsError } from './store';
import { child, el } from './xml';

export function getItem(ctx: OpContext): MessageResult[] {
  const shape = parseShape(child(ctx.op, 'ItemShape'));
  return itemRefNodes(child(ctx.op, 'ItemIds')).map((node) =>
    perItem(() => {
      const ref = resolveItemRef(ctx, node, (m) => seriesStarts(m, Number.POSITIVE_INFINITY));
      if (ref.occurrenceStart !== undefined && ref.item.kind === 'calendar') {
        if (!isSeriesStart(ref.item, ref.occurrenceStart)) throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
        return ok(el('m:Items', null, itemXml(ctx.mb, ref.item, shape, instanceAt(ref.item, ref.occurrenceStart))));
      }
      return ok(el('m:Items', null, itemXml(ctx.mb, ref.item, shape)));
    }),
  );
}

function idOnly(mb: Mailbox, item: Item): string {
  return el(item.kind === 'message' ? 't:Message' : 't:CalendarItem', null, el('t:ItemId', { Id: item.id, ChangeKey: item.changeKey }));
}

export function moveItem(ctx: OpContext): MessageResult[] {
  const target = singleFolder(ctx, 'ToFolderId');
  if (!target) throw new EwsError('ErrorInvalidOperation', 'ToFolderId is required.');
  // ReturnNewItemIds (Exchange 2010 SP1+) defaults to true: the moved item's new id comes back.
  const returnIds = ctx.op.attrs.ReturnNewItemIds !== 'false';
  return itemRefNodes(child(ctx.op, 'ItemIds')).map((node) =>
    perItem(() => {
      const ref = resolveItemRef(ctx, node, (m) => seriesStarts(m, Number.POSITIVE_INFINITY));
      if (ref.occurrenceStart !== undefined) throw new EwsError('ErrorCalendarCannotMoveOrCopyOccurrence', 'Cannot move or copy an occurrence of a recurring calendar item.');
      const moved = ref.item.folderId === target.id ? ref.item : ctx.store.moveItem(ctx.mb, ref.item, target.id);
      return ok(el('m:Items', null, returnIds && idOnly(ctx.mb, moved)));
    }),
  );
}

export function deleteItem(ctx: OpContext): MessageResult[] {
  const mode = ctx.op.attrs.DeleteType;
  if (mode !== 'HardDelete' && mode !== 'SoftDelete' && mode !== 'MoveToDeletedItems') {
    throw new EwsError('ErrorInvalidOperation', 'DeleteType is required.');
  }
  const cancellations = ctx.op.attrs.SendMeetingCancellations;
  return itemRefNodes(child(ctx.op, 'ItemIds')).map((node) =>
    perItem(() => {
      const ref = resolveItemRef(ctx, node, (m) => seriesStarts(m, Number.POSITIVE_INFINITY));
      if (ref.item.kind === 'calendar' && !cancellations) {
        throw new EwsError('ErrorSendMeetingCancellationsRequired', 'SendMeetingCancellations attribute is required for calendar items.');
      }
      if (ref.occurrenceStart !== undefined && ref.item.kind === 'calendar') deleteOccurrence(ctx.store, ctx.mb, ref.item, ref.occurrenceStart);
      else ctx.store.deleteItem(ctx.mb, ref.item, mode);
      return ok();
    }),
  );
}
