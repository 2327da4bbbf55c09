/**
 * POST /{tenant}/oauth2/v2.0/token: authorization_code (PKCE S256 or plain) and refresh_token grants.
 * Errors follow the v2 error body (`error`, `error_description` "AADSTSnnnnn: …", `error_codes`,
 * `timestamp`, `trace_id`, `correlation_id`, `error_uri`); adapters branch on `error` and `error_codes`.
 */
import { createHash } from 'node:crypto';
import type { IdFactory } from '../ids';
import type { SimState } from '../state';
import { accessTokenSeconds, type TokenStore } from './token-store';

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

const messages: Record<number, string> = {
  50173: 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
  700082: 'The refresh token has expired due to inactivity. The token was issued on {issued} and was inactive for {days} days.',
  70008: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  54005: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  501481: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  9002313: 'Invalid request. Request is malformed or invalid.',
  70000: 'Provided grant is invalid or malformed.',
  700016: "Application with identifier '{client}' was not found in the directory.",
  7000215: 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
  900144: "The request body must contain the following parameter: '{param}'.",
  70003: 'The app requested an unsupported grant type.',
  65001: 'The user or administrator has not consented to use the application.',
};

export function aadError(ids: IdFactory, now: Date, status: number, error: string, code: number, vars: Record<string, string> = {}, extra: Record<string, unknown> = {}): TokenResponse {
  const trace = ids.guid();
  const correlation = ids.guid();
  const stamp = now.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  let text = messages[code] ?? 'Error.';
  for (const [k, v] of Object.entries(vars)) text = text.replace(`{${k}}`, v);
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${stamp}`,
      error_codes: [code],
      timestamp: stamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      ...extra,
    },
  };
}

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

/** Unsigned-in-spirit id_token: MSAL reads its claims, it does not verify the signature. */
function idToken(state: SimState, mailbox: string, clientId: string, nonce: string | undefined): string {
  const m = state.mailbox(mailbox);
  const now = Math.floor(state.clock.now().getTime() / 1000);
  const claims = {
    aud: clientId,
    iss: `https://login.microsoftonline.com/${m.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    name: m.displayName,
    oid: m.id,
    preferred_username: m.address,
    sub: base64url(`${m.id}|${clientId}`),
    tid: m.tenantId,
    ver: '2.0',
    ...(nonce ? { nonce } : {}),
  };
  return `${base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'sim' }))}.${base64url(JSON.stringify(claims))}.${base64url('sim-signature')}`;
}

function success(state: SimState, store: TokenStore, mailbox: string, clientId: string, scope: string, nonce?: string): TokenResponse {
  const scopes = scope.split(/\s+/).filter(Boolean);
  const { accessToken, refreshToken } = store.issueTokens(mailbox, clientId, scope);
  const m = state.mailbox(mailbox);
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: scopes.filter((s) => s !== 'offline_access').join(' '),
    expires_in: accessTokenSeconds,
    ext_expires_in: accessTokenSeconds,
    access_token: accessToken,
    client_info: base64url(JSON.stringify({ uid: m.id, utid: m.tenantId })),
  };
  // A refresh token only with offline_access, an id_token only with openid (auth-code flow docs).
  if (scopes.includes('offline_access')) body.refresh_token = refreshToken;
  else store.refresh.delete(refreshToken);
  if (scopes.includes('openid')) body.id_token = idToken(state, mailbox, clientId, nonce);
  return { status: 200, body };
}

function verifierMatches(verifier: string, challenge: string, method: string | undefined): boolean {
  if ((method ?? 'plain') === 'plain') return verifier === challenge;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

export function tokenRequest(state: SimState, store: TokenStore, form: URLSearchParams, authorization: string | undefined): TokenResponse {
  const now = state.clock.now();
  const err = (status: number, error: string, code: number, vars: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    aadError(state.ids, now, status, error, code, vars, extra);
  let clientId = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  if (authorization?.startsWith('Basic ')) {
    const [id, s] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(s ?? '');
  }
  if (!clientId) return err(400, 'invalid_request', 900144, { param: 'client_id' });
  const app = store.apps.get(clientId);
  if (!app) return err(400, 'unauthorized_client', 700016, { client: clientId });
  if (secret !== app.clientSecret) return err(401, 'invalid_client', 7000215);

  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code) return err(400, 'invalid_request', 900144, { param: 'code' });
    const rec = store.codes.get(code);
    if (!rec || rec.clientId !== clientId) return err(400, 'invalid_grant', 9002313);
    if (rec.used) return err(400, 'invalid_grant', 54005);
    if (rec.expiresAt <= now.getTime()) return err(400, 'invalid_grant', 70008);
    if (form.get('redirect_uri') !== rec.redirectUri) return err(400, 'invalid_grant', 70000);
    if (rec.codeChallenge) {
      const verifier = form.get('code_verifier');
      if (!verifier || !verifierMatches(verifier, rec.codeChallenge, rec.codeChallengeMethod)) return err(400, 'invalid_grant', 501481);
    }
    rec.used = true;
    return success(state, store, rec.mailbox, clientId, rec.scope, rec.nonce);
  }
  if (grantType === 'refresh_token') {
    const token = form.get('refresh_token');
    if (!token) return err(400, 'invalid_request', 900144, { param: 'refresh_token' });
    const rec = store.refresh.get(token);
    if (!rec || rec.clientId !== clientId) return err(400, 'invalid_grant', 9002313);
    // Revocation (admin or user "revoke sessions") and a password change both end in AADSTS50173.
    if (rec.revocationEpoch !== (store.revocationEpoch.get(rec.mailbox) ?? 0) || rec.passwordEpoch !== (store.passwordEpoch.get(rec.mailbox) ?? 0)) {
      return err(400, 'invalid_grant', 50173);
    }
    if (now.getTime() - rec.issuedAt > store.refreshLifetimeMs) {
      const days = String(Math.floor((now.getTime() - rec.issuedAt) / 86_400_000));
      return err(400, 'invalid_grant', 700082, { issued: new Date(rec.issuedAt).toISOString(), days });
    }
    if (!store.grants.has(`${rec.mailbox}|${clientId}`) && state.tenant(state.mailbox(rec.mailbox).tenantId).consent !== 'granted') {
      return err(400, 'invalid_grant', 65001, {}, { suberror: 'consent_required' });
    }
    const requested = form.get('scope') ?? rec.scope;
    return success(state, store, rec.mailbox, clientId, requested);
  }
  return err(400, 'unsupported_grant_type', 70003);
}
