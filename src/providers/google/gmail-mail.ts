/**
 * Capture and send through Gmail, spending quota the way the quota table rewards (Gmail quota page):
 * labels are the folders; messages.list (5 units per page) names the captured messages; one raw
 * messages.get (5 units) per message, in batches; one messages.batchModify (50 units, ≤ 1,000 ids)
 * relabels a whole batch Tandem → Processed. Every call is paced below the mailbox's per-user limit
 * first (gmail-quota.ts), and raw bytes once paid for are kept until the message is moved
 * (gmail-quota-cache.ts): a run that stops before storing them does not pay for them again.
 * The listing gives ids only (messages.list has no headers); the pipeline dedupes on the Gmail id and
 * on the Message-ID it parses from the bytes.
 */
import type { gmail_v1 } from '@googleapis/gmail';
import { ProviderError } from '../errors';
import type { CaptureFolderNames, CaptureFolders, CapturedRef, CapturePage, ItemResult, MailAbility, OutgoingMail, SentRef } from '../provider';
import { withBccRecipients } from '../microsoft/mime-recipients';
import { maxBatchCalls, runGmailBatch } from './gmail-batch';
import { GmailRawCache, type CachedRaw } from './gmail-quota-cache';
import { GmailQuotaPacer, type GmailQuotaOptions, type GmailQuotaRun } from './gmail-quota';
import type { GoogleClient } from './google-client';

export interface GmailMailOptions {
  /** Raw bytes kept across runs until their message is moved, over all mailboxes (default 64 MB). */
  rawCacheBytes?: number;
  /** Pacing below Gmail's per-user quota. */
  quota?: GmailQuotaOptions;
}

/** What every provider instance of one process shares: the quota buckets and the paid raw bytes. */
export interface GmailShared {
  pacer: GmailQuotaPacer;
  rawCache: GmailRawCache;
}

export function gmailShared(options: GmailMailOptions = {}): GmailShared {
  return { pacer: new GmailQuotaPacer(options.quota), rawCache: new GmailRawCache(options.rawCacheBytes) };
}

/** messages.list accepts at most 500 per page; batchModify at most 1,000 ids (Gmail reference). */
const maxListPage = 500;
const maxModifyIds = 1000;

const rawPath = (id: string) => `/gmail/v1/users/me/messages/${encodeURIComponent(id)}?format=raw`;

function decodeRaw(body: unknown): CachedRaw | undefined {
  const msg = body as gmail_v1.Schema$Message | undefined;
  if (typeof msg?.raw !== 'string') return undefined;
  const ms = Number(msg.internalDate);
  return { bytes: new Uint8Array(Buffer.from(msg.raw, 'base64url')), ...(Number.isFinite(ms) && msg.internalDate ? { receivedAt: new Date(ms).toISOString() } : {}) };
}

/** The listing has no dates; the fetched message's internalDate is the activity's fallback date. */
const withReceivedAt = (ref: CapturedRef, raw: CachedRaw): CapturedRef => (raw.receivedAt && !ref.receivedAt ? { ...ref, receivedAt: raw.receivedAt } : ref);

const noAnswer = () => new ProviderError('transient', 'No batch answer', { code: 'batch_part_missing' });

/**
 * Gmail mail of one mailbox for one run: `quota` paces this run's calls on the process's buckets,
 * `rawCache` is shared across runs; `mailbox` keys the cache (the user at this endpoint).
 */
