/**
 * Capture and send through Gmail, spending quota the way the quota table rewards (Gmail quota page):
 * labels are the folders; messages.list (5 units per page) names the captured messages; one raw
 * messages.get (5 units) per message, in batches; one messages.batchModify (50 units, ≤ 1,000 ids)
 * relabels a whole batch Tandem → Processed. messages.list gives ids only, so the raw bytes are
 * fetched while listing (that is where the Message-ID the pipeline dedupes on comes from) and kept
 * for the fetchRaw that follows, up to a memory budget: the raw get is paid once per message.
 */
import type { gmail_v1 } from '@googleapis/gmail';
import { ProviderError } from '../errors';
import type { CaptureFolderNames, CaptureFolders, CapturedRef, CapturePage, ItemResult, MailAbility, OutgoingMail, SentRef } from '../provider';
import { withBccRecipients } from '../microsoft/mime-recipients';
import { runGmailBatch } from './gmail-batch';
import type { GoogleClient } from './google-client';

export interface GmailMailOptions {
  /** Raw bytes kept between listCaptured and fetchRaw (default 64 MB); larger pages refetch the rest. */
  prefetchBudgetBytes?: number;
}

/** messages.list accepts at most 500 per page; batchModify at most 1,000 ids (Gmail reference). */
const maxListPage = 500;
const maxModifyIds = 1000;

/** The first value of a header in an RFC 5322 message (folded lines joined). */
export function headerValue(raw: Uint8Array, name: string): string | undefined {
  const text = Buffer.from(raw.subarray(0, Math.min(raw.length, 256 * 1024))).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n[ \t]+/g, ' ');
  const wanted = name.toLowerCase();
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === wanted) return line.slice(i + 1).trim();
  }
  return undefined;
}

const rawPath = (id: string) => `/gmail/v1/users/me/messages/${encodeURIComponent(id)}?format=raw`;

function decodeRaw(body: unknown): { bytes: Uint8Array; internalDate?: string } | undefined {
  const msg = body as gmail_v1.Schema$Message | undefined;
  if (typeof msg?.raw !== 'string') return undefined;
  const ms = Number(msg.internalDate);
  return { bytes: new Uint8Array(Buffer.from(msg.raw, 'base64url')), ...(Number.isFinite(ms) && msg.internalDate ? { internalDate: new Date(ms).toISOString() } : {}) };
}

