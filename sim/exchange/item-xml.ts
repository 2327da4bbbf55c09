/**
 * Renders items the way EWS does for a requested shape: IdOnly / Default / AllProperties plus
 * AdditionalProperties. MimeContent and extended properties appear only when asked for by name,
 * as in Exchange; times are UTC with Z.
 */
import { extendedKey, instanceAt, lastOccurrence, seriesStarts, type Instance } from './calendar';
import { makeId, type Attendee, type CalendarItem, type Folder, type Item, type Mailbox, type MessageItem } from './model';
import { renderRecurrence } from './recurrence';
import { formatUtc, windowsZoneName } from './timezones';
import { child, children, el, tx, type XNode } from './xml';

export interface Shape {
  base: 'IdOnly' | 'Default' | 'AllProperties';
  fields: Set<string>;
  extended: Record<string, string>[];
}

export function parseShape(node: XNode | undefined): Shape {
  const base = child(node, 'BaseShape')?.text.trim();
  const extra = child(node, 'AdditionalProperties');
  return {
    base: base === 'IdOnly' || base === 'AllProperties' ? base : 'Default',
    fields: new Set(children(extra, 'FieldURI').map((f) => (f.attrs.FieldURI ?? '').toLowerCase())),
    extended: children(extra, 'ExtendedFieldURI').map((f) => f.attrs),
  };
}

type Level = 'default' | 'all' | 'explicit';

function wants(shape: Shape, uri: string, level: Level): boolean {
  if (shape.fields.has(uri.toLowerCase())) return true;
  if (level === 'explicit' || shape.base === 'IdOnly') return false;
  return level === 'default' || shape.base === 'AllProperties';
}

/** An EmailAddressType element (t:Mailbox inside From / Organizer / ToRecipients …). */
export function emailXml(tag: string, email: string, name?: string, type = 'Mailbox'): string {
  return el(tag, null, tx('t:Name', name ?? email), tx('t:EmailAddress', email), tx('t:RoutingType', 'SMTP'), tx('t:MailboxType', type));
}

export function mailboxXml(tag: string, email: string, name?: string): string {
  return el(tag, null, emailXml('t:Mailbox', email, name));
}

function attendeesXml(tag: string, list: Attendee[]): string {
  if (list.length === 0) return '';
  return el(tag, null, list.map((a) => el('t:Attendee', null, el('t:Mailbox', null, tx('t:Name', a.name ?? a.email), tx('t:EmailAddress', a.email), tx('t:RoutingType', 'SMTP')), tx('t:ResponseType', a.response ?? 'Unknown'))));
}

function extendedXml(item: Item, shape: Shape): string[] {
  const out: string[] = [];
  for (const uri of shape.extended) {
    const found = item.extended.get(extendedKey(uri));
    if (!found) continue;
    const values = found.value.split('\u0000');
    const isArray = (uri.PropertyType ?? found.uri.PropertyType ?? '').endsWith('Array');
    out.push(el('t:ExtendedProperty', null, el('t:ExtendedFieldURI', uri), isArray ? el('t:Values', null, values.map((v) => tx('t:Value', v))) : tx('t:Value', found.value)));
  }
  return out;
}

function itemId(id: string, changeKey: string): string {
  return el('t:ItemId', { Id: id, ChangeKey: changeKey });
}

function folderRef(mb: Mailbox, folderId: string): string {
  return el('t:ParentFolderId', { Id: folderId, ChangeKey: mb.folders.get(folderId)?.changeKey });
}

