/**
 * What every EWS operation handler receives, and the id references requests carry
 * (DistinguishedFolderId / FolderId, ItemId / OccurrenceItemId / RecurringMasterItemId).
 */
import { SchemaError } from './calendar';
import { distinguishedFolders, type CalendarItem, type Folder, type Item, type Mailbox } from './model';
import type { MessageResult } from './soap';
import { EwsError, type ExchangeStore } from './store';
import { child, children, textOf, type XNode } from './xml';

export interface OpContext {
  store: ExchangeStore;
  /** The signed-in account's mailbox. */
  mb: Mailbox;
  /** The operation element (m:FindItem …). */
  op: XNode;
  /** Windows zone id from the TimeZoneContext header, if any. */
  tzContext?: string;
}

export type OpHandler = (ctx: OpContext) => MessageResult[];

/** Folder names valid in the schema that the simulator does not model. */
const otherDistinguished = new Set([
  'root', 'contacts', 'tasks', 'notes', 'journal', 'publicfoldersroot', 'searchfolders', 'voicemail',
  'recoverableitemsroot', 'recoverableitemsdeletions', 'archiveroot', 'archivemsgfolderroot', 'conflicts', 'syncissues',
]);

/** Resolves a DistinguishedFolderId or FolderId element in the signed-in mailbox. */
export function resolveFolderRef(ctx: OpContext, node: XNode): Folder {
  if (node.name === 'DistinguishedFolderId') {
    const id = node.attrs.Id ?? '';
    const other = textOf(node, 'Mailbox', 'EmailAddress');
    if (other && other.toLowerCase() !== ctx.mb.address) {
      const target = ctx.store.byAddress(other);
      if (!target || target.kind === 'distribution_list') throw new EwsError('ErrorNonExistentMailbox', `No mailbox with such guid.`);
      throw new EwsError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    }
    const d = distinguishedFolders.find((x) => x === id);
    if (d) return ctx.store.distinguished(ctx.mb, d);
    if (otherDistinguished.has(id)) throw new EwsError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
    throw new SchemaError(`The 'Id' attribute is invalid - The value '${id}' is invalid according to its datatype DistinguishedFolderIdNameType.`);
  }
  if (node.name === 'FolderId') return ctx.store.resolveFolderId(ctx.mb, node.attrs.Id ?? '');
  throw new SchemaError(`Unexpected folder reference ${node.name}.`);
}

/** The folder reference elements inside a container (ParentFolderIds, ToFolderId, SavedItemFolderId …). */
export function folderRefs(container: XNode | undefined): XNode[] {
  return children(container).filter((c) => c.name === 'DistinguishedFolderId' || c.name === 'FolderId');
}

export function singleFolder(ctx: OpContext, containerName: string): Folder | undefined {
  const ref = folderRefs(child(ctx.op, containerName))[0];
  return ref ? resolveFolderRef(ctx, ref) : undefined;
}

export interface ItemRef {
  item: Item;
  /** Set when the reference names one occurrence of a series. */
  occurrenceStart?: number;
}

/**
 * Resolves ItemId, OccurrenceItemId (RecurringMasterId + 1-based InstanceIndex) and
 * RecurringMasterItemId (OccurrenceId → its master).
 */
export function resolveItemRef(ctx: OpContext, node: XNode, seriesStarts: (m: CalendarItem) => number[]): ItemRef {
  switch (node.name) {
    case 'ItemId':
      return ctx.store.resolveItemId(ctx.mb, node.attrs.Id ?? '');
    case 'OccurrenceItemId': {
      const { item } = ctx.store.resolveItemId(ctx.mb, node.attrs.RecurringMasterId ?? '');
      if (item.kind !== 'calendar' || !item.recurrence) throw new EwsError('ErrorCalendarCannotUseIdForOccurrenceId', 'The id is not that of a recurring master.');
      const index = Number(node.attrs.InstanceIndex);
      const start = seriesStarts(item)[index - 1];
      if (!Number.isInteger(index) || start === undefined) throw new EwsError('ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange', 'Occurrence index is out of recurrence range.');
      return { item, occurrenceStart: start };
    }
    case 'RecurringMasterItemId': {
      const ref = ctx.store.resolveItemId(ctx.mb, node.attrs.OccurrenceId ?? '');
      if (ref.occurrenceStart === undefined) throw new EwsError('ErrorCalendarCannotUseIdForRecurringMasterId', 'The id is not that of an occurrence.');
      return { item: ref.item };
    }
    default:
      throw new SchemaError(`Unexpected item reference ${node.name}.`);
  }
}

export function itemRefNodes(container: XNode | undefined): XNode[] {
  return children(container).filter((c) => c.name === 'ItemId' || c.name === 'OccurrenceItemId' || c.name === 'RecurringMasterItemId');
}

/** Runs one unit of a batched call; an EwsError becomes that unit's error response only. */
export function perItem(fn: () => MessageResult): MessageResult {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EwsError) return { code: e.code, text: e.message };
    throw e;
  }
}
