/**
 * Gmail's batch endpoint (developers.google.com/gmail/api/guides/batch): one POST of multipart/mixed,
 * each part an `application/http` request with a Content-ID; the answer is multipart/mixed with one
 * HTTP response per part, `Content-ID: <response-…>`. The generated clients have no batch support, so
 * this speaks the wire format over the injected fetch. Google allows 100 calls and advises keeping
 * batches small (large ones draw 429 "Too many concurrent requests for user"), so 50 per request.
 * Each part is charged quota and can fail on its own: results are per item. Every call put in a batch
 * is repeatable (reads), so a failed batch is retried whole and parts answered 429 / 5xx are sent
 * again in a later batch (retry.ts).
 */
import { randomBytes } from 'node:crypto';
import type { ProviderError } from '../errors';
import { retryEach, withRetry } from '../retry';
import type { GoogleClient } from './google-client';
import { googleErrorFields, mapGoogleError, mapGoogleTransportError } from './map-google-error';

export const maxBatchCalls = 50;

export interface BatchCall {
  method: 'GET' | 'POST';
  /** Path and query under the Gmail root, e.g. /gmail/v1/users/me/messages/abc?format=raw */
  path: string;
}

export type BatchOutcome = { ok: true; body: unknown } | { ok: false; error: ProviderError };

interface RawPart {
  contentId: string | undefined;
  status: number;
  headers: Map<string, string>;
  body: string;
}

function headerLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

function splitHead(text: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? [text.slice(0, m.index), text.slice(m.index + m[0].length)] : [text, ''];
}

/** Parses a multipart/mixed batch answer into its HTTP responses. */
export function parseBatchResponse(body: string, boundary: string): RawPart[] {
  const parts: RawPart[] = [];
  for (const chunk of body.split(`--${boundary}`)) {
    const part = chunk.replace(/^\r?\n/, '');
    if (part.trim() === '' || part.startsWith('--')) continue;
    const [outerHead, http] = splitHead(part);
    const contentId = headerLines(outerHead).get('content-id');
    const [innerHead, innerBody] = splitHead(http);
    const [statusLine = '', ...rest] = innerHead.split(/\r?\n/);
    const status = Number(/^HTTP\/[\d.]+\s+(\d{3})/.exec(statusLine.trim())?.[1] ?? 0);
    parts.push({ contentId, status, headers: headerLines(rest.join('\n')), body: innerBody.replace(/\r?\n$/, '') });
  }
  return parts;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function oneBatch(client: GoogleClient, calls: BatchCall[]): Promise<BatchOutcome[]> {
  const boundary = `tandem_${randomBytes(12).toString('hex')}`;
  const body =
    calls.map((c, i) => `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${i}>\r\n\r\n${c.method} ${c.path}\r\n\r\n`).join('') + `--${boundary}--\r\n`;
  let res: Response;
  let text: string;
  try {
    res = await client.fetch(client.urls.gmailBatch, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.accessToken}`, 'content-type': `multipart/mixed; boundary=${boundary}` },
      body,
      signal: client.requestSignal(),
    });
    text = await res.text();
  } catch (e) {
    // Every call in a batch is a read here, so a lost answer is safe to repeat.
    throw mapGoogleTransportError(e, { idempotent: true });
  }
  if (!res.ok) throw mapGoogleError({ status: res.status, ...googleErrorFields(parseJson(text)), retryAfter: res.headers.get('retry-after'), now: client.clock.now() });
  const answerBoundary = /boundary="?([^";]+)"?/i.exec(res.headers.get('content-type') ?? '')?.[1];
  const parts = answerBoundary ? parseBatchResponse(text, answerBoundary) : [];
  const byId = new Map(parts.map((p, i) => [/<response-item(\d+)>/.exec(p.contentId ?? '')?.[1] ?? String(i), p]));
  return calls.map((_c, i) => {
    const part = byId.get(String(i));
    if (!part) return { ok: false, error: mapGoogleTransportError(new Error('batch answer without this part'), { idempotent: true }) };
    const json = parseJson(part.body);
    if (part.status >= 200 && part.status < 300) return { ok: true, body: json };
    return { ok: false, error: mapGoogleError({ status: part.status, ...googleErrorFields(json), retryAfter: part.headers.get('retry-after'), now: client.clock.now() }) };
  });
}

async function batches(client: GoogleClient, calls: BatchCall[]): Promise<BatchOutcome[]> {
  const out: BatchOutcome[] = [];
  for (let i = 0; i < calls.length; i += maxBatchCalls) {
    const chunk = calls.slice(i, i + maxBatchCalls);
    out.push(...(await withRetry(() => oneBatch(client, chunk), client.retry)));
  }
  return out;
}

/** Runs the calls in batches of at most `maxBatchCalls`, in order; one outcome per call, failed parts repeated. */
export async function runGmailBatch(client: GoogleClient, calls: BatchCall[]): Promise<BatchOutcome[]> {
  return retryEach(calls, (todo) => batches(client, todo), (o) => (o.ok ? undefined : o.error), client.retry);
}
