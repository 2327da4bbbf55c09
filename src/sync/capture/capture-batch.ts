/**
 * One batch of the capture folder, in four steps the run overlaps with its neighbours' (see
 * capture-pipeline.ts): load (skip what the ledger already holds, fetch the rest's raw MIME in one
 * batched call), prepare (parse), store (attachment bytes, then match contacts and store activities +
 * ledger rows in one transaction), move (everything stored to Processed in one batched call, then mark the ledger). A crash between
 * "stored" and "moved" leaves a ledger row, so the repeat only moves. One bad message never fails its
 * neighbours.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock';
import type { ProviderErrorKind } from '../../providers/errors';
import type { CaptureFolders, CapturedRef, ItemResult, MailAbility } from '../../providers/provider';
import type { Db, Store } from '../../store/db';
import type { NewActivity } from '../../store/repos/activities';
import type { Scope } from '../../store/repos/common';
import type { AttachmentMeta } from '../../store/schema';
import { parseMessage, type ParsedMessage } from '../mail/parse-message';
import { putAll, type BlobStore } from './blob-store';
import { capturedActivity, contactsFor, matchableAddresses, refusedReason } from './captured-activity';

export interface BatchContext {
  db: Db;
  scope: Scope;
  accountId: string;
  mailbox: string;
  mail: MailAbility;
  folders: CaptureFolders;
  blobs: BlobStore;
  maxAttachmentBytes: number;
  clock: Clock;
  logger: Logger;
}

export interface BatchOutcome {
  /** Messages now in Processed (stored this run or earlier). */
  done: number;
  stored: number;
  /** Items that failed on their own; they stay in the capture folder for the next run. */
  errors: number;
  /** Some failure may succeed on a retry: the page's cursor must not move past it. */
  retryable: boolean;
}

/**
 * Kinds that concern the whole mailbox, not one message: the engine's retry policy must see them
 * (refresh the token, honour Retry-After, resync after UIDVALIDITY changed, stop the account).
 */
const mailboxKinds = new Set<ProviderErrorKind>(['auth_expired', 'auth_revoked', 'consent_required', 'throttled', 'cursor_expired', 'permission', 'unsupported_mailbox']);
/** Kinds a later attempt may get past; not_found (message moved away) and invalid_input will not. */
const retryableKinds = new Set<ProviderErrorKind>(['transient']);

interface Prepared {
  ref: CapturedRef;
  parsed: ParsedMessage;
  attachments: AttachmentMeta[];
}

export interface LoadedBatch {
  fetched: { ref: CapturedRef; value: Uint8Array }[];
  /** In the ledger already: stored by an earlier run, only the move is left. */
  stored: CapturedRef[];
}

export interface PreparedBatch {
  prepared: Prepared[];
  /** Attachment bytes to store, each with the metadata that gets its sha256 once stored. */
  blobs: { bytes: Uint8Array; owner: AttachmentMeta }[];
  /** In the ledger already: only the move is left. */
  stored: CapturedRef[];
}

export interface StoredBatch {
  created: number;
  toMove: CapturedRef[];
}

interface StoreRow {
  ref: CapturedRef;
  parsed: ParsedMessage;
  activity: NewActivity;
}

export class CaptureBatch {
  private errors = 0;
  private retryable = false;

  constructor(private readonly c: BatchContext) {}

  /** Fetches what the ledger does not hold yet; provider work only (and one ledger read). */
  async load(refs: CapturedRef[]): Promise<LoadedBatch> {
    const { db, scope, accountId } = this.c;
    const ledger = await db.repos.capturedMessages.findMany(
      scope,
      accountId,
      refs.map((r) => r.id),
    );
    const known = new Set(ledger.map((l) => l.providerMessageId));
    const fresh = refs.filter((r) => !known.has(r.id));
    // Already stored by an earlier run (which died before the move, or whose move failed): only move.
    const stored = refs.filter((r) => known.has(r.id));
    const fetched = fresh.length > 0 ? this.succeeded(await this.c.mail.fetchRaw(fresh), 'fetch') : [];
    return { fetched, stored };
  }