export function createGmailMail(client: GoogleClient, mailbox: string, quota: GmailQuotaRun, rawCache: GmailRawCache): MailAbility {
  const users = client.gmail.users;

  async function findOrCreateLabel(labels: gmail_v1.Schema$Label[], name: string): Promise<string> {
    const found = labels.find((l) => l.name?.toLowerCase() === name.toLowerCase());
    if (found?.id) return found.id;
    try {
      await quota.spend('labels.create');
      const made = await client.call(() => users.labels.create({ userId: 'me', requestBody: { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' } }));
      if (made.id) return made.id;
    } catch (e) {
      // Names clash case-insensitively (409): another run made it meanwhile; reuse it.
      if (!(e instanceof ProviderError && e.kind === 'conflict')) throw e;
    }
    await quota.spend('labels.list');
    const again = await client.call(() => users.labels.list({ userId: 'me' }));
    const id = again.labels?.find((l) => l.name?.toLowerCase() === name.toLowerCase())?.id;
    if (!id) throw new ProviderError('permanent', `Gmail label ${name} could not be created`, { code: 'label_missing' });
    return id;
  }

  /** One batch request's worth of raw gets, paid before it goes; what arrives is kept until moved. */
  async function fetchChunk(refs: readonly CapturedRef[]): Promise<ItemResult<Uint8Array>[]> {
    await quota.spend('messages.get', refs.length);
    const outcomes = await runGmailBatch(
      client,
      refs.map((r) => ({ method: 'GET', path: rawPath(r.id) })),
    );
    return refs.map((ref, i): ItemResult<Uint8Array> => {
      const o = outcomes[i];
      if (!o || !o.ok) return { ref, ok: false, error: o?.ok === false ? o.error : noAnswer() };
      const raw = decodeRaw(o.body);
      if (!raw) return { ref, ok: false, error: new ProviderError('permanent', 'Gmail answered without raw bytes', { code: 'no_raw' }) };
      rawCache.put(mailbox, ref.id, raw);
      return { ref: withReceivedAt(ref, raw), ok: true, value: raw.bytes };
    });
  }

  return {
    // One batchModify (50 units) takes up to 1,000 ids: moving a page at once costs one call, not five.
    moveGroupSize: maxModifyIds,

    async ensureCaptureFolders(names: CaptureFolderNames): Promise<CaptureFolders> {
      await quota.spend('labels.list');
      const { labels = [] } = await client.call(() => users.labels.list({ userId: 'me' }));
      const captureId = await findOrCreateLabel(labels, names.capture);
      const processedId = await findOrCreateLabel(labels, names.processed);
      return { captureId, processedId };
    },

    async listCaptured(folders, page): Promise<CapturePage> {
      await quota.spend('messages.list');
      const listed = await client.call(() =>
        users.messages.list({ userId: 'me', labelIds: [folders.captureId], maxResults: Math.min(Math.max(1, page.pageSize), maxListPage), ...(page.pageToken ? { pageToken: page.pageToken } : {}) }),
      );
      const refs = (listed.messages ?? []).flatMap((m): CapturedRef[] => (m.id ? [{ id: m.id }] : []));
      return { refs, ...(listed.nextPageToken ? { nextPageToken: listed.nextPageToken } : {}) };
    },

    async fetchRaw(refs): Promise<ItemResult<Uint8Array>[]> {
      const results = new Map<CapturedRef, ItemResult<Uint8Array>>();
      const missing: CapturedRef[] = [];
      for (const ref of refs) {
        const cached = rawCache.get(mailbox, ref.id);
        if (cached) results.set(ref, { ref: withReceivedAt(ref, cached), ok: true, value: cached.bytes });
        else missing.push(ref);
      }
      // Chunk by chunk, so a stop for quota midway keeps what the earlier chunks paid for.
      for (let i = 0; i < missing.length; i += maxBatchCalls) {
        const chunk = missing.slice(i, i + maxBatchCalls);
        (await fetchChunk(chunk)).forEach((r, k) => results.set(chunk[k] as CapturedRef, r));
      }
      return refs.map((ref) => results.get(ref) ?? { ref, ok: false, error: noAnswer() });
    },

    async markProcessed(folders, refs): Promise<ItemResult<void>[]> {
      const out: ItemResult<void>[] = [];
      for (let i = 0; i < refs.length; i += maxModifyIds) {
        const chunk = refs.slice(i, i + maxModifyIds);
        const ids = chunk.map((r) => r.id);
        await quota.spend('messages.batchModify');
        try {
          // Relabelling is idempotent: a repeat after a lost answer changes nothing.
          await client.call(() => users.messages.batchModify({ userId: 'me', requestBody: { ids, addLabelIds: [folders.processedId], removeLabelIds: [folders.captureId] } }));
          rawCache.drop(mailbox, ids);
          for (const ref of chunk) out.push({ ref, ok: true, value: undefined });
        } catch (e) {
          const error = client.toProviderError(e);
          for (const ref of chunk) out.push({ ref, ok: false, error });
        }
      }
      return out;
    },

    async send(mail: OutgoingMail): Promise<SentRef> {
      // Gmail takes recipients from the message's headers and keeps Bcc on the Sent copy only; the
      // raw upload keeps our Message-ID (messages.send reference: the message "as is").
      const mime = withBccRecipients(mail.mime, mail.recipients);
      await quota.spend('messages.send');
      const sent = await client.call(
        () => users.messages.send({ userId: 'me', media: { mimeType: 'message/rfc822', body: Buffer.from(mime) } }, { rootUrl: client.urls.gmailRoot }),
        { idempotent: false },
      );
      return sent.id ? { providerId: sent.id } : {};
    },

    async findSent(messageId: string): Promise<SentRef | null> {
      await quota.spend('messages.list');
      const bare = messageId.trim().replace(/^<|>$/g, '');
      const found = await client.call(() => users.messages.list({ userId: 'me', labelIds: ['SENT'], q: `rfc822msgid:${bare}`, maxResults: 1, includeSpamTrash: true }));
      const id = found.messages?.[0]?.id;
      return id ? { providerId: id } : null;
    },
  };
}