export function createGmailMail(client: GoogleClient, options: GmailMailOptions = {}): MailAbility {
  const users = client.gmail.users;
  const budget = options.prefetchBudgetBytes ?? 64 * 1024 * 1024;
  /** Raw bytes fetched while listing, by Gmail id, until fetchRaw takes them. */
  const prefetched = new Map<string, Uint8Array>();
  let prefetchedBytes = 0;

  function keep(id: string, bytes: Uint8Array): void {
    if (prefetched.has(id) || prefetchedBytes + bytes.length > budget) return;
    prefetched.set(id, bytes);
    prefetchedBytes += bytes.length;
  }

  function take(id: string): Uint8Array | undefined {
    const bytes = prefetched.get(id);
    if (bytes) {
      prefetched.delete(id);
      prefetchedBytes -= bytes.length;
    }
    return bytes;
  }

  async function findOrCreateLabel(labels: gmail_v1.Schema$Label[], name: string): Promise<string> {
    const found = labels.find((l) => l.name?.toLowerCase() === name.toLowerCase());
    if (found?.id) return found.id;
    try {
      const made = await client.call(() => users.labels.create({ userId: 'me', requestBody: { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' } }));
      if (made.id) return made.id;
    } catch (e) {
      // Names clash case-insensitively (409): another run made it meanwhile; reuse it.
      if (!(e instanceof ProviderError && e.kind === 'conflict')) throw e;
    }
    const again = await client.call(() => users.labels.list({ userId: 'me' }));
    const id = again.labels?.find((l) => l.name?.toLowerCase() === name.toLowerCase())?.id;
    if (!id) throw new ProviderError('permanent', `Gmail label ${name} could not be created`, { code: 'label_missing' });
    return id;
  }

  return {
    async ensureCaptureFolders(names: CaptureFolderNames): Promise<CaptureFolders> {
      const { labels = [] } = await client.call(() => users.labels.list({ userId: 'me' }));
      const captureId = await findOrCreateLabel(labels, names.capture);
      const processedId = await findOrCreateLabel(labels, names.processed);
      return { captureId, processedId };
    },

    async listCaptured(folders, page): Promise<CapturePage> {
      const listed = await client.call(() =>
        users.messages.list({ userId: 'me', labelIds: [folders.captureId], maxResults: Math.min(Math.max(1, page.pageSize), maxListPage), ...(page.pageToken ? { pageToken: page.pageToken } : {}) }),
      );
      const ids = (listed.messages ?? []).flatMap((m) => (m.id ? [m.id] : []));
      const outcomes = await runGmailBatch(
        client,
        ids.map((id) => ({ method: 'GET', path: rawPath(id) })),
      );
      const refs = ids.map((id, i): CapturedRef => {
        const o = outcomes[i];
        const raw = o?.ok ? decodeRaw(o.body) : undefined;
        // A part that failed now is fetched again (and reports its error) in fetchRaw.
        if (!raw) return { id };
        keep(id, raw.bytes);
        const messageId = headerValue(raw.bytes, 'message-id');
        return { id, ...(messageId ? { messageId } : {}), ...(raw.internalDate ? { receivedAt: raw.internalDate } : {}) };
      });
      return { refs, ...(listed.nextPageToken ? { nextPageToken: listed.nextPageToken } : {}) };
    },

    async fetchRaw(refs): Promise<ItemResult<Uint8Array>[]> {
      const results = new Map<CapturedRef, ItemResult<Uint8Array>>();
      const missing: CapturedRef[] = [];
      for (const ref of refs) {
        const bytes = take(ref.id);
        if (bytes) results.set(ref, { ref, ok: true, value: bytes });
        else missing.push(ref);
      }
      const outcomes = await runGmailBatch(
        client,
        missing.map((r) => ({ method: 'GET', path: rawPath(r.id) })),
      );
      missing.forEach((ref, i) => {
        const o = outcomes[i];
        if (!o || !o.ok) {
          results.set(ref, { ref, ok: false, error: o?.ok === false ? o.error : new ProviderError('transient', 'No batch answer', { code: 'batch_part_missing' }) });
          return;
        }
        const raw = decodeRaw(o.body);
        results.set(ref, raw ? { ref, ok: true, value: raw.bytes } : { ref, ok: false, error: new ProviderError('permanent', 'Gmail answered without raw bytes', { code: 'no_raw' }) });
      });
      return refs.map((ref) => results.get(ref) ?? { ref, ok: false, error: new ProviderError('permanent', 'unreachable', { code: 'no_result' }) });
    },

    async markProcessed(folders, refs): Promise<ItemResult<void>[]> {
      const out: ItemResult<void>[] = [];
      for (let i = 0; i < refs.length; i += maxModifyIds) {
        const chunk = refs.slice(i, i + maxModifyIds);
        try {
          // Relabelling is idempotent: a repeat after a lost answer changes nothing.
          await client.call(() =>
            users.messages.batchModify({ userId: 'me', requestBody: { ids: chunk.map((r) => r.id), addLabelIds: [folders.processedId], removeLabelIds: [folders.captureId] } }),
          );
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
      const sent = await client.call(
        () => users.messages.send({ userId: 'me', media: { mimeType: 'message/rfc822', body: Buffer.from(mime) } }, { rootUrl: client.urls.gmailRoot }),
        { idempotent: false },
      );
      return sent.id ? { providerId: sent.id } : {};
    },

    async findSent(messageId: string): Promise<SentRef | null> {
      const bare = messageId.trim().replace(/^<|>$/g, '');
      const found = await client.call(() => users.messages.list({ userId: 'me', labelIds: ['SENT'], q: `rfc822msgid:${bare}`, maxResults: 1, includeSpamTrash: true }));
      const id = found.messages?.[0]?.id;
      return id ? { providerId: id } : null;
    },
  };
}
