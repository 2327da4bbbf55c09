/**
 * JSON batching (json-batching docs): at most 20 requests per POST /$batch, answered per item in any
 * order; the outer status is 200 even when items fail, and each item is throttled on its own (an inner
 * 429 with its own Retry-After). Non-JSON item bodies (a message's $value) come back base64-encoded.
 * A failure of the batch call itself (401, reset) throws: it concerns every item alike. Callers put
 * only repeatable items in a batch (reads, moves by immutable id), so the call is retried as a whole
 * and items that failed on their own (429, 5xx) are sent again in a later batch (retry.ts).
 */
import { z } from 'zod';
import { ProviderError } from '../errors';
import { LiftedBody, LiftedObject, readBatchAnswer } from './batch-answer';
import { retryEach } from '../retry';
import { immutableIdPreference, type GraphClient } from './graph-client';
import { graphErrorCodes, mapGraphError } from './map-graph-error';

export const maxBatchSize = 20;

export interface BatchItemRequest {
  method: string;
  /** Relative URL, e.g. "/me/messages/{id}/$value". */
  url: string;
  body?: unknown;
  /**
   * The caller does not read the item's answer when it succeeds (a move answers with the whole
   * message): a long one is then skipped, never parsed.
   */
  ignoreAnswer?: boolean;
}

export type BatchItemOutcome = { ok: true; status: number; headers: Record<string, string>; body: unknown } | { ok: false; error: ProviderError };

const batchAnswer = z.object({
  responses: z.array(
    z.object({
      id: z.union([z.string(), z.number()]).transform(String),
      status: z.number(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

async function runChunk(client: GraphClient, chunk: BatchItemRequest[]): Promise<BatchItemOutcome[]> {
  const requests = chunk.map((item, i) => ({
    id: String(i + 1),
    method: item.method,
    url: item.url,
    headers: { prefer: immutableIdPreference, ...(item.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(item.body !== undefined ? { body: item.body } : {}),
  }));
  // Reads and moves are safe to repeat, so a lost answer to the batch itself is not ambiguous.
  const res = await client.send({ method: 'POST', path: '/$batch', json: { requests }, idempotent: true, bytes: true });
  const notUnderstood = () => new ProviderError('transient', 'Graph $batch answer was not understood', { code: 'bad_batch_answer', status: res.status });
  const parsed = batchAnswer.safeParse(res.body instanceof Uint8Array ? readBatchAnswer(res.body) : undefined);
  if (!parsed.success) throw notUnderstood();
  const byId = new Map(parsed.data.responses.map((r) => [r.id, r]));
  const valueOf = (body: unknown): unknown => {
    if (!(body instanceof LiftedObject)) return body;
    const value = body.value();
    if (value === undefined) throw notUnderstood();
    return value;
  };
  return requests.map((r, i): BatchItemOutcome => {
    const answer = byId.get(r.id);
    if (!answer) return { ok: false, error: new ProviderError('transient', 'Graph $batch left an item unanswered', { code: 'missing_batch_item' }) };
    const headers = answer.headers ?? {};
    if (answer.status >= 200 && answer.status < 300) {
      return { ok: true, status: answer.status, headers, body: chunk[i]?.ignoreAnswer ? undefined : valueOf(answer.body) };
    }
    const body = answer.body instanceof LiftedBody ? answer.body.text : valueOf(answer.body);
    return {
      ok: false,
      error: mapGraphError({ status: answer.status, ...graphErrorCodes(body), retryAfter: header(headers, 'retry-after'), now: client.clock.now() }),
    };
  });
}

async function runChunks(client: GraphClient, items: BatchItemRequest[]): Promise<BatchItemOutcome[]> {
  const out: BatchItemOutcome[] = [];
  for (let i = 0; i < items.length; i += maxBatchSize) out.push(...(await runChunk(client, items.slice(i, i + maxBatchSize))));
  return out;
}

/**
 * Runs any number of repeatable requests as sequential batches of 20; outcomes in request order. Items
 * answered 429 / 5xx are repeated together, after the longest Retry-After they carry.
 */
export async function runBatch(client: GraphClient, items: BatchItemRequest[]): Promise<BatchItemOutcome[]> {
  return retryEach(items, (todo) => runChunks(client, todo), (o) => (o.ok ? undefined : o.error), client.retry);
}

/** Bytes of a $value item body: base64 text for binary content, or a JSON value we re-serialise. */
export function batchBodyBytes(outcome: { headers: Record<string, string>; body: unknown }): Uint8Array {
  const type = header(outcome.headers, 'content-type') ?? '';
  if (outcome.body instanceof LiftedBody) return /json/i.test(type) ? outcome.body.bytes : outcome.body.base64Bytes();
  if (typeof outcome.body === 'string' && !/json/i.test(type)) {
    // A view over the decoded Buffer, not a copy of it (a raw message is tens of KB).
    const bytes = Buffer.from(outcome.body, 'base64');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  if (typeof outcome.body === 'string') return new TextEncoder().encode(outcome.body);
  return new TextEncoder().encode(JSON.stringify(outcome.body ?? ''));
}
