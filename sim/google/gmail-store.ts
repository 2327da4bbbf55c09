/**
 * Gmail state changes. Every change bumps the mailbox history id and records a history entry, the way
 * users.history.list reports them, and tells the listener (Pub/Sub push) which labels it touched.
 */
import { GoogleApiError, badRequest, notFound } from './http-kit';
import { parseMessage } from './mime';
import type { GoogleMailbox, HistoryKind, SimWorld, StoredLabel, StoredMessage } from './state';

export type GmailChangeListener = (mailbox: GoogleMailbox, labelIds: string[]) => void;

export interface AddMessageInput {
  labelIds: string[];
  threadId?: string;
  internalDate?: number;
}

/** Labels that behave like folders for the webmail "move" (Gmail's own "Move to" removes them). */
export function isFolderLike(label: StoredLabel): boolean {
  return label.type === 'user' || label.id === 'INBOX' || label.id === 'SPAM' || label.id === 'TRASH';
}

export class GmailStore {
  constructor(
    private readonly world: SimWorld,
    private readonly onChange: GmailChangeListener,
    /** History older than this is dropped; older startHistoryIds get 404 (documented: about a week). */
    private readonly historyRetentionMs: number,
  ) {}

  private record(mb: GoogleMailbox, kind: HistoryKind, msg: StoredMessage, labelIds: string[]): void {
    const g = mb.gmail;
    const now = this.world.clock.now().getTime();
    g.historyId += 1;
    msg.historyId = g.historyId;
    g.history.push({ id: g.historyId, at: now, kind, messageId: msg.id, threadId: msg.threadId, labelIds, messageLabels: [...msg.labelIds] });
    this.prune(mb);
    this.onChange(mb, kind === 'messageAdded' || kind === 'messageDeleted' ? [...msg.labelIds] : labelIds);
  }

  /** Drops aged-out history; the first id kept sets the floor below which history.list answers 404. */
  prune(mb: GoogleMailbox): void {
    const g = mb.gmail;
    const cutoff = this.world.clock.now().getTime() - this.historyRetentionMs;
    let drop = 0;
    while (drop < g.history.length && (g.history[drop]?.at ?? 0) < cutoff) drop++;
    if (drop === 0) return;
    const lastDropped = g.history[drop - 1];
    g.history.splice(0, drop);
    if (lastDropped) g.historyFloor = Math.max(g.historyFloor, lastDropped.id);
  }

  /** Makes every history id handed out so far unusable (tests of the 404 → full resync path). */
  expireHistory(mb: GoogleMailbox): void {
    const g = mb.gmail;
    g.history = [];
    g.historyId += 1;
    g.historyFloor = g.historyId;
  }

  labelById(mb: GoogleMailbox, id: string): StoredLabel {
    const label = mb.gmail.labels.get(id);
    if (!label) throw notFound('Requested entity was not found.');
    return label;
  }

  /** By id or by name (case-insensitive), as admin helpers and `label:` queries refer to labels. */
  findLabel(mb: GoogleMailbox, idOrName: string): StoredLabel | undefined {
    const direct = mb.gmail.labels.get(idOrName);
    if (direct) return direct;
    const lower = idOrName.toLowerCase();
    for (const l of mb.gmail.labels.values()) if (l.name.toLowerCase() === lower) return l;
    return undefined;
  }

  checkLabelIds(mb: GoogleMailbox, ids: string[]): void {
    for (const id of ids) {
      if (!mb.gmail.labels.has(id)) throw badRequest(`Invalid label: ${id}`, 'invalidArgument');
    }
  }

  createLabel(mb: GoogleMailbox, input: Omit<StoredLabel, 'id' | 'type'>): StoredLabel {
    const name = input.name.trim();
    if (!name) throw badRequest('Invalid label name', 'invalidArgument');
    // Gmail compares names case-insensitively, system names included, and answers 409.
    if (this.findLabel(mb, name)) throw new GoogleApiError(409, 'aborted', 'Label name exists or conflicts', { status: 'ABORTED' });
    const label: StoredLabel = { ...input, name, id: `Label_${mb.gmail.nextLabelNumber++}`, type: 'user' };
    mb.gmail.labels.set(label.id, label);
    return label;
  }

  updateLabel(mb: GoogleMailbox, id: string, patch: Partial<Omit<StoredLabel, 'id' | 'type'>>): StoredLabel {
    const label = this.labelById(mb, id);
    if (label.type === 'system') throw badRequest('Invalid label: system labels cannot be modified', 'invalidArgument');
    if (patch.name !== undefined) {
      const other = this.findLabel(mb, patch.name);
      if (other && other.id !== id) throw new GoogleApiError(409, 'aborted', 'Label name exists or conflicts', { status: 'ABORTED' });
    }
    Object.assign(label, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    return label;
  }

  deleteLabel(mb: GoogleMailbox, id: string): void {
    const label = this.labelById(mb, id);
    if (label.type === 'system') throw badRequest('Invalid label: system labels cannot be deleted', 'invalidArgument');
    for (const msg of mb.gmail.messages.values()) {
      if (msg.labelIds.delete(id)) this.record(mb, 'labelRemoved', msg, [id]);
    }
    mb.gmail.labels.delete(id);
  }

  addMessage(mb: GoogleMailbox, raw: Buffer, input: AddMessageInput): StoredMessage {
    this.checkLabelIds(mb, input.labelIds);
    const now = this.world.clock.now().getTime();
    const parsed = parseMessage(raw);
    const id = this.world.ids.gmailId(now);
    const threadId = (input.threadId && this.threadExists(mb, input.threadId) ? input.threadId : undefined) ?? this.threadByReferences(mb, parsed.references) ?? id;
    const msg: StoredMessage = { id, threadId, labelIds: new Set(input.labelIds), raw, parsed, internalDate: input.internalDate ?? now, historyId: 0 };
    mb.gmail.messages.set(id, msg);
    this.record(mb, 'messageAdded', msg, [...msg.labelIds]);
    return msg;
  }

  private threadExists(mb: GoogleMailbox, threadId: string): boolean {
    for (const m of mb.gmail.messages.values()) if (m.threadId === threadId) return true;
    return false;
  }

  private threadByReferences(mb: GoogleMailbox, refs: string[]): string | undefined {
    if (refs.length === 0) return undefined;
    const wanted = new Set(refs);
    for (const m of mb.gmail.messages.values()) {
      if (m.parsed.messageIdHeader && wanted.has(m.parsed.messageIdHeader)) return m.threadId;
    }
    return undefined;
  }

  message(mb: GoogleMailbox, id: string): StoredMessage {
    const msg = mb.gmail.messages.get(id);
    if (!msg) throw notFound();
    return msg;
  }

  /** Applies label changes; only real changes make history entries, like Gmail. */
  modify(mb: GoogleMailbox, msg: StoredMessage, add: string[], remove: string[]): void {
    this.checkLabelIds(mb, [...add, ...remove]);
    const added = add.filter((l) => !msg.labelIds.has(l) && !remove.includes(l));
    const removed = remove.filter((l) => msg.labelIds.has(l));
    for (const l of added) msg.labelIds.add(l);
    for (const l of removed) msg.labelIds.delete(l);
    if (added.length > 0) this.record(mb, 'labelAdded', msg, added);
    if (removed.length > 0) this.record(mb, 'labelRemoved', msg, removed);
  }

  deleteMessage(mb: GoogleMailbox, id: string): void {
    const msg = this.message(mb, id);
    mb.gmail.messages.delete(id);
    this.record(mb, 'messageDeleted', msg, [...msg.labelIds]);
  }
}
