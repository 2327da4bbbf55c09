/**
 * A small Graph v1.0 client on the injected fetch. The official Graph JS client refuses to send
 * tokens to non-https hosts (the simulators), and we need every byte of status / headers to map
 * errors, so requests are plain fetch calls. Every request asks for immutable ids
 * (`Prefer: IdType="ImmutableId"`, outlook-immutable-id docs) so message ids survive the move to
 * Processed. Requests safe to repeat are retried inside the run after 429 / 5xx / resets (retry.ts).
 */
import type { Clock } from '../../domain/clock';
import { ProviderError } from '../errors';
import type { FetchLike } from '../provider';
import { retrySettings, withRetry, type RetryOptions, type RetrySettings } from '../retry';
import { graphErrorCodes, mapGraphError, mapTransportError } from './map-graph-error';

export const immutableIdPreference = 'IdType="ImmutableId"';

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  accessToken: string;
  fetch: FetchLike;
  clock: Clock;
  signal?: AbortSignal;
  /** Per-request timeout (default 100 s, as the Graph SDKs use). */
  timeoutMs?: number;
  /** In-run retries of idempotent requests (attempts, backoff, injected sleep and random). */
  retry?: RetryOptions;
}

export interface GraphRequest {
  method: string;
  /** Path under the base URL ("/me/messages") or an absolute nextLink / deltaLink on the same host. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  /** Raw text body (sendMail MIME) with its content type. */
  text?: { contentType: string; body: string };
  headers?: Record<string, string>;
  /** Extra `Prefer` values besides the immutable-id one. */
  prefer?: string[];
  /** False for requests the server may have carried out although we saw no answer (POST send / create). */
  idempotent?: boolean;
  /** Return a 2xx answer's body as its bytes, unparsed (error answers are still parsed to be mapped). */
  bytes?: boolean;
}

export interface GraphResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined for empty / non-JSON bodies; a Uint8Array when asked for `bytes`. */
  body: unknown;
}

export class GraphClient {
  readonly baseUrl: string;
  readonly retry: RetrySettings;
  private readonly origin: string;

  constructor(private readonly options: GraphClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.retry = retrySettings(options.retry, options.signal);
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Absolute URL for a path or a server-issued link; links must stay on the Graph host (they carry our token). */
  url(path: string, query?: Record<string, string>): string {
    let url: URL;
    if (/^https?:\/\//i.test(path)) {
      url = new URL(path);
      if (url.origin !== this.origin) throw new ProviderError('permanent', 'Graph link points to another host', { code: 'foreign_link' });
    } else {
      url = new URL(`${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}`);
    }
    // OData options keep their literal "$" (URLSearchParams would encode it as %24, which Graph accepts too).
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url.toString();
  }

  private signal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 100_000);
    return this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
  }

  /**
   * Sends a request; returns 2xx answers, throws a mapped ProviderError for everything else. An
   * idempotent request is repeated after a 429 / 5xx / reset; a non-idempotent one (send, create
   * without transactionId) is sent once and its lost answer reported as ambiguous.
   */
  async send(req: GraphRequest): Promise<GraphResponse> {
    const idempotent = req.idempotent ?? req.method.toUpperCase() !== 'POST';
    return idempotent ? withRetry(() => this.sendOnce(req, true), this.retry) : this.sendOnce(req, false);
  }

  private async sendOnce(req: GraphRequest, idempotent: boolean): Promise<GraphResponse> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.accessToken}`,
      accept: 'application/json',
      prefer: [immutableIdPreference, ...(req.prefer ?? [])].join(', '),
      ...req.headers,
    };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.text) {
      headers['content-type'] = req.text.contentType;
      body = req.text.body;
    }
    let res: Response;
    let answer: Uint8Array;
    try {
      res = await this.options.fetch(this.url(req.path, req.query), { method: req.method, headers, body, signal: this.signal() });
      answer = withoutBom(new Uint8Array(await res.arrayBuffer()));
    } catch (e) {
      throw mapTransportError(e, { idempotent });
    }
    const ok = res.status >= 200 && res.status < 300;
    if (ok && req.bytes) return { status: res.status, headers: res.headers, body: answer };
    const parsed = parseJson(Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength).toString('utf8'));
    if (ok) return { status: res.status, headers: res.headers, body: parsed };
    throw mapGraphError({ status: res.status, ...graphErrorCodes(parsed), retryAfter: res.headers.get('retry-after'), now: this.options.clock.now() });
  }

  async get(path: string, query?: Record<string, string>, prefer?: string[]): Promise<unknown> {
    return (await this.send({ method: 'GET', path, query, prefer })).body;
  }
}

/** The answer without a UTF-8 byte order mark, which Response.text() would have dropped too. */
function withoutBom(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/** The JSON value of a text, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Quotes a string literal for an OData $filter (single quotes doubled). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
