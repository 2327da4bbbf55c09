/**
 * The simulated organisation's state and the primitive changes every operation is made of. Each
 * change goes through the journal (sequence numbers, tombstones, events) so SyncFolderItems and
 * GetEvents see exactly what happened.
 */
import type { Clock } from '../../src/domain/clock';
import type { Random } from '../common/random';
import {
  distinguishedFolders,
  makeChangeKey,
  makeId,
  parseId,
  type CalendarItem,
  type DistinguishedFolder,
  type EventKind,
  type Folder,
  type Item,
  type Mailbox,
  type MailboxKind,
  type MessageItem,
} from './model';
import { addresses, ensureMessageId, header, parseHeaders, preview } from './mime';

/** A failure with the ResponseCode EWS answers for it. */
export class EwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EwsError';
  }
}

export interface AddMailboxInput {
  address: string;
  /** DOMAIN\user or UPN; both forms are accepted at sign-in. */
  username: string;
  password: string;
  type: MailboxKind;
  displayName?: string;
}

const folderTitles: Record<DistinguishedFolder, string> = {
  msgfolderroot: 'Top of Information Store',
  inbox: 'Inbox',
  sentitems: 'Sent Items',
  drafts: 'Drafts',
  deleteditems: 'Deleted Items',
  junkemail: 'Junk Email',
  outbox: 'Outbox',
  calendar: 'Calendar',
};

export class ExchangeStore {
  readonly mailboxes: Mailbox[] = [];
  private serial = 1;

  constructor(
    readonly clock: Clock,
    readonly random: Random,
  ) {}

