/**
 * The one error taxonomy every provider adapter speaks. Each adapter has one pure mapper that turns
 * wire answers (HTTP status, structured codes, OAuth `error`) into these kinds; `sync/retry-policy.ts`
 * turns kinds into actions. Nothing classifies errors by message text.
 */
export const providerErrorKinds = [
  'auth_expired', // access token stale: refresh and retry once
  'auth_revoked', // refresh token dead (revoked, password changed, 90-day expiry): needs reconnect
  'consent_required', // an administrator must approve the app
  'throttled', // 429 / rateLimitExceeded / ErrorServerBusy: wait retryAfterMs
  'transient', // 5xx, timeouts, resets: back off and retry
  'cursor_expired', // delta / history / sync token / UIDVALIDITY gone: full resync of the window
  'not_found',
  'conflict', // If-Match / ChangeKey precondition failed: the provider's version changed
  'permission', // the token lacks a scope or the mailbox forbids the operation
  'unsupported_mailbox', // shared mailbox, distribution list, mail-enabled group
  'invalid_input', // the provider refused what we sent (bad MIME, bad event); retrying will not help
  'permanent', // anything else that retrying will not fix
] as const;

export type ProviderErrorKind = (typeof providerErrorKinds)[number];

export interface ProviderErrorDetails {
  /** Provider's structured code (Graph error.code, Google errors[].reason, EWS ResponseCode, AADSTS…). */
  code?: string;
  /** HTTP status when there was one. */
  status?: number;
  /** For `throttled`: how long the provider asked us to wait. */
  retryAfterMs?: number;
  /** For `consent_required`: where an administrator can approve the app. */
  adminConsentUrl?: string;
  /** Set when the request may have been carried out although we saw a failure (timeout after send). */
  ambiguous?: boolean;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly adminConsentUrl: string | undefined;
  readonly ambiguous: boolean;

  constructor(kind: ProviderErrorKind, message: string, details: ProviderErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.code = details.code;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.adminConsentUrl = details.adminConsentUrl;
    this.ambiguous = details.ambiguous ?? false;
  }
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}

/** Parses an HTTP Retry-After header (delta-seconds or HTTP-date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Socket-level codes that prove a request never left this host (safe to resend even a send). */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

function failureCode(e: unknown, depth = 0): string | undefined {
  if (typeof e !== 'object' || e === null || depth > 5) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const name = (e as { name?: unknown }).name;
  // DOMException timeouts / aborts carry their meaning in the name.
  if (name === 'TimeoutError' || name === 'AbortError') return name;
  return failureCode((e as { cause?: unknown }).cause, depth + 1);
}

/**
 * A request that failed without an HTTP answer (reset, timeout, abort): its socket code, and whether
 * the error proves the request never left (so even a non-idempotent one may be repeated).
 */
export function transportFailure(e: unknown): { code: string; neverSent: boolean } {
  const code = failureCode(e);
  const name = typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : undefined;
  return { code: code ?? name ?? 'network_error', neverSent: code !== undefined && notSentCodes.has(code) };
}
