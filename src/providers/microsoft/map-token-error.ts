/**
 * The one pure mapper from Microsoft identity platform errors (token endpoint JSON, authorize
 * redirect parameters) to the provider error taxonomy. Matches `error`, `suberror` and the AADSTS
 * numbers of `error_codes` / error_uri's `code` (reference-error-codes docs; Microsoft says to map by
 * `error` first and codes second), never the description text.
 */
import { ProviderError, parseRetryAfter, type ProviderErrorKind } from '../errors';

export interface TokenErrorAnswer {
  status: number;
  error?: string;
  suberror?: string;
  errorCodes?: number[];
  retryAfter?: string | null;
  now: Date;
}

/** An administrator must approve the app: AADSTS65001 DelegationDoesNotExist, 90094 / 90095 admin consent, 500011 no service principal. */
const consentCodes = new Set([65001, 90094, 90095, 500011]);
/** The grant is dead until the user signs in again (revoked, expired, password, MFA, CA, locked, disabled, code reuse). */
const reconnectCodes = new Set([50173, 700082, 70008, 700084, 50076, 50079, 50058, 53003, 70043, 50055, 50144, 50132, 50133, 50053, 50057, 54005, 501481]);
/** Configuration problems of our app registration: retrying or reconnecting will not help. */
const configCodes = new Set([700016, 7000215, 7000222, 650056, 650057, 70011, 50011]);

function kindOf(a: TokenErrorAnswer): ProviderErrorKind {
  const error = (a.error ?? '').toLowerCase();
  const sub = (a.suberror ?? '').toLowerCase();
  const codes = a.errorCodes ?? [];
  if (a.status === 429) return 'throttled';
  if (error === 'temporarily_unavailable' || error === 'server_error' || a.status >= 500) return 'transient';
  if (error === 'consent_required' || sub === 'consent_required' || codes.some((c) => consentCodes.has(c))) return 'consent_required';
  if (error === 'invalid_client' || error === 'unauthorized_client' || codes.some((c) => configCodes.has(c))) return 'permanent';
  if (error === 'access_denied') return 'permission';
  if (
    error === 'invalid_grant' ||
    error === 'interaction_required' ||
    error === 'login_required' ||
    error === 'user_password_expired' ||
    sub === 'basic_action' ||
    sub === 'additional_action' ||
    sub === 'user_password_expired' ||
    sub === 'bad_token' ||
    codes.some((c) => reconnectCodes.has(c))
  ) {
    return 'auth_revoked';
  }
  return 'permanent';
}

/** `adminConsentUrl` is attached to consent_required errors so the user sees where an admin approves. */
export function mapTokenError(a: TokenErrorAnswer, adminConsentUrl?: string): ProviderError {
  const kind = kindOf(a);
  const aadsts = a.errorCodes?.[0];
  const retryAfterMs = kind === 'throttled' || kind === 'transient' ? parseRetryAfter(a.retryAfter, a.now) : undefined;
  return new ProviderError(kind, `Microsoft sign-in refused: ${a.error ?? 'error'}${aadsts ? ` (AADSTS${aadsts})` : ''}`, {
    status: a.status,
    code: aadsts ? `AADSTS${aadsts}` : (a.error ?? 'token_error'),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(kind === 'consent_required' && adminConsentUrl ? { adminConsentUrl } : {}),
  });
}

/** Reads the token endpoint's error JSON (error, suberror, error_codes) from an unknown body. */
export function tokenErrorFields(body: unknown): Pick<TokenErrorAnswer, 'error' | 'suberror' | 'errorCodes'> {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  const codes = Array.isArray(b.error_codes) ? b.error_codes.filter((c): c is number => typeof c === 'number') : [];
  return {
    ...(typeof b.error === 'string' ? { error: b.error } : {}),
    ...(typeof b.suberror === 'string' ? { suberror: b.suberror } : {}),
    ...(codes.length ? { errorCodes: codes } : {}),
  };
}

/**
 * The authorize redirect back to us: `code` + `state`, or `error` (+ `error_uri` ending in
 * `?code=NNNN`, the structured AADSTS number). Returns the code, or throws the mapped error.
 */
export function parseAuthorizeRedirect(query: URLSearchParams, now: Date, adminConsentUrl?: string): { code: string; state: string | null } {
  const error = query.get('error');
  const code = query.get('code');
  if (!error && code) return { code, state: query.get('state') };
  let aadsts: number | undefined;
  const uri = query.get('error_uri');
  if (uri) {
    try {
      const n = Number(new URL(uri).searchParams.get('code'));
      if (Number.isInteger(n) && n > 0) aadsts = n;
    } catch {
      // Not a URL: no structured code.
    }
  }
  throw mapTokenError({ status: 400, error: error ?? 'invalid_request', ...(aadsts ? { errorCodes: [aadsts] } : {}), now }, adminConsentUrl);
}
