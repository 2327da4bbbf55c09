/**
 * Mail through Graph: capture folders under the mailbox root, listing with immutable ids, raw MIME
 * and moves in $batch, and sendMail in MIME form so the message keeps our Message-ID (user-sendmail
 * docs: the MIME variant takes the Internet headers as given and saves to Sent Items).
 */
import type { Message, MailFolder } from '@microsoft/microsoft-graph-types';
import { ProviderError } from '../errors';
import type { CaptureFolderNames, CaptureFolders, CapturedRef, CapturePage, ItemResult, MailAbility, OutgoingMail, SentRef } from '../provider';
import { batchBodyBytes, runBatch, type BatchItemOutcome } from './graph-batch';
import { odataString, type GraphClient } from './graph-client';
import { withBccRecipients } from './mime-recipients';

interface Collection<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

const asCollection = <T>(body: unknown): Collection<T> => (typeof body === 'object' && body !== null ? (body as Collection<T>) : {});

async function findTopFolder(graph: GraphClient, displayName: string): Promise<string | undefined> {
  // Top-level folders are the children of msgfolderroot (mailFolder docs: GET /me/mailFolders).
  const body = await graph.get('/me/mailFolders', { $filter: `displayName eq ${odataString(displayName)}`, $select: 'id,displayName' });
  const hit = asCollection<MailFolder>(body).value?.find((f) => f.displayName?.toLowerCase() === displayName.toLowerCase());
  return hit?.id ?? undefined;
}

async function ensureTopFolder(graph: GraphClient, displayName: string): Promise<string> {
  const existing = await findTopFolder(graph, displayName);
  if (existing) return existing;
  try {
    const res = await graph.send({ method: 'POST', path: '/me/mailFolders', json: { displayName }, idempotent: true });
    const id = (res.body as MailFolder | undefined)?.id;
    if (!id) throw new ProviderError('transient', 'Graph created a folder without an id', { code: 'no_folder_id' });
    return id;
  } catch (e) {
    // Another worker created it between our look-up and our create: 409 ErrorFolderExists.
    if (e instanceof ProviderError && e.kind === 'conflict') {
      const raced = await findTopFolder(graph, displayName);
      if (raced) return raced;
    }
    throw e;
  }
}

function toItemResults<T>(refs: CapturedRef[], outcomes: BatchItemOutcome[], value: (o: Extract<BatchItemOutcome, { ok: true }>) => T): ItemResult<T>[] {
  return refs.map((ref, i) => {
    const o = outcomes[i];
    if (!o) return { ref, ok: false, error: new ProviderError('transient', 'No answer for this item', { code: 'missing_batch_item' }) };
    return o.ok ? { ref, ok: true, value: value(o) } : { ref, ok: false, error: o.error };
  });
}

const messagePath = (id: string) => `/me/messages/${encodeURIComponent(id)}`;

export function createGraphMail(graph: GraphClient): MailAbility {
  return {
    async ensureCaptureFolders(names: CaptureFolderNames): Promise<CaptureFolders> {
      const captureId = await ensureTopFolder(graph, names.capture);
      const processedId = await ensureTopFolder(graph, names.processed);
      return { captureId, processedId };
    },

    async listCaptured(folders, page): Promise<CapturePage> {
      const body = page.pageToken
        ? await graph.get(page.pageToken)
        : await graph.get(`/me/mailFolders/${encodeURIComponent(folders.captureId)}/messages`, {
            $select: 'id,internetMessageId,receivedDateTime',
            $top: String(page.pageSize),
            $orderby: 'receivedDateTime asc',
          });
      const list = asCollection<Message>(body);
      const refs: CapturedRef[] = (list.value ?? []).flatMap((m) =>
        m.id ? [{ id: m.id, ...(m.internetMessageId ? { messageId: m.internetMessageId } : {}), ...(m.receivedDateTime ? { receivedAt: m.receivedDateTime } : {}) }] : [],
      );
      const next = list['@odata.nextLink'];
      return next ? { refs, nextPageToken: next } : { refs };
    },

    async fetchRaw(refs) {
      const outcomes = await runBatch(
        graph,
        refs.map((r) => ({ method: 'GET', url: `${messagePath(r.id)}/$value` })),
      );
      return toItemResults(refs, outcomes, batchBodyBytes);
    },

    async markProcessed(folders, refs) {
      const outcomes = await runBatch(
        graph,
        // Immutable ids survive the move, so the moved message it answers with is not read.
        refs.map((r) => ({ method: 'POST', url: `${messagePath(r.id)}/move`, body: { destinationId: folders.processedId }, ignoreAnswer: true })),
      );
      return toItemResults(refs, outcomes, () => undefined);
    },

    async send(mail: OutgoingMail): Promise<SentRef> {
      const mime = withBccRecipients(mail.mime, mail.recipients);
      // 202 Accepted with no body and no id: findSent locates the Sent Items copy by Message-ID.
      await graph.send({
        method: 'POST',
        path: '/me/sendMail',
        text: { contentType: 'text/plain', body: Buffer.from(mime).toString('base64') },
        idempotent: false,
      });
      return {};
    },

    async findSent(messageId: string): Promise<SentRef | null> {
      const body = await graph.get('/me/mailFolders/sentitems/messages', {
        $filter: `internetMessageId eq ${odataString(messageId)}`,
        $select: 'id,internetMessageId',
        $top: '1',
      });
      const hit = asCollection<Message>(body).value?.[0];
      return hit?.id ? { providerId: hit.id } : null;
    },
  };
}
