/**
 * The one pure mapper from Microsoft Graph answers (HTTP status, `error.code`, `error.innerError.code`,
 * Retry-After) and transport failures to the provider error taxonomy. Never reads message text.
 * Graph error shape and codes: learn.microsoft.com/graph/errors; throttling: graph/throttling-limits.
 */
import { ProviderError, parseRetryAfter, type ProviderErrorKind } from '../errors';

export interface GraphErrorAnswer {
  status: number;
  /** `error.code` of the body, when the body was Graph-shaped. */
  code?: string;
  /** `error.innerError.code` (some services nest a more precise code there). */
  innerCode?: string;
  retryAfter?: string | null;
  now: Date;
}

/** Codes that mean "the delta / sync state is gone: restart with a full sync" (delta-query docs). */
const cursorCodes = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);
const notFoundCodes = new Set(['erroritemnotfound', 'itemnotfound', 'resourcenotfound', 'request_resourcenotfound', 'notfound']);
/** The mailbox cannot be used through REST at all: unlicensed, on-premises, soft-deleted, inactive. */
const unsupportedMailboxCodes = new Set(['mailboxnotenabledforrestapi', 'mailboxnotsupportedforrestapi', 'resourceunhealthy']);
const throttleCodes = new Set(['applicationthrottled', 'toomanyrequests', 'errorserverbusy', 'activitylimitreached']);

function kindFor(a: GraphErrorAnswer, code: string, inner: string): ProviderErrorKind {
  const codes = [code, inner];
  const has = (set: Set<string>) => codes.some((c) => set.has(c));
  if (a.status === 401) return 'auth_expired';
  if (a.status === 429 || has(throttleCodes)) return 'throttled';
  // Outlook answers an evicted delta token with 410 Gone (and sometimes 4xx syncStateNotFound).
  if (a.status === 410 || has(cursorCodes)) return 'cursor_expired';
  if (has(unsupportedMailboxCodes)) return 'unsupported_mailbox';
  if (a.status === 412) return 'conflict';
  if (a.status === 403) return 'permission';
  if (a.status === 404 || has(notFoundCodes)) return 'not_found';
  if (a.status === 409) return 'conflict';
  if (a.status === 503 || a.status === 502 || a.status === 504 || a.status >= 500) return 'transient';
  if (a.status === 408) return 'transient';
  if (a.status === 400 || a.status === 413 || a.status === 415 || a.status === 422) return 'invalid_input';
  return 'permanent';
}

/** Maps one Graph HTTP answer (direct or a $batch item) to a ProviderError. */
export function mapGraphError(a: GraphErrorAnswer): ProviderError {
  const code = (a.code ?? '').toLowerCase();
  const inner = (a.innerCode ?? '').toLowerCase();
  const kind = kindFor(a, code, inner);
  const retryAfterMs = kind === 'throttled' || kind === 'transient' ? parseRetryAfter(a.retryAfter, a.now) : undefined;
  return new ProviderError(kind, `Graph answered ${a.status}${a.code ? ` ${a.code}` : ''}`, {
    status: a.status,
    ...(a.code ? { code: a.code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Reads `error.code` / `error.innerError.code` from a Graph error body of unknown shape. */
export function graphErrorCodes(body: unknown): { code?: string; innerCode?: string } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return {};
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return {};
  const e = error as Record<string, unknown>;
  const innerRaw = e.innerError ?? e.innererror;
  const inner = typeof innerRaw === 'object' && innerRaw !== null ? (innerRaw as Record<string, unknown>).code : undefined;
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof inner === 'string' ? { innerCode: inner } : {}),
  };
}

/** Socket-level codes that prove the request never left this host (safe to resend even a POST). */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((e as { cause?: unknown }).cause);
}

function errorName(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : undefined;
}

/**
 * A failure with no HTTP answer (reset, timeout, abort). Transient; and for a non-idempotent request
 * (sendMail, draft send, event create) `ambiguous` unless the error proves the request was never
 * sent — the server may have carried it out before the connection dropped.
 */
export function mapTransportError(e: unknown, request: { idempotent: boolean }): ProviderError {
  if (e instanceof ProviderError) return e;
  const code = errorCode(e);
  const name = errorName(e);
  const neverSent = code !== undefined && notSentCodes.has(code);
  return new ProviderError('transient', `Graph request failed without an answer${code ? ` (${code})` : name ? ` (${name})` : ''}`, {
    code: code ?? name ?? 'network_error',
    ambiguous: !request.idempotent && !neverSent,
    cause: e,
  });
}
