/**
 * The official generated clients (@googleapis/gmail, @googleapis/calendar) over an OAuth2Client from
 * google-auth-library whose HTTP goes through the injected fetch (gaxios `fetchImplementation`).
 *
 * - The client holds only the access token, no refresh token and no expiry: the engine owns refresh
 *   (it stores the rotated credentials), so a stale token surfaces as 401 → auth_expired instead of a
 *   silent refresh whose result nobody stores.
 * - `retry: false` for gaxios: it would retry with its own sleeps and rules. `call` repeats idempotent
 *   calls itself (retry.ts: Retry-After honoured up to a cap, bounded attempts, injected time); longer
 *   waits go to the engine, which keeps them in the DB for every worker.
 * - Every failure leaves here as a ProviderError (map-google-error.ts).
 */
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import type { Clock } from '../../domain/clock';
import { ProviderError } from '../errors';
import type { FetchLike, ProviderContext } from '../provider';
import { retryLogger, retrySettings, withRetry, type RetryOptions, type RetrySettings } from '../retry';
import { googleUrls, type GoogleUrls } from './google-endpoints';
import { googleErrorFields, mapGoogleError, mapGoogleTransportError, type GoogleErrorContext } from './map-google-error';

export type FetchImplementation = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Gaxios passes a URL and an init; a Request is unwrapped so FetchLike (string | URL) suffices. */
export function asFetchImplementation(fetchLike: FetchLike): FetchImplementation {
  return (input, init) => (input instanceof Request ? fetchLike(input.url, { method: input.method, headers: input.headers, ...init }) : fetchLike(input, init));
}

export interface GoogleClientOptions {
  /** Per-request timeout (ms); default 60 s. */
  timeoutMs?: number;
  /** In-run retries of idempotent calls (tests inject sleep and random). */
  retry?: RetryOptions;
}

export class GoogleClient {
  readonly gmail: gmail_v1.Gmail;
  readonly calendar: calendar_v3.Calendar;
  readonly urls: GoogleUrls;
  readonly clock: Clock;
  readonly fetch: FetchLike;
  readonly accessToken: string;
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
  readonly retry: RetrySettings;

  constructor(ctx: ProviderContext, options: GoogleClientOptions = {}) {
    if (ctx.credentials.kind !== 'oauth') throw new ProviderError('permanent', 'Google needs OAuth credentials', { code: 'wrong_credentials' });
    this.urls = googleUrls(ctx.endpoints);
    this.clock = ctx.clock;
    this.fetch = ctx.fetch;
    this.accessToken = ctx.credentials.accessToken;
    this.signal = ctx.signal;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retry = retrySettings({ onRetry: retryLogger(ctx.logger, 'google'), ...options.retry }, ctx.signal);
    const auth = new OAuth2Client({ transporterOptions: { fetchImplementation: asFetchImplementation(ctx.fetch) } });
    auth.setCredentials({ access_token: ctx.credentials.accessToken, token_type: 'Bearer' });
    const common = { auth, retry: false, timeout: this.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) };
    this.gmail = gmail({ version: 'v1', rootUrl: this.urls.gmailRoot, ...common });
    this.calendar = calendar({ version: 'v3', rootUrl: this.urls.calendarRoot, ...common });
  }

  /** The signal for a hand-made request: the per-request timeout, and shutdown when one was given. */
  requestSignal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
  }

  /**
   * Runs one generated-client call and returns its data. `idempotent: false` marks calls whose lost
   * answer leaves us unsure whether Google acted (send, insert): those are made once; the others are
   * repeated after 429 / 5xx / resets.
   */
  async call<T>(run: () => Promise<{ data: T }>, options: { idempotent?: boolean } & GoogleErrorContext = {}): Promise<T> {
    const once = async () => {
      try {
        return (await run()).data;
      } catch (e) {
        throw this.toProviderError(e, options);
      }
    };
    return options.idempotent === false ? once() : withRetry(once, this.retry);
  }

  toProviderError(e: unknown, options: { idempotent?: boolean } & GoogleErrorContext = {}): ProviderError {
    if (e instanceof ProviderError) return e;
    const response = answerOf(e);
    if (!response) return mapGoogleTransportError(e, { idempotent: options.idempotent ?? true });
    return mapGoogleError({ status: response.status, ...googleErrorFields(response.data), retryAfter: response.retryAfter, now: this.clock.now() }, options);
  }
}

/** The HTTP answer inside a GaxiosError (status, parsed body, Retry-After), if there was one. */
function answerOf(e: unknown): { status: number; data: unknown; retryAfter: string | null } | undefined {
  if (typeof e !== 'object' || e === null || !('response' in e)) return undefined;
  const res = (e as { response?: unknown }).response;
  if (typeof res !== 'object' || res === null) return undefined;
  const { status, data, headers } = res as { status?: unknown; data?: unknown; headers?: unknown };
  if (typeof status !== 'number' || status === 0) return undefined;
  const retryAfter = headers instanceof Headers ? headers.get('retry-after') : null;
  return { status, data, retryAfter };
}
