/**
 * Raw messages whose quota is paid, kept until they are moved to Processed. A run that stops (quota
 * paced, token expired, a neighbour's failure) may have fetched a batch it never stored; the next run
 * of the same mailbox in this process takes the bytes from here instead of paying messages.get again.
 * A Gmail message's raw form never changes under its id, so an entry cannot go stale, only old: the
 * cache is bounded by bytes over all mailboxes and drops its oldest entries first.
 */

export interface CachedRaw {
  bytes: Uint8Array;
  /** Gmail internalDate as ISO, when the answer had one. */
  receivedAt?: string;
}

export const defaultRawCacheBytes = 64 * 1024 * 1024;

export class GmailRawCache {
  /** Insertion order is age: the first key is the oldest. */
  private readonly entries = new Map<string, CachedRaw>();
  private bytes = 0;

  constructor(readonly budgetBytes = defaultRawCacheBytes) {}

  private static key(mailbox: string, id: string): string {
    return `${mailbox.toLowerCase()}\n${id}`;
  }

  get size(): number {
    return this.entries.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  get(mailbox: string, id: string): CachedRaw | undefined {
    return this.entries.get(GmailRawCache.key(mailbox, id));
  }

  put(mailbox: string, id: string, raw: CachedRaw): void {
    const key = GmailRawCache.key(mailbox, id);
    if (this.entries.has(key) || raw.bytes.length > this.budgetBytes) return;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes + raw.bytes.length <= this.budgetBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= old.bytes.length;
    }
    this.entries.set(key, raw);
    this.bytes += raw.bytes.length;
  }

  /** Forgets messages that left the capture folder. */
  drop(mailbox: string, ids: readonly string[]): void {
    for (const id of ids) {
      const key = GmailRawCache.key(mailbox, id);
      const old = this.entries.get(key);
      if (!old) continue;
      this.entries.delete(key);
      this.bytes -= old.bytes.length;
    }
  }
}
