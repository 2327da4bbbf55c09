/** In-memory state of the simulated tenant(s): mailboxes, folders, messages, events. */
import type { Attendee, EmailAddress, ItemBody, PatternedRecurrence } from '@microsoft/microsoft-graph-types';

export type SimMailboxType = 'user' | 'shared' | 'group';

export interface SimFolder {
  id: string;
  displayName: string;
  /** Root folder id for top-level folders. */
  parentFolderId: string;
  /** Lower-case well-known name (inbox, sentitems, drafts…) for default folders. */
  wellKnownName?: string;
  isHidden: boolean;
}

export interface SimMessageHeader {
  name: string;
  value: string;
}

export interface SimMessage {
  /** Stays the same across moves (what `Prefer: IdType="ImmutableId"` returns). */
  immutableId: string;
  /** The default-format id; Graph issues a new one whenever the message changes folder. */
  restId: string;
  folderId: string;
  raw: Uint8Array;
  internetMessageId: string;
  headers: SimMessageHeader[];
  subject: string;
  from?: EmailAddress;
  sender?: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress[];
  body: ItemBody;
  bodyPreview: string;
  hasAttachments: boolean;
  isDraft: boolean;
  isRead: boolean;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  receivedDateTime: string;
  sentDateTime?: string;
  conversationId: string;
  /** Insertion order, the tie-breaker for stable listing. */
  seq: number;
}

export interface SimExtendedProperty {
  id: string;
  value: string;
}

export interface SimDateTime {
  /** Local wall-clock time as given, e.g. "2026-11-03T09:00:00". */
  dateTime: string;
  /** Zone as Outlook stores it (Windows name when known). */
  timeZone: string;
}

/** The user-editable part of an event (also what an exception overrides). */
export interface SimEventFields {
  subject: string;
  body: ItemBody;
  start: SimDateTime;
  end: SimDateTime;
  isAllDay: boolean;
  sensitivity: 'normal' | 'personal' | 'private' | 'confidential';
  showAs: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
  location: string;
  attendees: Attendee[];
  categories: string[];
}

export interface SimException {
  /** Same id the occurrence had. */
  id: string;
  cancelled: boolean;
  changeKey: string;
  lastModifiedDateTime: string;
  /** Fields changed for this one instance. */
  overrides: Partial<SimEventFields>;
}

export interface SimEvent {
  id: string;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  iCalUId: string;
  transactionId?: string;
  fields: SimEventFields;
  organizer: EmailAddress;
  recurrence: PatternedRecurrence | null;
  extendedProperties: SimExtendedProperty[];
  /** Keyed by the instance's original start (ISO UTC). */
  exceptions: Map<string, SimException>;
}

export interface SimMailbox {
  id: string;
  address: string;
  displayName: string;
  type: SimMailboxType;
  tenantId: string;
  password?: string;
  mfaCode?: string;
  folders: Map<string, SimFolder>;
  rootFolderId: string;
  messages: Map<string, SimMessage>;
  /** Current default-format id → immutable id. */
  restIds: Map<string, string>;
  events: Map<string, SimEvent>;
  /** Bumped by expireDeltaTokens: delta and skip tokens minted before are gone. */
  deltaEpoch: number;
}

export type ChangeType = 'created' | 'updated' | 'deleted';

/** Emitted on every change so subscriptions can notify. */
export interface ChangeEvent {
  mailbox: SimMailbox;
  kind: 'message' | 'event';
  changeType: ChangeType;
  id: string;
  /** For messages: the folder the change happened in. */
  folderId?: string;
  /** For messages: the default-format id at the time of the change (it changes on move). */
  restId?: string;
}
