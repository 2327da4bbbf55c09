/**
 * State of the simulated Exchange organisation: mailboxes, folders, items, the change journal that
 * SyncFolderItems and pull notifications read, and ids shaped like EWS ids (opaque base64 that
 * change when an item moves).
 */
import type { Recurrence } from './recurrence';

export type MailboxKind = 'user' | 'shared' | 'distribution_list';

export const distinguishedFolders = ['msgfolderroot', 'inbox', 'sentitems', 'drafts', 'deleteditems', 'junkemail', 'outbox', 'calendar'] as const;
export type DistinguishedFolder = (typeof distinguishedFolders)[number];

export interface Folder {
  id: string;
  changeKey: string;
  version: number;
  parentId: string | null;
  displayName: string;
  distinguished?: DistinguishedFolder;
  folderClass: 'IPF.Note' | 'IPF.Appointment' | '';
}

export type Sensitivity = 'Normal' | 'Personal' | 'Private' | 'Confidential';
export type FreeBusy = 'Free' | 'Tentative' | 'Busy' | 'OOF' | 'WorkingElsewhere' | 'NoData';

export interface ExtendedValue {
  /** DistinguishedPropertySetId / PropertySetId / PropertyTag / PropertyName / PropertyId as sent. */
  uri: Record<string, string>;
  value: string;
}

interface ItemBase {
  id: string;
  /** Internal serial, stable across moves (the sim's own handle; ids change on move as in Exchange). */
  serial: number;
  changeKey: string;
  version: number;
  folderId: string;
  created: number;
  modified: number;
  extended: Map<string, ExtendedValue>;
  /** Journal sequence of the last change (SyncFolderItems / GetEvents order). */
  changedSeq: number;
  /** Journal sequence at which the item appeared in its current folder. */
  createdSeq: number;
  /** Fields changed per version, so AutoResolve can tell a harmless stale ChangeKey from a conflict. */
  history: { version: number; fields: Set<string> }[];
}

export interface MessageItem extends ItemBase {
  kind: 'message';
  mime: Buffer;
  internetMessageId: string;
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  sent: number;
  received: number;
  isRead: boolean;
  preview: string;
  hasAttachments: boolean;
}

export interface Attendee {
  email: string;
  name?: string;
  response?: 'Unknown' | 'Organizer' | 'Tentative' | 'Accept' | 'Decline' | 'NoResponseReceived';
}

/** Fields an occurrence may override (an exception). */
export interface OccurrenceFields {
  subject: string;
  body: string;
  bodyType: 'Text' | 'HTML';
  location: string;
  start: number;
  end: number;
  isAllDay: boolean;
  sensitivity: Sensitivity;
  freeBusy: FreeBusy;
}

export interface ExceptionData extends Partial<OccurrenceFields> {
  originalStart: number;
  changeKey: string;
  version: number;
  modified: number;
}

export interface CalendarItem extends ItemBase, OccurrenceFields {
  kind: 'calendar';
  uid: string;
  startTimeZone: string;
  endTimeZone: string;
  organizer: Attendee;
  required: Attendee[];
  optional: Attendee[];
  recurrence?: Recurrence;
  exceptions: Map<number, ExceptionData>;
  deletedOccurrences: Set<number>;
  isCancelled: boolean;
}

export type Item = MessageItem | CalendarItem;

export interface Tombstone {
  id: string;
  folderId: string;
  seq: number;
  createdSeq: number;
}

export type EventKind = 'CreatedEvent' | 'DeletedEvent' | 'ModifiedEvent' | 'MovedEvent' | 'CopiedEvent' | 'NewMailEvent';

export interface MailboxEvent {
  seq: number;
  kind: EventKind;
  at: number;
  itemId: string;
  folderId: string;
  oldItemId?: string;
  oldFolderId?: string;
}

export interface PullSubscription {
  id: string;
  folderIds: Set<string> | 'all';
  eventKinds: Set<EventKind>;
  timeoutMinutes: number;
  lastPolled: number;
  watermarkSeq: number;
}

export interface Mailbox {
  index: number;
  address: string;
  displayName: string;
  kind: MailboxKind;
  /** Lower-case sign-in names (DOMAIN\user and UPN). */
  usernames: Set<string>;
  password: string;
  folders: Map<string, Folder>;
  items: Map<string, Item>;
  tombstones: Tombstone[];
  events: MailboxEvent[];
  seq: number;
  /** Bumped by expireSyncState: every SyncState issued before stops being accepted. */
  syncEpoch: number;
  subscriptions: Map<string, PullSubscription>;
}

// ---------------------------------------------------------------- ids

const ID_PREFIX = 'EWSSIM';

/** kind F folder, I item, O occurrence (serial = master serial, extra = original start). */
export interface ParsedId {
  kind: 'F' | 'I' | 'O';
  mailbox: number;
  serial: number;
  extra: number;
}

export function makeId(kind: ParsedId['kind'], mailbox: number, serial: number, extra = 0): string {
  return Buffer.from(`${ID_PREFIX}:${kind}:${mailbox}:${serial}:${extra}`).toString('base64');
}

export function parseId(id: string): ParsedId | null {
  if (!/^[A-Za-z0-9+/]+=*$/.test(id)) return null;
  const m = /^EWSSIM:([FIO]):(\d+):(\d+):(-?\d+)$/.exec(Buffer.from(id, 'base64').toString('latin1'));
  if (!m) return null;
  const kind = m[1] === 'F' ? 'F' : m[1] === 'I' ? 'I' : 'O';
  return { kind, mailbox: Number(m[2]), serial: Number(m[3]), extra: Number(m[4]) };
}

export function makeChangeKey(serial: number, version: number): string {
  return Buffer.from(`CK:${serial}:${version}`).toString('base64');
}

export function changeKeyVersion(changeKey: string): { serial: number; version: number } | null {
  const m = /^CK:(\d+):(\d+)$/.exec(Buffer.from(changeKey, 'base64').toString('latin1'));
  return m ? { serial: Number(m[1]), version: Number(m[2]) } : null;
}
