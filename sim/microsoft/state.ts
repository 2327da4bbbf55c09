/**
 * The simulator's state and the operations both Graph handlers and admin controls use, so a change
 * made "in Outlook" (admin) and one made through Graph look the same to subscriptions and delta.
 */
import type { Clock } from '../../src/domain/clock';
import type { Random } from '../common/random';
import { IdFactory } from './ids';
import { notFound } from './http';
import { parseMime } from './graph/mime';
import type { ChangeEvent, SimFolder, SimMailbox, SimMailboxType, SimMessage } from './types';

/** Default folders of a new mailbox: display name → well-known name. */
const defaultFolders: [string, string][] = [
  ['Inbox', 'inbox'],
  ['Drafts', 'drafts'],
  ['Sent Items', 'sentitems'],
  ['Deleted Items', 'deleteditems'],
  ['Junk Email', 'junkemail'],
  ['Outbox', 'outbox'],
  ['Archive', 'archive'],
];

export type TenantConsent = 'user' | 'admin_required' | 'granted';

export interface SimTenant {
  id: string;
  domain: string;
  consent: TenantConsent;
}

export interface AddMailboxInput {
  address: string;
  displayName?: string;
  type: SimMailboxType;
  tenant?: string;
  password?: string;
}

export interface InsertMessageOptions {
  isDraft?: boolean;
  isRead?: boolean;
  /** Use this Message-ID when the MIME lacks one (Graph assigns one otherwise). */
  internetMessageId?: string;
}

export class SimState {
  readonly ids: IdFactory;
  readonly mailboxes = new Map<string, SimMailbox>();
  readonly tenants = new Map<string, SimTenant>();
  private listeners: ((e: ChangeEvent) => void)[] = [];
  private seq = 0;

  constructor(
    readonly clock: Clock,
    rnd: Random,
  ) {
    this.ids = new IdFactory(rnd);
  }

  nowIso(): string {
    return this.clock.now().toISOString();
  }