  now(): number {
    return this.clock.now().getTime();
  }

  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i++) s += Math.floor(this.random() * 256).toString(16).padStart(2, '0');
    return s.toUpperCase();
  }

  nextSerial(): number {
    return this.serial++;
  }

  // ---------------------------------------------------------------- mailboxes

  addMailbox(input: AddMailboxInput): Mailbox {
    const address = input.address.toLowerCase();
    if (this.byAddress(address)) throw new Error(`mailbox ${address} exists`);
    const mb: Mailbox = {
      index: this.mailboxes.length + 1,
      address,
      displayName: input.displayName ?? address.split('@')[0] ?? address,
      kind: input.type,
      usernames: signInNames(input.username, address),
      password: input.password,
      folders: new Map(),
      items: new Map(),
      tombstones: [],
      events: [],
      seq: 0,
      syncEpoch: 1,
      subscriptions: new Map(),
    };
    // A user's UPN is usually the address; a shared mailbox's address is not a sign-in name.
    if (mb.kind === 'user') mb.usernames.add(address);
    this.mailboxes.push(mb);
    // A distribution list has no mailbox store behind it: only the directory entry.
    if (mb.kind !== 'distribution_list') {
      const root = this.newFolder(mb, null, folderTitles.msgfolderroot, 'msgfolderroot', '');
      for (const d of distinguishedFolders) {
        if (d !== 'msgfolderroot') this.newFolder(mb, root.id, folderTitles[d], d, d === 'calendar' ? 'IPF.Appointment' : 'IPF.Note');
      }
    }
    return mb;
  }

  byAddress(address: string): Mailbox | undefined {
    const a = address.toLowerCase();
    return this.mailboxes.find((m) => m.address === a);
  }

  mustMailbox(address: string): Mailbox {
    const mb = this.byAddress(address);
    if (!mb) throw new Error(`no mailbox ${address}`);
    return mb;
  }

  byUsername(username: string): Mailbox | undefined {
    const u = username.toLowerCase();
    return this.mailboxes.find((m) => m.usernames.has(u));
  }

  // ---------------------------------------------------------------- folders

  private newFolder(mb: Mailbox, parentId: string | null, name: string, distinguished: DistinguishedFolder | undefined, folderClass: Folder['folderClass']): Folder {
    const serial = this.nextSerial();
    const f: Folder = { id: makeId('F', mb.index, serial), changeKey: makeChangeKey(serial, 1), version: 1, parentId, displayName: name, folderClass };
    if (distinguished) f.distinguished = distinguished;
    mb.folders.set(f.id, f);
    return f;
  }

  distinguished(mb: Mailbox, name: DistinguishedFolder): Folder {
    for (const f of mb.folders.values()) if (f.distinguished === name) return f;
    throw new EwsError('ErrorFolderNotFound', `The specified folder could not be found in the store.`);
  }

  createFolder(mb: Mailbox, parentId: string, name: string, folderClass: Folder['folderClass'] = 'IPF.Note'): Folder {
    if (!mb.folders.has(parentId)) throw new EwsError('ErrorParentFolderNotFound', 'The parent folder could not be found.');
    const taken = [...mb.folders.values()].some((f) => f.parentId === parentId && f.displayName.toLowerCase() === name.toLowerCase());
    if (taken) throw new EwsError('ErrorFolderExists', 'A folder with the specified name already exists.');
    return this.newFolder(mb, parentId, name, undefined, folderClass);
  }

  childFolders(mb: Mailbox, parentId: string, deep: boolean): Folder[] {
    const out: Folder[] = [];
    for (const f of mb.folders.values()) {
      if (f.parentId !== parentId) continue;
      out.push(f);
      if (deep) out.push(...this.childFolders(mb, f.id, true));
    }
    return out;
  }

  /** Admin lookup: a distinguished id ("inbox"), a display name ("Sent Items", "Tandem") or a folder id. */
  folderByName(mb: Mailbox, name: string): Folder {
    const lower = name.toLowerCase();
    const found =
      [...mb.folders.values()].find((f) => f.distinguished === lower) ??
      [...mb.folders.values()].find((f) => f.displayName.toLowerCase() === lower) ??
      mb.folders.get(name);
    if (!found) throw new Error(`no folder ${name} in ${mb.address}`);
    return found;
  }

  itemsIn(mb: Mailbox, folderId: string): Item[] {
    return [...mb.items.values()].filter((i) => i.folderId === folderId);
  }

  // ---------------------------------------------------------------- journal

  emit(mb: Mailbox, kind: EventKind, itemId: string, folderId: string, old?: { itemId: string; folderId: string }): void {
    const e = { seq: ++mb.seq, kind, at: this.now(), itemId, folderId, ...(old ? { oldItemId: old.itemId, oldFolderId: old.folderId } : {}) };
    mb.events.push(e);
  }

  /** Records a new version of an item: new ChangeKey, journal position and the fields it touched. */
  touch(mb: Mailbox, item: Item, fields: Iterable<string>): void {
    item.version++;
    item.changeKey = makeChangeKey(item.serial, item.version);
    item.modified = this.now();
    item.history.push({ version: item.version, fields: new Set(fields) });
    if (item.history.length > 50) item.history.shift();
    this.emit(mb, 'ModifiedEvent', item.id, item.folderId);
    item.changedSeq = mb.seq;
  }

  /** Places a new item (fields already filled except journal data) into a folder. */
  insert<T extends Item>(mb: Mailbox, item: T): T {
    mb.items.set(item.id, item);
    this.emit(mb, 'CreatedEvent', item.id, item.folderId);
    item.createdSeq = mb.seq;
    item.changedSeq = mb.seq;
    const folder = mb.folders.get(item.folderId);
    if (item.kind === 'message' && folder?.distinguished === 'inbox') this.emit(mb, 'NewMailEvent', item.id, item.folderId);
    return item;
  }

  baseFields(mb: Mailbox, folderId: string): Omit<MessageItem, 'kind' | 'mime' | 'internetMessageId' | 'subject' | 'from' | 'to' | 'cc' | 'sent' | 'received' | 'isRead' | 'preview' | 'hasAttachments'> {
    const serial = this.nextSerial();
    const now = this.now();
    return {
      id: makeId('I', mb.index, serial),
      serial,
      changeKey: makeChangeKey(serial, 1),
      version: 1,
      folderId,
      created: now,
      modified: now,
      extended: new Map(),
      changedSeq: 0,
      createdSeq: 0,
      history: [{ version: 1, fields: new Set() }],
    };
  }

  newMessageId(mb: Mailbox): string {
    return `<${this.hex(16)}@${mb.address.split('@')[1] ?? 'sim.local'}>`;
  }

  addMessage(mb: Mailbox, folderId: string, raw: Buffer, opts: { isRead?: boolean } = {}): MessageItem {
    const { mime, messageId } = ensureMessageId(raw, () => this.newMessageId(mb));
    const h = parseHeaders(mime);
    const dateHeader = header(h, 'date');
    const sent = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    const now = this.now();
    return this.insert(mb, {
      ...this.baseFields(mb, folderId),
      kind: 'message',
      mime,
      internetMessageId: messageId,
      subject: header(h, 'subject') ?? '',
      from: addresses(header(h, 'from'))[0] ?? '',
      to: addresses(header(h, 'to')),
      cc: addresses(header(h, 'cc')),
      sent: Number.isNaN(sent) ? now : sent,
      received: now,
      isRead: opts.isRead ?? false,
      preview: preview(mime, h),
      hasAttachments: /multipart\/mixed/i.test(h.headers.get('content-type') ?? ''),
    });
  }

  /** Exchange gives an item a new id when it changes folder; the old id stops resolving. */
  moveItem(mb: Mailbox, item: Item, toFolderId: string): Item {
    const oldId = item.id;
    const oldFolder = item.folderId;
    mb.items.delete(oldId);
    mb.tombstones.push({ id: oldId, folderId: oldFolder, seq: ++mb.seq, createdSeq: item.createdSeq });
    const serial = this.nextSerial();
    item.id = makeId('I', mb.index, serial);
    item.folderId = toFolderId;
    item.version++;
    item.changeKey = makeChangeKey(item.serial, item.version);
    item.history = [{ version: item.version, fields: new Set() }];
    mb.items.set(item.id, item);
    this.emit(mb, 'MovedEvent', item.id, toFolderId, { itemId: oldId, folderId: oldFolder });
    item.createdSeq = mb.seq;
    item.changedSeq = mb.seq;
    return item;
  }

  removeItem(mb: Mailbox, item: Item): void {
    mb.items.delete(item.id);
    mb.tombstones.push({ id: item.id, folderId: item.folderId, seq: ++mb.seq, createdSeq: item.createdSeq });
    this.emit(mb, 'DeletedEvent', item.id, item.folderId);
  }

  /** DeleteType: HardDelete / SoftDelete remove; MoveToDeletedItems moves (the new id is not returned). */
  deleteItem(mb: Mailbox, item: Item, mode: string): void {
    const deleted = this.distinguished(mb, 'deleteditems');
    if (mode === 'MoveToDeletedItems' && item.folderId !== deleted.id) this.moveItem(mb, item, deleted.id);
    else this.removeItem(mb, item);
  }

  /** Looks an item id up in a mailbox: malformed → ErrorInvalidIdMalformed, gone → ErrorItemNotFound. */
  resolveItemId(mb: Mailbox, id: string): { item: Item; occurrenceStart?: number } {
    const parsed = parseId(id);
    if (!parsed || parsed.kind === 'F') throw new EwsError('ErrorInvalidIdMalformed', 'Id is malformed.');
    if (parsed.mailbox !== mb.index) throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
    if (parsed.kind === 'O') {
      const master = [...mb.items.values()].find((i): i is CalendarItem => i.kind === 'calendar' && i.serial === parsed.serial);
      if (!master?.recurrence) throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
      return { item: master, occurrenceStart: parsed.extra };
    }
    const item = mb.items.get(id);
    if (!item) throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
    return { item };
  }

  resolveFolderId(mb: Mailbox, id: string): Folder {
    const parsed = parseId(id);
    if (!parsed || parsed.kind !== 'F') throw new EwsError('ErrorInvalidIdMalformed', 'Id is malformed.');
    const f = mb.folders.get(id);
    if (!f || parsed.mailbox !== mb.index) throw new EwsError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
    return f;
  }
}

/** Both sign-in forms of one account: "CONTOSO\alice" and "alice@contoso.com". */
function signInNames(username: string, address: string): Set<string> {
  const names = new Set<string>([username.toLowerCase()]);
  const domain = address.split('@')[1] ?? '';
  const backslash = username.indexOf('\\');
  if (backslash >= 0) names.add(`${username.slice(backslash + 1)}@${domain}`.toLowerCase());
  else if (username.includes('@')) names.add(`${domain.split('.')[0] ?? ''}\\${username.split('@')[0] ?? ''}`.toLowerCase());
  return names;
}
