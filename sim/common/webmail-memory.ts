/**
 * An in-memory WebmailSource: the reference the webmail tests run against, and a stand-in for UI
 * and browser tests that need a webmail page without starting a simulator.
 */
import type { WebmailEvent, WebmailFolder, WebmailMessage, WebmailSource } from './webmail-source';

interface StoredMessage {
  message: WebmailMessage;
  folderId: string;
  raw: Uint8Array;
}

interface MemoryMailbox {
  folders: Array<{ id: string; name: string }>;
  messages: StoredMessage[];
  events: WebmailEvent[];
}

export class MemoryWebmailSource implements WebmailSource {
  private boxes = new Map<string, MemoryMailbox>();
  /** Every move carried out, in order, so tests can assert what the page asked for. */
  readonly moves: Array<{ mailbox: string; messageId: string; toFolderId: string }> = [];

  constructor(readonly title = 'Memory (simulated)') {}

  addMailbox(address: string, folders: Array<{ id: string; name: string }> = defaultFolders): void {
    this.boxes.set(address, { folders: [...folders], messages: [], events: [] });
  }

  addMessage(mailbox: string, folderId: string, message: WebmailMessage, raw: Uint8Array = new Uint8Array()): void {
    this.box(mailbox).messages.push({ message, folderId, raw });
  }

  addEvent(mailbox: string, event: WebmailEvent): void {
    this.box(mailbox).events.push(event);
  }

  private box(mailbox: string): MemoryMailbox {
    const box = this.boxes.get(mailbox);
    if (!box) throw new Error(`unknown mailbox ${mailbox}`);
    return box;
  }

  mailboxes(): string[] {
    return [...this.boxes.keys()];
  }

  folders(mailbox: string): WebmailFolder[] {
    const box = this.box(mailbox);
    return box.folders.map((f) => ({ ...f, count: box.messages.filter((m) => m.folderId === f.id).length }));
  }

  messages(mailbox: string, folderId: string): WebmailMessage[] {
    return this.box(mailbox)
      .messages.filter((m) => m.folderId === folderId)
      .map((m) => m.message);
  }

  raw(mailbox: string, messageId: string): Uint8Array | undefined {
    return this.boxes.get(mailbox)?.messages.find((m) => m.message.id === messageId)?.raw;
  }

  move(mailbox: string, messageId: string, toFolderId: string): void {
    const box = this.box(mailbox);
    const stored = box.messages.find((m) => m.message.id === messageId);
    if (!stored) throw new Error(`unknown message ${messageId}`);
    if (!box.folders.some((f) => f.id === toFolderId)) throw new Error(`unknown folder ${toFolderId}`);
    stored.folderId = toFolderId;
    this.moves.push({ mailbox, messageId, toFolderId });
  }

  events(mailbox: string): WebmailEvent[] {
    return [...this.box(mailbox).events];
  }
}

const defaultFolders = [
  { id: 'inbox', name: 'Inbox' },
  { id: 'sentitems', name: 'Sent Items' },
  { id: 'tandem', name: 'Tandem' },
  { id: 'processed', name: 'Processed' },
];
