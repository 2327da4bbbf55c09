/**
 * The one pure mapper from Google answers (HTTP status, `error.errors[].reason`, `error.status`, the
 * OAuth `error` field, Retry-After) and transport failures to the provider error taxonomy. Never reads
 * message text. Shapes and reasons: Gmail / Calendar "handle errors" guides and the OAuth 2.0 guide.
 */
import { ProviderError, parseRetryAfter, transportFailure, type ProviderErrorKind } from '../errors';

export interface GoogleErrorAnswer {
  status: number;
  /** `error.errors[].reason` of a JSON API error (e.g. rateLimitExceeded, fullSyncRequired). */
  reasons?: string[];
  /** `error.status`, the canonical code (e.g. RESOURCE_EXHAUSTED, FAILED_PRECONDITION). */
  errorStatus?: string;
  /** OAuth token / redirect endpoints: the `error` string (invalid_grant, access_denied…). */
  oauthError?: string;
  retryAfter?: string | null;
  now: Date;
}

export interface GoogleErrorContext {
  /**
   * The call presented a cursor (Gmail history startHistoryId): a 404 there means the cursor aged
   * out, not that a resource is missing (Gmail sync guide: "a 404 … perform a full sync").
   */
  cursorCall?: boolean;
}

/** Quota reasons Gmail and Calendar answer with 403 or 429 (both "usage limits" guides). */
const throttleReasons = new Set(['ratelimitexceeded', 'userratelimitexceeded', 'quotaexceeded', 'dailylimitexceeded', 'toomanyrequests']);
const permissionReasons = new Set(['insufficientpermissions', 'forbidden', 'forbiddenfornonorganizer', 'domainpolicy', 'accessnotconfigured']);
/** Calendar: sync token or updatedMin aged out → wipe and full sync (Calendar sync guide). */
const cursorReasons = new Set(['fullsyncrequired', 'updatedmintoolongago']);
/** OAuth `error` values that mean the grant is dead: reconnect (OAuth 2.0 guide, token errors). */
const revokedOAuthErrors = new Set(['invalid_grant']);
/** The Workspace admin blocks the app or keeps it internal: only an administrator can change that. */
const consentOAuthErrors = new Set(['admin_policy_enforced', 'org_internal']);
const permissionOAuthErrors = new Set(['access_denied', 'insufficient_scope']);
const configOAuthErrors = new Set(['invalid_client', 'unauthorized_client', 'redirect_uri_mismatch', 'unsupported_grant_type', 'invalid_request']);

function kindFor(a: GoogleErrorAnswer, ctx: GoogleErrorContext): ProviderErrorKind {
  const reasons = (a.reasons ?? []).map((r) => r.toLowerCase());
  const has = (set: Set<string>) => reasons.some((r) => set.has(r));
  const oauth = a.oauthError?.toLowerCase();
  if (oauth) {
    if (revokedOAuthErrors.has(oauth)) return 'auth_revoked';
    if (consentOAuthErrors.has(oauth)) return 'consent_required';
    if (permissionOAuthErrors.has(oauth)) return 'permission';
    if (oauth === 'invalid_token') return 'auth_expired';
    if (configOAuthErrors.has(oauth)) return 'permanent';
  }
  if (a.status === 401) return 'auth_expired';
  if (a.status === 429 || has(throttleReasons) || a.errorStatus === 'RESOURCE_EXHAUSTED') return 'throttled';
  if (a.status === 410) return has(cursorReasons) || reasons.length === 0 ? 'cursor_expired' : 'not_found';
  if (has(cursorReasons)) return 'cursor_expired';
  // insufficientPermissions, forbidden, domainPolicy…: the token or the account cannot do this.
  if (a.status === 403 || has(permissionReasons)) return 'permission';
  // "Mail service not enabled": a Google account without Gmail cannot be connected for mail.
  if (a.status === 400 && reasons.includes('failedprecondition')) return 'unsupported_mailbox';
  if (a.status === 404) return ctx.cursorCall ? 'cursor_expired' : 'not_found';
  if (a.status === 412 || a.status === 409) return 'conflict';
  if (a.status === 408 || a.status >= 500) return 'transient';
  if (a.status === 400 || a.status === 413 || a.status === 415 || a.status === 422) return 'invalid_input';
  return 'permanent';
}

/** Maps one Google HTTP answer (a direct call or one part of a batch) to a ProviderError. */
export function mapGoogleError(a: GoogleErrorAnswer, ctx: GoogleErrorContext = {}): ProviderError {
  const kind = kindFor(a, ctx);
  const code = a.oauthError ?? a.reasons?.[0] ?? a.errorStatus;
  const retryAfterMs = kind === 'throttled' || kind === 'transient' ? parseRetryAfter(a.retryAfter, a.now) : undefined;
  return new ProviderError(kind, `Google answered ${a.status}${code ? ` ${code}` : ''}`, {
    status: a.status,
    ...(code ? { code } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads reasons, canonical status and OAuth `error` from a Google error body of unknown shape. */
export function googleErrorFields(body: unknown): Pick<GoogleErrorAnswer, 'reasons' | 'errorStatus' | 'oauthError'> {
  if (!isRecord(body)) return {};
  const error = body.error;
  // OAuth endpoints answer {"error":"invalid_grant","error_description":"…"}.
  if (typeof error === 'string') return { oauthError: error };
  if (!isRecord(error)) return {};
  const reasons = Array.isArray(error.errors)
    ? error.errors.flatMap((item) => (isRecord(item) && typeof item.reason === 'string' ? [item.reason] : []))
    : [];
  return {
    ...(reasons.length > 0 ? { reasons } : {}),
    ...(typeof error.status === 'string' ? { errorStatus: error.status } : {}),
  };
}

/**
 * A failure with no HTTP answer (reset, timeout, abort): transient; and for a non-idempotent call
 * (messages.send, events.insert) `ambiguous` unless the error proves nothing was sent — Google may
 * have carried it out before the connection dropped.
 */
export function mapGoogleTransportError(e: unknown, request: { idempotent: boolean }): ProviderError {
  if (e instanceof ProviderError) return e;
  const { code, neverSent } = transportFailure(e);
  return new ProviderError('transient', `Google request failed without an answer (${code})`, {
    code,
    ambiguous: !request.idempotent && !neverSent,
    cause: e,
  });
}