export function messageXml(mb: Mailbox, m: MessageItem, shape: Shape): string {
  return el(
    't:Message',
    null,
    wants(shape, 'item:MimeContent', 'explicit') && tx('t:MimeContent', m.mime.toString('base64'), { CharacterSet: 'UTF-8' }),
    itemId(m.id, m.changeKey),
    wants(shape, 'item:ParentFolderId', 'default') && folderRef(mb, m.folderId),
    wants(shape, 'item:ItemClass', 'default') && tx('t:ItemClass', 'IPM.Note'),
    wants(shape, 'item:Subject', 'default') && tx('t:Subject', m.subject),
    wants(shape, 'item:Sensitivity', 'default') && tx('t:Sensitivity', 'Normal'),
    wants(shape, 'item:Body', 'all') && tx('t:Body', m.preview, { BodyType: 'Text' }),
    wants(shape, 'item:DateTimeReceived', 'default') && tx('t:DateTimeReceived', formatUtc(m.received)),
    wants(shape, 'item:Size', 'default') && tx('t:Size', m.mime.length),
    wants(shape, 'item:DateTimeSent', 'default') && tx('t:DateTimeSent', formatUtc(m.sent)),
    wants(shape, 'item:DateTimeCreated', 'default') && tx('t:DateTimeCreated', formatUtc(m.created)),
    wants(shape, 'item:HasAttachments', 'default') && tx('t:HasAttachments', m.hasAttachments),
    extendedXml(m, shape),
    wants(shape, 'item:LastModifiedTime', 'all') && tx('t:LastModifiedTime', formatUtc(m.modified)),
    wants(shape, 'message:ToRecipients', 'all') && m.to.length > 0 && el('t:ToRecipients', null, m.to.map((a) => emailXml('t:Mailbox', a))),
    wants(shape, 'message:From', 'default') && m.from && mailboxXml('t:From', m.from),
    wants(shape, 'message:InternetMessageId', 'all') && tx('t:InternetMessageId', m.internetMessageId),
    wants(shape, 'message:IsRead', 'default') && tx('t:IsRead', m.isRead),
  );
}

export function occurrenceId(mb: Mailbox, master: CalendarItem, originalStart: number): string {
  return makeId('O', mb.index, master.serial, originalStart);
}

function zoneXml(tag: string, id: string): string {
  return el(tag, { Id: id, Name: windowsZoneName(id) });
}

