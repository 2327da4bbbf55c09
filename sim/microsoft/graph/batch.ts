/**
 * JSON batching (json-batching docs): up to 20 requests, unique ids, optional dependsOn (a failed
 * dependency → 424), per-item status, and each item throttled on its own (an inner 429 with its own
 * Retry-After). Independent items run at most 4 at a time, as Graph feeds Outlook. Binary bodies
 * ($value) come back base64-encoded.
 */
import { GraphError, graphJsonType, parseJsonObject } from '../http';
import type { SimMailbox } from '../types';
import type { GraphResult } from './context';
import type { GraphCall, GraphEngine } from './engine';

export const maxBatchRequests = 20;
const batchParallelism = 4;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  /** A binary body (a $value): its base64, in pieces written into the answer as they are. */
  base64?: string[];
}

/** Runs one item through throttling, faults and counting; supplied by the server. */
export type ItemRunner = (call: GraphCall, mailbox: SimMailbox) => Promise<GraphResult>;

function parseItems(body: Buffer): BatchItem[] {
  const json = parseJsonObject(body);
  if (!Array.isArray(json.requests)) throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  if (json.requests.length === 0 || json.requests.length > maxBatchRequests) {
    throw new GraphError(400, 'BadRequest', `Number of batch request steps exceeds the maximum value of ${maxBatchRequests}.`);
  }
  const seen = new Set<string>();
  const items = json.requests.map((raw: unknown): BatchItem => {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const id = typeof r.id === 'string' ? r.id : typeof r.id === 'number' ? String(r.id) : '';
    if (!id || typeof r.method !== 'string' || typeof r.url !== 'string') throw new GraphError(400, 'BadRequest', 'Each request needs id, method and url.');
    if (seen.has(id)) throw new GraphError(400, 'BadRequest', `Batch request id '${id}' is duplicated.`);
    seen.add(id);
    if (/^https?:/i.test(r.url)) throw new GraphError(400, 'BadRequest', 'Batch request urls must be relative.');
    const headers: Record<string, string> = {};
    if (typeof r.headers === 'object' && r.headers !== null) {
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
    }
    if (r.body !== undefined && !headers['content-type']) throw new GraphError(400, 'BadRequest', 'Content-Type header is required for a request with a body.');
    const dependsOn = Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [];
    return { id, method: r.method.toUpperCase(), url: r.url.startsWith('/') ? r.url : `/${r.url}`, headers, body: r.body, dependsOn };
  });
  for (const item of items) {
    for (const d of item.dependsOn) if (!seen.has(d) || d === item.id) throw new GraphError(400, 'BadRequest', `dependsOn '${d}' is not a request of this batch.`);
  }
  return items;
}

function bodyBuffer(item: BatchItem): Buffer {
  if (item.body === undefined) return Buffer.alloc(0);
  if (typeof item.body === 'string') return Buffer.from(item.body);
  return Buffer.from(JSON.stringify(item.body));
}

/** Bytes per base64 piece: a multiple of 3, so the pieces joined are the base64 of the whole. */
const BASE64_PIECE_BYTES = 48 * 1024;

/** The base64 of `bytes` in pieces small enough to stay out of V8's large-object space. */
function base64Pieces(bytes: Buffer): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < bytes.length; at += BASE64_PIECE_BYTES) pieces.push(bytes.toString('base64', at, Math.min(bytes.length, at + BASE64_PIECE_BYTES)));
  return pieces;
}

function toItemResponse(id: string, result: GraphResult): BatchItemResponse {
  const headers: Record<string, string> = { ...result.headers };
  if (result.raw) {
    headers['Content-Type'] = result.raw.contentType;
    const { body } = result.raw;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : Buffer.from(body.join(''));
    return { id, status: result.status, headers, base64: base64Pieces(bytes) };
  }
  if (result.json !== undefined) headers['Content-Type'] = 'application/json';
  return { id, status: result.status, headers, ...(result.json === undefined ? {} : { body: result.json }) };
}

/**
 * The answer's JSON text in pieces, written by hand around the base64 bodies: a batch of raw messages
 * is over a megabyte of base64, which JSON.stringify scans character by character for escapes (~3.5
 * ms a batch on Node 24) and which needs none (A–Z, a–z, 0–9, +, /, =). The pieces are written one
 * after another (GraphResult.raw), never joined. The simulator stands in for Microsoft's servers;
 * its serving time competes with the client under test on a small machine.
 */
function answerPieces(responses: BatchItemResponse[]): string[] {
  const pieces = ['{"responses":['];
  responses.forEach(({ base64, body, ...item }, i) => {
    if (i > 0) pieces.push(',');
    if (!base64) pieces.push(JSON.stringify(body === undefined ? item : { ...item, body }));
    else pieces.push(`${JSON.stringify(item).slice(0, -1)},"body":"`, ...base64, '"}');
  });
  pieces.push(']}');
  return pieces;
}

export async function runBatch(engine: GraphEngine, mailbox: SimMailbox, body: Buffer, runItem: ItemRunner): Promise<GraphResult> {
  let items: BatchItem[];
  try {
    items = parseItems(body);
  } catch (e) {
    if (e instanceof GraphError) return engine.error(e.status, e.code, e.message);
    throw e;
  }
  const done = new Map<string, BatchItemResponse>();
  const responses: BatchItemResponse[] = [];
  let pending = items;
  while (pending.length) {
    const ready = pending.filter((i) => i.dependsOn.every((d) => done.has(d)));
    // A dependency cycle leaves nothing ready: fail the rest as failed dependencies.
    const wave = ready.length ? ready : pending;
    for (let i = 0; i < wave.length; i += batchParallelism) {
      const chunk = wave.slice(i, i + batchParallelism);
      const results = await Promise.all(
        chunk.map(async (item) => {
          const failedDep = item.dependsOn.some((d) => (done.get(d)?.status ?? 424) >= 400);
          if (failedDep || !ready.length) {
            return toItemResponse(item.id, engine.error(424, 'FailedDependency', 'The request could not be completed because a request it depends on failed.'));
          }
          const result = await runItem({ method: item.method, url: item.url, headers: item.headers, body: bodyBuffer(item) }, mailbox);
          return toItemResponse(item.id, result);
        }),
      );
      for (const r of results) {
        done.set(r.id, r);
        responses.push(r);
      }
    }
    pending = pending.filter((i) => !done.has(i.id));
  }
  return { status: 200, raw: { contentType: graphJsonType, body: answerPieces(responses) } };
}
