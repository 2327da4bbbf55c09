/**
 * Wire primitives shared by the identity and Graph halves: request bodies, Graph error bodies and
 * the `Prefer` header. Graph errors always have the documented shape
 * `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A Graph failure a handler throws; the dispatcher renders it in Graph's error shape. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export const notFound = (): GraphError => new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
export const malformedId = (): GraphError => new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
export const badRequest = (message: string, code = 'ErrorInvalidRequest'): GraphError => new GraphError(400, code, message);

export interface GraphErrorBody {
  error: { code: string; message: string; innerError: { date: string; 'request-id': string; 'client-request-id': string } };
}

export function graphErrorBody(code: string, message: string, now: Date, requestId: string, clientRequestId?: string): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: { date: now.toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId },
    },
  };
}

export async function readBody(req: IncomingMessage, limit = 40 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk instanceof Buffer ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) throw new GraphError(413, 'ErrorRequestEntityTooLarge', 'The request body is too large.');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function parseJsonObject(body: Buffer | string): Record<string, unknown> {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GraphError(400, 'BadRequest', 'The request payload must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export interface PreferOptions {
  immutableId: boolean;
  /** Zone named in `Prefer: outlook.timezone="…"`. */
  timeZone?: string;
  maxPageSize?: number;
}

/** Parses the Graph `Prefer` header(s): `IdType="ImmutableId"`, `outlook.timezone="…"`, `odata.maxpagesize=N`. */
export function parsePrefer(header: string | undefined): PreferOptions {
  const out: PreferOptions = { immutableId: false };
  if (!header) return out;
  for (const part of header.split(',')) {
    const [rawKey, ...rest] = part.split('=');
    const key = rawKey?.trim().toLowerCase();
    const value = rest.join('=').trim().replace(/^"|"$/g, '');
    if (key === 'idtype' && value.toLowerCase() === 'immutableid') out.immutableId = true;
    else if (key === 'outlook.timezone' && value) out.timeZone = value;
    else if (key === 'odata.maxpagesize') {
      const n = Number(value);
      if (Number.isInteger(n) && n > 0) out.maxPageSize = n;
    }
  }
  return out;
}

/** Graph's content type for JSON answers. */
export const graphJsonType = 'application/json; odata.metadata=minimal; charset=utf-8';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': graphJsonType, ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array | readonly string[], headers: Record<string, string> = {}): void {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(body);
    return;
  }
  const length = body.reduce((n, piece) => n + Buffer.byteLength(piece), 0);
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(length), ...headers });
  res.cork();
  for (const piece of body) res.write(piece);
  res.end();
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}