  /** Parses the fetched messages: CPU work, which may overlap the previous batch's database work. */
  async prepare(loaded: LoadedBatch): Promise<PreparedBatch> {
    return { ...(await this.parseAll(loaded.fetched)), stored: loaded.stored };
  }

  /**
   * Stores the attachment bytes (content-addressed: a repeat is a no-op), then the activities and
   * ledger rows in one transaction; answers what is now safe to move.
   */
  async store(batch: PreparedBatch): Promise<StoredBatch> {
    const saved = await putAll(this.c.blobs, this.c.scope, batch.blobs.map((b) => b.bytes));
    batch.blobs.forEach(({ owner }, i) => {
      const sha256 = saved[i]?.sha256;
      if (sha256) owner.sha256 = sha256;
    });
    const result = await this.storePrepared(batch.prepared);
    return { created: result.created, toMove: [...batch.stored, ...result.refs] };
  }

  /** Moves the stored messages to Processed and notes it in the ledger. */
  async move(stored: StoredBatch): Promise<BatchOutcome> {
    const { db, scope, accountId } = this.c;
    let done = 0;
    if (stored.toMove.length > 0) {
      const moved = this.succeeded(await this.c.mail.markProcessed(this.c.folders, stored.toMove), 'move');
      await db.repos.capturedMessages.markProcessed(
        scope,
        accountId,
        moved.map((m) => m.ref.id),
        this.c.clock.now(),
      );
      done = moved.length;
    }
    return { done, stored: stored.created, errors: this.errors, retryable: this.retryable };
  }

  /** Keeps the items that worked; counts the others, or throws what concerns the whole mailbox. */
  private succeeded<T>(results: ItemResult<T>[], what: string): { ref: CapturedRef; value: T }[] {
    const ok: { ref: CapturedRef; value: T }[] = [];
    for (const r of results) {
      if (r.ok) {
        ok.push({ ref: r.ref, value: r.value });
        continue;
      }
      if (mailboxKinds.has(r.error.kind)) throw r.error;
      this.errors++;
      if (retryableKinds.has(r.error.kind)) this.retryable = true;
      this.c.logger.warn({ ref: r.ref.id, kind: r.error.kind, code: r.error.code }, `capture: ${what} failed for one message`);
    }
    return ok;
  }

  /** Parses each message; collects the attachment bytes to keep, each with the metadata it belongs to. */
  private async parseAll(fetched: readonly { ref: CapturedRef; value: Uint8Array }[]): Promise<Omit<PreparedBatch, 'stored'>> {
    const { maxAttachmentBytes } = this.c;
    const prepared: Prepared[] = [];
    const blobs: PreparedBatch['blobs'] = [];
    const keep = (meta: AttachmentMeta, content: Uint8Array | undefined, size: number) => {
      if (content && size <= maxAttachmentBytes) blobs.push({ bytes: content, owner: meta });
      else meta.refusedReason = refusedReason(size, maxAttachmentBytes);
    };
    for (const { ref, value: raw } of fetched) {
      // One message at a time, then the event loop: a parse awaits only promises, so a batch of a
      // hundred would otherwise hold the thread for its whole length while the provider's answer to
      // the next fetch or move (and the store thread's to the last commit) waits to be read.
      await new Promise((resolve) => setImmediate(resolve));
      const parsed = await parseMessage(raw, { maxAttachmentBytes });
      const attachments: AttachmentMeta[] = [];
      for (const a of parsed.attachments) {
        const meta: AttachmentMeta = { name: a.filename, contentType: a.contentType, size: a.size };
        keep(meta, a.content, a.size);
        attachments.push(meta);
      }
      // Whatever the parser could not make sense of, the original bytes are kept: nothing is lost.
      if (parsed.problems.length > 0) {
        const original: AttachmentMeta = { name: 'original-message.eml', contentType: 'message/rfc822', size: raw.byteLength };
        keep(original, raw, raw.byteLength);
        attachments.push(original);
      }
      prepared.push({ ref, parsed, attachments });
    }
    return { prepared, blobs };
  }