/** A single item, a recurring master, or (with `instance`) one occurrence / exception of a master. */
export function calendarXml(mb: Mailbox, c: CalendarItem, shape: Shape, instance?: Instance): string {
  const f = instance?.fields ?? c;
  const type = instance ? instance.kind : c.recurrence ? 'RecurringMaster' : 'Single';
  const master = !instance && c.recurrence ? c : undefined;
  const first = master ? seriesStarts(master, Number.POSITIVE_INFINITY).slice(0, 1)[0] : undefined;
  const last = master ? lastOccurrence(master) : undefined;
  const id = instance ? itemId(occurrenceId(mb, c, instance.originalStart), instance.changeKey) : itemId(c.id, c.changeKey);
  const occurrenceRef = (s: number, tag = 't:Occurrence'): string => {
    const i = instanceAt(c, s);
    return el(tag, null, itemId(occurrenceId(mb, c, s), i.changeKey), tx('t:Start', formatUtc(i.start)), tx('t:End', formatUtc(i.end)), tx('t:OriginalStart', formatUtc(s)));
  };
  return el(
    't:CalendarItem',
    null,
    id,
    wants(shape, 'item:ParentFolderId', 'default') && folderRef(mb, c.folderId),
    wants(shape, 'item:ItemClass', 'default') && tx('t:ItemClass', 'IPM.Appointment'),
    wants(shape, 'item:Subject', 'default') && tx('t:Subject', f.subject),
    wants(shape, 'item:Sensitivity', 'default') && tx('t:Sensitivity', f.sensitivity),
    wants(shape, 'item:Body', 'all') && tx('t:Body', f.body, { BodyType: f.bodyType }),
    wants(shape, 'item:DateTimeCreated', 'default') && tx('t:DateTimeCreated', formatUtc(c.created)),
    extendedXml(c, shape),
    wants(shape, 'item:LastModifiedTime', 'default') && tx('t:LastModifiedTime', formatUtc(c.modified)),
    wants(shape, 'calendar:UID', 'default') && tx('t:UID', c.uid),
    wants(shape, 'calendar:Start', 'default') && tx('t:Start', formatUtc(f.start)),
    wants(shape, 'calendar:End', 'default') && tx('t:End', formatUtc(f.end)),
    instance && wants(shape, 'calendar:OriginalStart', 'default') && tx('t:OriginalStart', formatUtc(instance.originalStart)),
    wants(shape, 'calendar:IsAllDayEvent', 'default') && tx('t:IsAllDayEvent', f.isAllDay),
    wants(shape, 'calendar:LegacyFreeBusyStatus', 'default') && tx('t:LegacyFreeBusyStatus', f.freeBusy),
    wants(shape, 'calendar:Location', 'default') && tx('t:Location', f.location),
    wants(shape, 'calendar:IsCancelled', 'all') && tx('t:IsCancelled', c.isCancelled),
    wants(shape, 'calendar:IsRecurring', 'default') && tx('t:IsRecurring', type !== 'Single'),
    wants(shape, 'calendar:CalendarItemType', 'default') && tx('t:CalendarItemType', type),
    wants(shape, 'calendar:Organizer', 'default') && mailboxXml('t:Organizer', c.organizer.email, c.organizer.name),
    wants(shape, 'calendar:RequiredAttendees', 'all') && attendeesXml('t:RequiredAttendees', c.required),
    wants(shape, 'calendar:OptionalAttendees', 'all') && attendeesXml('t:OptionalAttendees', c.optional),
    master && wants(shape, 'calendar:Recurrence', 'all') && master.recurrence && renderRecurrence(master.recurrence),
    first !== undefined && wants(shape, 'calendar:FirstOccurrence', 'all') && occurrenceRef(first, 't:FirstOccurrence'),
    last !== undefined && wants(shape, 'calendar:LastOccurrence', 'all') && occurrenceRef(last, 't:LastOccurrence'),
    master && master.exceptions.size > 0 && wants(shape, 'calendar:ModifiedOccurrences', 'all') && el('t:ModifiedOccurrences', null, [...master.exceptions.keys()].sort((a, b) => a - b).map((s) => occurrenceRef(s))),
    master && master.deletedOccurrences.size > 0 && wants(shape, 'calendar:DeletedOccurrences', 'all') && el('t:DeletedOccurrences', null, [...master.deletedOccurrences].sort((a, b) => a - b).map((s) => el('t:DeletedOccurrence', null, tx('t:Start', formatUtc(s))))),
    wants(shape, 'calendar:StartTimeZone', 'all') && zoneXml('t:StartTimeZone', c.startTimeZone),
    wants(shape, 'calendar:EndTimeZone', 'all') && zoneXml('t:EndTimeZone', c.endTimeZone),
  );
}

export function itemXml(mb: Mailbox, item: Item, shape: Shape, instance?: Instance): string {
  return item.kind === 'message' ? messageXml(mb, item, shape) : calendarXml(mb, item, shape, instance);
}

export function folderXml(mb: Mailbox, f: Folder, items: number): string {
  const tag = f.folderClass === 'IPF.Appointment' ? 't:CalendarFolder' : 't:Folder';
  const childCount = [...mb.folders.values()].filter((x) => x.parentId === f.id).length;
  return el(
    tag,
    null,
    el('t:FolderId', { Id: f.id, ChangeKey: f.changeKey }),
    f.parentId && el('t:ParentFolderId', { Id: f.parentId, ChangeKey: mb.folders.get(f.parentId)?.changeKey }),
    f.folderClass && tx('t:FolderClass', f.folderClass),
    tx('t:DisplayName', f.displayName),
    tx('t:TotalCount', items),
    tx('t:ChildFolderCount', childCount),
    f.folderClass !== 'IPF.Appointment' && tx('t:UnreadCount', 0),
  );
}