  onChange(listener: (e: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  emit(e: ChangeEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Tenants are known by domain (e.g. contoso.com) or GUID. */
  tenant(nameOrId: string): SimTenant {
    const key = nameOrId.toLowerCase();
    for (const t of this.tenants.values()) if (t.id === key || t.domain === key) return t;
    const t: SimTenant = { id: this.ids.guid(), domain: key, consent: 'user' };
    this.tenants.set(t.id, t);
    return t;
  }

  findTenant(nameOrId: string): SimTenant | undefined {
    const key = nameOrId.toLowerCase();
    for (const t of this.tenants.values()) if (t.id === key || t.domain === key) return t;
    return undefined;
  }

  addMailbox(input: AddMailboxInput): SimMailbox {
    const address = input.address.toLowerCase();
    const existing = this.mailboxes.get(address);
    if (existing) return existing;
    const domain = address.split('@')[1] ?? 'example.com';
    const tenant = this.tenant(input.tenant ?? domain);
    const rootFolderId = this.ids.graphId('AAMkAGRvb');
    const mailbox: SimMailbox = {
      id: this.ids.guid(),
      address,
      displayName: input.displayName ?? address.split('@')[0] ?? address,
      type: input.type,
      tenantId: tenant.id,
      password: input.password,
      folders: new Map(),
      rootFolderId,
      messages: new Map(),
      restIds: new Map(),
      events: new Map(),
      deltaEpoch: 0,
    };
    for (const [displayName, wellKnownName] of defaultFolders) {
      const id = this.ids.graphId('AAMkAGZsZ');
      mailbox.folders.set(id, { id, displayName, parentFolderId: rootFolderId, wellKnownName, isHidden: false });
    }
    this.mailboxes.set(address, mailbox);
    return mailbox;
  }

  mailbox(address: string): SimMailbox {
    const m = this.mailboxes.get(address.toLowerCase());
    if (!m) throw new Error(`unknown simulated mailbox ${address}`);
    return m;
  }

  /** Folder by id or well-known name (case-insensitive, as Graph accepts "Inbox" or "inbox"). */
  findFolder(mailbox: SimMailbox, idOrName: string): SimFolder | undefined {
    const direct = mailbox.folders.get(idOrName);
    if (direct) return direct;
    const wk = idOrName.toLowerCase();
    if (wk === 'msgfolderroot') return { id: mailbox.rootFolderId, displayName: 'Top of Information Store', parentFolderId: '', isHidden: false, wellKnownName: 'msgfolderroot' };
    for (const f of mailbox.folders.values()) if (f.wellKnownName === wk) return f;
    return undefined;
  }

  wellKnown(mailbox: SimMailbox, name: string): SimFolder {
    const f = this.findFolder(mailbox, name);
    if (!f) throw notFound();
    return f;
  }

  /** Folder by display name anywhere in the tree (admin controls use names). */
  folderByName(mailbox: SimMailbox, displayName: string): SimFolder | undefined {
    const lower = displayName.toLowerCase();
    for (const f of mailbox.folders.values()) if (f.displayName.toLowerCase() === lower) return f;
    return this.findFolder(mailbox, displayName);
  }

  createFolder(mailbox: SimMailbox, parentFolderId: string, displayName: string, isHidden = false): SimFolder {
    const id = this.ids.graphId('AAMkAGZsZ');
    const folder: SimFolder = { id, displayName, parentFolderId, isHidden };
    mailbox.folders.set(id, folder);
    return folder;
  }

  /** Message by current default id or immutable id; a stale default id (before a move) is not found. */
  findMessage(mailbox: SimMailbox, id: string): SimMessage | undefined {
    const immutable = mailbox.messages.get(id) ? id : mailbox.restIds.get(id);
    return immutable ? mailbox.messages.get(immutable) : undefined;
  }

  async insertMessage(mailbox: SimMailbox, folderId: string, raw: Uint8Array, opts: InsertMessageOptions = {}): Promise<SimMessage> {
    const parsed = await parseMime(raw);
    const now = this.nowIso();
    const internetMessageId = parsed.internetMessageId ?? opts.internetMessageId ?? `<${this.ids.chars(24)}@${mailbox.address.split('@')[1] ?? 'sim'}>`;
    if (!parsed.internetMessageId) {
      // Exchange stamps a Message-ID on items that lack one; $value then carries it too.
      raw = new Uint8Array(Buffer.concat([Buffer.from(`Message-ID: ${internetMessageId}\r\n`), raw]));
      parsed.headers.unshift({ name: 'Message-ID', value: internetMessageId });
    }
    const message: SimMessage = {
      immutableId: this.ids.graphId('AAkALgAAA'),
      restId: this.ids.graphId('AAMkAGI2'),
      folderId,
      raw,
      internetMessageId,
      headers: parsed.headers,
      subject: parsed.subject,
      from: parsed.from,
      sender: parsed.sender,
      to: parsed.to,
      cc: parsed.cc,
      bcc: parsed.bcc,
      replyTo: parsed.replyTo,
      body: parsed.html ? { contentType: 'html', content: parsed.html } : { contentType: 'text', content: parsed.text },
      bodyPreview: parsed.text.replace(/\s+/g, ' ').trim().slice(0, 255),
      hasAttachments: parsed.hasAttachments,
      isDraft: opts.isDraft ?? false,
      isRead: opts.isRead ?? false,
      changeKey: this.ids.changeKey(),
      createdDateTime: now,
      lastModifiedDateTime: now,
      receivedDateTime: now,
      sentDateTime: parsed.date ? new Date(parsed.date).toISOString() : now,
      conversationId: this.ids.graphId('AAQkAG'),
      seq: this.seq++,
    };
    mailbox.messages.set(message.immutableId, message);
    mailbox.restIds.set(message.restId, message.immutableId);
    this.emit({ mailbox, kind: 'message', changeType: 'created', id: message.immutableId, folderId, restId: message.restId });
    return message;
  }

  /** Moves keep the immutable id but mint a new default id, as Exchange does. */
  moveMessage(mailbox: SimMailbox, message: SimMessage, toFolderId: string): SimMessage {
    const from = message.folderId;
    if (from === toFolderId) return message;
    const oldRestId = message.restId;
    mailbox.restIds.delete(message.restId);
    message.restId = this.ids.graphId('AAMkAGI2');
    mailbox.restIds.set(message.restId, message.immutableId);
    message.folderId = toFolderId;
    this.touch(message);
    this.emit({ mailbox, kind: 'message', changeType: 'deleted', id: message.immutableId, folderId: from, restId: oldRestId });
    this.emit({ mailbox, kind: 'message', changeType: 'created', id: message.immutableId, folderId: toFolderId, restId: message.restId });
    return message;
  }

  deleteMessage(mailbox: SimMailbox, message: SimMessage): void {
    mailbox.messages.delete(message.immutableId);
    mailbox.restIds.delete(message.restId);
    this.emit({ mailbox, kind: 'message', changeType: 'deleted', id: message.immutableId, folderId: message.folderId, restId: message.restId });
  }

  touch(message: SimMessage): void {
    message.changeKey = this.ids.changeKey();
    message.lastModifiedDateTime = this.nowIso();
  }

  messagesIn(mailbox: SimMailbox, folderId: string): SimMessage[] {
    return [...mailbox.messages.values()].filter((m) => m.folderId === folderId);
  }
}