  /** Activities and ledger rows of the batch in one transaction; on failure, message by message. */
  private async storePrepared(prepared: Prepared[]): Promise<{ created: number; refs: CapturedRef[] }> {
    if (prepared.length === 0) return { created: 0, refs: [] };
    const { db, scope } = this.c;
    const addresses = new Set(prepared.flatMap((p) => matchableAddresses(p.parsed)));
    const matches = new Map<string, string[]>();
    for (const m of await db.repos.contacts.matchAddresses(scope, [...addresses])) {
      const key = m.email.toLowerCase();
      matches.set(key, [...(matches.get(key) ?? []), m.contactId]);
    }
    const rows = prepared.map((p) => ({ ref: p.ref, parsed: p.parsed, activity: this.activityOf(p, matches) }));
    try {
      const created = await db.transaction((tx) => this.storeAll(tx, rows));
      return { created, refs: rows.map((r) => r.ref) };
    } catch (e) {
      this.c.logger.warn({ err: e }, 'capture: batch store failed; storing message by message');
    }
    let created = 0;
    const refs: CapturedRef[] = [];
    for (const row of rows) {
      try {
        created += await db.transaction((tx) => this.storeOne(tx, row));
        refs.push(row.ref);
      } catch (e) {
        // Not stored, so it must not be moved either: it stays in the capture folder for the next run.
        this.errors++;
        this.retryable = true;
        this.c.logger.error({ err: e, ref: row.ref.id }, 'capture: could not store a message');
      }
    }
    return { created, refs };
  }

  private activityOf(p: Prepared, matches: ReadonlyMap<string, readonly string[]>): NewActivity {
    const fallback = p.ref.receivedAt ? new Date(p.ref.receivedAt) : this.c.clock.now();
    return capturedActivity({
      parsed: p.parsed,
      mailbox: this.c.mailbox,
      accountId: this.c.accountId,
      contactIds: contactsFor(matchableAddresses(p.parsed), matches),
      attachments: p.attachments,
      fallbackDate: Number.isNaN(fallback.getTime()) ? this.c.clock.now() : fallback,
    });
  }

  /** The whole batch in a few set-based statements; returns how many activities are new. */
  private async storeAll(tx: Store, rows: readonly StoreRow[]): Promise<number> {
    const { scope, accountId } = this.c;
    const landed = await tx.repos.activities.createMany(
      scope,
      rows.map((r) => r.activity),
    );
    // The same message captured earlier from another mailbox matched nobody; now it does.
    const nowFiled = landed.filter((l, i) => !l.created && l.status === 'unmatched' && (rows[i]?.activity.contactIds.length ?? 0) > 0).map((l) => l.id);
    if (nowFiled.length > 0) await tx.repos.activities.setStatusMany(scope, nowFiled, 'filed');
    await tx.repos.capturedMessages.recordMany(
      scope,
      rows.map((row, i) => ({ accountId, providerMessageId: row.ref.id, rfcMessageId: row.parsed.messageId, activityId: landed[i]?.id ?? null })),
      this.c.clock.now(),
    );
    return landed.filter((l) => l.created).length;
  }

  /** Returns 1 when a new activity was made, 0 when the Message-ID was already captured in the company. */
  private async storeOne(tx: Store, row: StoreRow): Promise<number> {
    const { scope, accountId } = this.c;
    const { activity, created } = await tx.repos.activities.create(scope, row.activity);
    // The same message captured earlier from another mailbox matched nobody; now it does.
    if (!created && activity.status === 'unmatched' && row.activity.contactIds.length > 0) await tx.repos.activities.setStatus(scope, activity.id, 'filed');
    await tx.repos.capturedMessages.record(scope, {
      accountId,
      providerMessageId: row.ref.id,
      rfcMessageId: row.parsed.messageId,
      activityId: activity.id,
      now: this.c.clock.now(),
    });
    return created ? 1 : 0;
  }
}
