/**
 * The capture feature: the capture folder is the queue. Each run makes sure the folders exist, lists
 * the folder page by page and hands each batch to CaptureBatch (fetch → parse → store with ledger →
 * move), overlapping one batch's parse and store with its neighbours' provider calls
 * (capture-pipeline.ts). Exactly-once in effect: the ledger dedupes on (account, provider id), the
 * activity's dedupe key on the RFC Message-ID within the company, and a repeat after a crash anywhere
 * only moves.
 * A provider cursor (IMAP: UIDVALIDITY) is stored only after the page it covers is committed.
 */
import type { ConnectedAccount } from '../../store/repos/accounts';
import type { FeatureContext, FeatureOutcome, SyncFeature } from '../feature';
import { databaseBlobStore, defaultMaxAttachmentBytes, type BlobStore } from './blob-store';
import type { CapturedRef, CapturePage } from '../../providers/provider';
import { CaptureBatch, type StoredBatch } from './capture-batch';
import { runOverlapped, serialLane } from './capture-pipeline';
import { requireMail } from './require-mail';

export interface CaptureFeatureOptions {
  /** Attachment bytes; default the database (works across nodes). Embedded mode may pass a FileBlobStore. */
  blobs?: BlobStore;
  /** Attachments above this keep metadata only (default 25 MB). */
  maxAttachmentBytes?: number;
  /**
   * Refs per listing page (default 1,000: ten batches, so fetches overlap stores for most of a page;
   * Graph takes $top up to 1,000 for messages, Gmail caps list pages at 500 itself).
   */
  pageSize?: number;
  /** Refs per fetch / store / move round (default 100: five full Graph $batch requests of 20). */
  batchSize?: number;
  /** Upper bound of one run; the rest waits for the next run (default 5,000). */
  maxMessagesPerRun?: number;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function captureFeature(options: CaptureFeatureOptions = {}): SyncFeature {
  const pageSize = options.pageSize ?? 1000;
  const batchSize = options.batchSize ?? 100;
  const maxMessages = options.maxMessagesPerRun ?? 5_000;
  const maxAttachmentBytes = options.maxAttachmentBytes ?? defaultMaxAttachmentBytes;

  return {
    name: 'capture',
    enabled: (account: ConnectedAccount) => account.syncEmail && account.syncCaptureFolder && !account.disconnectedAt,

    async run(ctx: FeatureContext): Promise<FeatureOutcome> {
      const { account, db, scope, clock } = ctx;
      const mail = requireMail(ctx.provider);
      const groupSize = mail.moveGroupSize !== undefined && mail.moveGroupSize > batchSize ? mail.moveGroupSize : undefined;
      const folders = await mail.ensureCaptureFolders({ capture: account.captureFolderName, processed: account.processedFolderName });
      if (folders.captureId !== account.captureFolderId || folders.processedId !== account.processedFolderId) {
        await db.repos.accounts.update(scope, account.id, { captureFolderId: folders.captureId, processedFolderId: folders.processedId }, clock.now());
        Object.assign(account, { captureFolderId: folders.captureId, processedFolderId: folders.processedId });
      }
      const batchContext = {
        db,
        scope,
        accountId: account.id,
        mailbox: account.mailboxAddress,
        mail,
        folders,
        blobs: options.blobs ?? databaseBlobStore(db),
        maxAttachmentBytes,
        clock,
        logger: ctx.logger,
      };

      // After cursor_expired (IMAP: UIDVALIDITY changed) the engine asks for a run from no cursor;
      // every message is listed again and the Message-ID dedupe absorbs what was already stored.
      const cursor = ctx.fullResync ? null : await db.repos.syncState.getCursor(scope, account.id, 'capture');
      const attempted = new Set<string>();
      const outcome: FeatureOutcome = { items: 0, errors: 0 };
      // All provider calls of the run go through one lane: an adapter never sees two at once.
      const lane = serialLane();
      const list = (pageToken: string | undefined) => lane(() => mail.listCaptured(folders, { pageSize, ...(pageToken ? { pageToken } : {}), ...(cursor ? { cursor } : {}) }));
      let listing = list(undefined);
      // A listing started ahead and not awaited (the run stopped first) must not reject unobserved.
      let ahead: Promise<CapturePage> | undefined;
      try {
        for (;;) {
          const page = await listing;
          ahead = undefined;
          // A message that failed earlier in this run is listed again (it is still in the folder): leave it for the next run.
          const refs = page.refs.filter((r) => !attempted.has(r.id));
          for (const r of refs) attempted.add(r.id);
          let moved = 0;
          let retryable = false;
          // A provider that charges moves per call (Gmail) gets the page's stored refs in as few calls as
          // it takes; each batch's step then only reports its counts. Moves still follow the commits.
          const grouped: CapturedRef[] = [];
          const steps = chunks(refs, batchSize).map((batchRefs) => {
            const batch = new CaptureBatch(batchContext);
            const move = (stored: StoredBatch) => {
              if (!groupSize) return batch.move(stored);
              grouped.push(...stored.toMove);
              return batch.move({ ...stored, toMove: [] });
            };
            return { load: () => batch.load(batchRefs), prepare: batch.prepare.bind(batch), store: batch.store.bind(batch), move };
          });
          // Where the next page's token survives the moves (IMAP), the next listing runs on the lane
          // right after this page's last fetch, while the page is still parsed, stored and moved.
          const next = page.nextPageToken;
          const listAhead = mail.pageTokensSurviveMoves && next && attempted.size < maxMessages;
          const results = await runOverlapped(steps, {
            lane,
            ...(listAhead
              ? {
                  afterLastLoad: () => {
                    ahead = list(next);
                    ahead.catch(() => undefined);
                  },
                }
              : {}),
          });
          for (const toMove of chunks(grouped, groupSize ?? batchSize)) results.push(await new CaptureBatch(batchContext).move({ created: 0, toMove }));
          for (const result of results) {
            moved += result.done;
            outcome.errors += result.errors;
            retryable ||= result.retryable;
          }
          outcome.items += moved;
          // Committed and moved: a run that stops later (throttled by Gmail quota pacing) still made progress.
          if (moved > 0) ctx.progress?.(moved);
          // Only once the page's activities are committed, and only if nothing in it waits for a retry.
          if (page.cursor && !retryable) await db.repos.syncState.setCursor(scope, account.id, 'capture', page.cursor, clock.now());
          if (!next || attempted.size >= maxMessages) break;
          // Moving shifted the folder under offset-based page links (Graph's nextLink carries $skip):
          // list again from the start rather than skip messages; unmoved pages are followed as given.
          listing = ahead ?? list(moved > 0 && !mail.pageTokensSurviveMoves ? undefined : next);
        }
      } finally {
        await ahead?.catch(() => undefined);
      }
      if (outcome.items > 0 || outcome.errors > 0) ctx.logger.info({ items: outcome.items, errors: outcome.errors }, 'capture run');
      return outcome;
    },
  };
}
