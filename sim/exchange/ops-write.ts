/**
 * CreateItem (messages: SaveOnly / SendOnly / SendAndSaveCopy, raw MimeContent in; calendar items)
 * and UpdateItem with ConflictResolution: NeverOverwrite refuses any stale ChangeKey, AutoResolve
 * refuses only when a field we set changed since that ChangeKey (ErrorIrresolvableConflict).
 */
import { applyCalendarFields, createCalendarItem, extendedKey, instanceAt, modifyOccurrence, parseItemElement, seriesStarts, type ParsedItemFields } from './calendar';
import { occurrenceId } from './item-xml';
import { withoutBcc } from '../common/delivered-copy';
import { changeKeyVersion, type Item } from './model';
import { addresses, composeMime, ensureMessageId, header, parseHeaders } from './mime';
import { itemRefNodes, perItem, resolveItemRef, singleFolder, type OpContext } from './request';
import { ok, type MessageResult } from './soap';
import { EwsError } from './store';
import { child, children, el, type XNode } from './xml';

function idElement(kind: Item['kind'], id: string, changeKey: string): string {
  return el(kind === 'message' ? 't:Message' : 't:CalendarItem', null, el('t:ItemId', { Id: id, ChangeKey: changeKey }));
}

function createMessage(ctx: OpContext, node: XNode): MessageResult {
  const disposition = ctx.op.attrs.MessageDisposition;
  if (disposition !== 'SaveOnly' && disposition !== 'SendOnly' && disposition !== 'SendAndSaveCopy') {
    throw new EwsError('ErrorMessageDispositionRequired', 'MessageDisposition attribute is required.');
  }
  const parsed = parseItemElement(node, { context: ctx.tzContext });
  const saved = singleFolder(ctx, 'SavedItemFolderId');
  const raw =
    parsed.mime ??
    composeMime({
      subject: parsed.calendar.subject ?? '',
      body: parsed.calendar.body ?? '',
      bodyType: parsed.calendar.bodyType ?? 'Text',
      from: ctx.mb.address,
      to: parsed.toRecipients ?? [],
      cc: parsed.ccRecipients ?? [],
      messageId: ctx.store.newMessageId(ctx.mb),
      date: ctx.store.clock.now(),
    });
  if (disposition === 'SaveOnly') {
    const folder = saved ?? ctx.store.distinguished(ctx.mb, 'drafts');
    const item = ctx.store.addMessage(ctx.mb, folder.id, raw, { isRead: parsed.isRead ?? false });
    for (const e of parsed.extended) item.extended.set(extendedKey(e.uri), e);
    return ok(el('m:Items', null, idElement('message', item.id, item.changeKey)));
  }
  // Submission keeps the client's Message-ID (our idempotency key) and adds one only when missing.
  const { mime } = ensureMessageId(raw, () => ctx.store.newMessageId(ctx.mb));
  const h = parseHeaders(mime);
  const recipients = new Set([
    ...(parsed.toRecipients ?? []),
    ...(parsed.ccRecipients ?? []),
    ...(parsed.bccRecipients ?? []),
    ...addresses(header(h, 'to')),
    ...addresses(header(h, 'cc')),
    ...addresses(header(h, 'bcc')),
  ]);
  if (recipients.size === 0) throw new EwsError('ErrorInvalidRecipients', 'At least one recipient is required.');
  if (disposition === 'SendAndSaveCopy') {
    const folder = saved ?? ctx.store.distinguished(ctx.mb, 'sentitems');
    const copy = ctx.store.addMessage(ctx.mb, folder.id, mime, { isRead: true });
    for (const e of parsed.extended) copy.extended.set(extendedKey(e.uri), e);
  }
  // Recipients' copies carry no Bcc field (RFC 5322 §3.6.3); the Sent Items copy above keeps it.
  const delivered = withoutBcc(mime);
  for (const address of recipients) {
    const local = ctx.store.byAddress(address);
    if (local && local.kind !== 'distribution_list' && local !== ctx.mb) ctx.store.addMessage(local, ctx.store.distinguished(local, 'inbox').id, delivered);
  }
  // A sent message comes back without an ItemId: the copy in Sent Items must be found by search.
  return ok(el('m:Items', null));
}

function createCalendar(ctx: OpContext, node: XNode): MessageResult {
  if (!ctx.op.attrs.SendMeetingInvitations) {
    throw new EwsError('ErrorSendMeetingInvitationsRequired', 'SendMeetingInvitations attribute is required for calendar items.');
  }
  const folder = singleFolder(ctx, 'SavedItemFolderId') ?? ctx.store.distinguished(ctx.mb, 'calendar');
  if (folder.folderClass !== 'IPF.Appointment') throw new EwsError('ErrorInvalidOperation', 'Calendar items can only be created in a calendar folder.');
  const parsed = parseItemElement(node, { context: ctx.tzContext });
  const item = createCalendarItem(ctx.store, ctx.mb, folder.id, parsed);
  return ok(el('m:Items', null, idElement('calendar', item.id, item.changeKey)));
}

