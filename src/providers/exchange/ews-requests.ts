/**
 * Request fragments every EWS operation shares: property paths, folder and item ids, shapes and
 * restrictions, written in the element order types.xsd prescribes (Exchange validates order).
 */
import type { EwsClient } from './ews-client';
import { child, el, path, tx } from './ews-xml';

export type DistinguishedFolder = 'msgfolderroot' | 'inbox' | 'sentitems' | 'calendar' | 'deleteditems';

/** Tandem's id on events it made: a named string property in PublicStrings (MAPI named property). */
export const tandemIdProperty = { DistinguishedPropertySetId: 'PublicStrings', PropertyName: 'TandemId', PropertyType: 'String' } as const;

export function fieldUri(uri: string): string {
  return el('t:FieldURI', { FieldURI: uri });
}

export function tandemIdUri(): string {
  return el('t:ExtendedFieldURI', tandemIdProperty);
}

/**
 * A well-known folder of a mailbox. Naming the mailbox (DistinguishedFolderId/Mailbox) pins every
 * call to the address that was connected: if the credentials belong to another account, Exchange
 * answers ErrorAccessDenied / ErrorNonExistentMailbox instead of quietly serving the signed-in
 * account's own folders.
 */
export function distinguishedFolderXml(folder: DistinguishedFolder, mailbox?: string): string {
  return el('t:DistinguishedFolderId', { Id: folder }, mailbox && el('t:Mailbox', null, tx('t:EmailAddress', mailbox)));
}

export function folderIdXml(id: string): string {
  return el('t:FolderId', { Id: id });
}

export function itemIdsXml(ids: string[]): string[] {
  return ids.map((id) => el('t:ItemId', { Id: id }));
}

export function itemShape(base: 'IdOnly' | 'Default' | 'AllProperties', props: string[] = [], bodyType?: 'Text' | 'HTML'): string {
  return el('m:ItemShape', null, tx('t:BaseShape', base), bodyType && tx('t:BodyType', bodyType), props.length > 0 && el('t:AdditionalProperties', null, props));
}

export function constantRestriction(op: 'IsEqualTo' | 'IsGreaterThanOrEqualTo' | 'IsLessThan', field: string, value: string): string {
  return el(`t:${op}`, null, field, el('t:FieldURIOrConstant', null, el('t:Constant', { Value: value })));
}

/** The id of the first item in a folder matching a restriction (FindItem, one entry), or undefined. */
export async function findFirstItemId(ews: EwsClient, folder: DistinguishedFolder, restriction: string): Promise<string | undefined> {
  const body = el(
    'm:FindItem',
    { Traversal: 'Shallow' },
    itemShape('IdOnly'),
    el('m:IndexedPageItemView', { MaxEntriesReturned: 1, Offset: 0, BasePoint: 'Beginning' }),
    el('m:Restriction', null, restriction),
    el('m:ParentFolderIds', null, ews.folder(folder)),
  );
  const root = await ews.callOne('FindItem', body);
  return child(path(root, 'RootFolder', 'Items')?.children[0], 'ItemId')?.attrs.Id;
}