export function createItem(ctx: OpContext): MessageResult[] {
  return children(child(ctx.op, 'Items')).map((node) =>
    perItem(() => {
      if (node.name === 'Message') return createMessage(ctx, node);
      if (node.name === 'CalendarItem') return createCalendar(ctx, node);
      throw new EwsError('ErrorInvalidOperation', `Creating ${node.name} items is not supported by the simulator.`);
    }),
  );
}

// ---------------------------------------------------------------- UpdateItem

function collectChanges(ctx: OpContext, updates: XNode | undefined, zone: string | undefined): ParsedItemFields & { removeExtended: string[]; clear: Set<string> } {
  const merged: ParsedItemFields & { removeExtended: string[]; clear: Set<string> } = { calendar: {}, extended: [], touched: [], removeExtended: [], clear: new Set() };
  for (const u of children(updates)) {
    const uriNode = u.children.find((c) => c.name === 'FieldURI' || c.name === 'ExtendedFieldURI' || c.name === 'IndexedFieldURI');
    const key = uriNode?.name === 'ExtendedFieldURI' ? `ext:${extendedKey(uriNode.attrs)}` : (uriNode?.attrs.FieldURI ?? '');
    if (u.name === 'DeleteItemField') {
      if (uriNode?.name === 'ExtendedFieldURI') merged.removeExtended.push(extendedKey(uriNode.attrs));
      else merged.clear.add(key);
      merged.touched.push(key);
      continue;
    }
    const itemNode = u.children.find((c) => c !== uriNode);
    if (!itemNode) continue;
    const parsed = parseItemElement(itemNode, { context: ctx.tzContext, itemStartZone: zone });
    Object.assign(merged.calendar, parsed.calendar);
    merged.extended.push(...parsed.extended);
    merged.touched.push(key, ...parsed.touched);
    if (parsed.isRead !== undefined) merged.isRead = parsed.isRead;
  }
  return merged;
}

/** Has anything in `fields` changed since the version the client's ChangeKey names? */
function conflicts(item: Item, changeKey: string, fields: string[], mode: string): boolean {
  if (changeKey === item.changeKey || mode === 'AlwaysOverwrite') return false;
  if (mode === 'NeverOverwrite') return true;
  const known = changeKeyVersion(changeKey);
  const oldest = item.history[0]?.version ?? item.version;
  if (!known || known.serial !== item.serial || known.version < oldest - 1 || known.version > item.version) return true;
  const wanted = new Set(fields);
  return item.history.some((h) => h.version > known.version && [...h.fields].some((f) => wanted.has(f)));
}

export function updateItem(ctx: OpContext): MessageResult[] {
  const mode = ctx.op.attrs.ConflictResolution ?? 'AutoResolve';
  return children(child(ctx.op, 'ItemChanges'), 'ItemChange').map((change) =>
    perItem(() => {
      const refNode = itemRefNodes(change)[0];
      if (!refNode) throw new EwsError('ErrorInvalidIdEmpty', 'Id is empty.');
      const ref = resolveItemRef(ctx, refNode, (m) => seriesStarts(m, Number.POSITIVE_INFINITY));
      const item = ref.item;
      if (item.kind === 'calendar' && !ctx.op.attrs.SendMeetingInvitationsOrCancellations) {
        throw new EwsError('ErrorSendMeetingInvitationsOrCancellationsRequired', 'SendMeetingInvitationsOrCancellations attribute is required for calendar items.');
      }
      const changes = collectChanges(ctx, child(change, 'Updates'), item.kind === 'calendar' ? item.startTimeZone : undefined);
      const sentKey = refNode.attrs.ChangeKey;
      if (item.kind === 'calendar' && ref.occurrenceStart !== undefined) {
        const current = instanceAt(item, ref.occurrenceStart);
        if (sentKey && sentKey !== current.changeKey && conflicts(item, sentKey, [`occurrence:${ref.occurrenceStart}`], mode)) {
          throw new EwsError('ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
        }
        modifyOccurrence(ctx.store, ctx.mb, item, ref.occurrenceStart, changes);
        return ok(el('m:Items', null, idElement('calendar', occurrenceId(ctx.mb, item, ref.occurrenceStart), item.changeKey)) + el('m:ConflictResults', null, el('t:Count', null, '0')));
      }
      if (sentKey && conflicts(item, sentKey, changes.touched, mode)) {
        throw new EwsError('ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
      }
      for (const k of changes.removeExtended) item.extended.delete(k);
      for (const e of changes.extended) item.extended.set(extendedKey(e.uri), e);
      if (item.kind === 'calendar') {
        if (changes.clear.has('calendar:Recurrence')) changes.calendar.recurrence = null;
        if (changes.clear.has('calendar:Location')) changes.calendar.location = '';
        if (changes.clear.has('item:Body')) changes.calendar.body = '';
        applyCalendarFields(item, changes);
      } else {
        if (changes.isRead !== undefined) item.isRead = changes.isRead;
        if (changes.calendar.subject !== undefined) item.subject = changes.calendar.subject;
      }
      ctx.store.touch(ctx.mb, item, changes.touched);
      return ok(el('m:Items', null, idElement(item.kind, item.id, item.changeKey)) + el('m:ConflictResults', null, el('t:Count', null, '0')));
    }),
  );
}
