/**
 * Google sign-in: the OAuth 2.0 web-server flow with PKCE (S256), `access_type=offline` (else no
 * refresh token) and `prompt=consent` (a refresh token comes only on the first consent otherwise).
 *
 * The consent URL is built by OAuth2Client.generateAuthUrl. Tokens are redeemed by hand over the
 * injected fetch: OAuth2Client.getToken replaces `expires_in` by an expiry computed from the wall
 * clock, and ours is injected. Google normally returns no new refresh token on refresh ("keep the
 * old one"); when one comes back it is the one to store. A dead grant answers `invalid_grant`.
 */
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { z } from 'zod';
import type { Clock } from '../../domain/clock';
import { ProviderError } from '../errors';
import type { FetchLike, OAuthAbility, OAuthClientConfig, OAuthCredentials, OAuthStart, ProviderEndpoints } from '../provider';
import { googleUrls } from './google-endpoints';
import { googleErrorFields, mapGoogleError, mapGoogleTransportError } from './map-google-error';

const scopeBase = 'https://www.googleapis.com/auth/';
/** What Tandem needs: capture (modify, labels), send, calendar events; openid + email for identity. */
export const googleApiScopes = [`${scopeBase}gmail.modify`, `${scopeBase}gmail.send`, `${scopeBase}gmail.labels`, `${scopeBase}calendar.events`];
export const googleOidcScopes = ['openid', 'email'];

const tokenAnswer = z.object({
  access_token: z.string(),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().optional(),
  scope: z.string().optional(),
  token_type: z.string().optional(),
});

export interface GoogleOAuth extends OAuthAbility {
  /** The redirect's query: the code, or the mapped error (access_denied → permission…). */
  parseRedirect(query: URLSearchParams): { code: string; state: string | null };
}

export function createGoogleOAuth(client: OAuthClientConfig, endpoints: ProviderEndpoints, deps: { fetch: FetchLike; clock: Clock }): GoogleOAuth {
  const urls = googleUrls(endpoints);
  const library = new OAuth2Client({ clientId: client.clientId, clientSecret: client.clientSecret, endpoints: { oauth2AuthBaseUrl: urls.authorize, oauth2TokenUrl: urls.token } });

  async function grant(form: Record<string, string>, previousRefresh?: string): Promise<OAuthCredentials> {
    let res: Response;
    let body: unknown;
    try {
      res = await deps.fetch(urls.token, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ client_id: client.clientId, client_secret: client.clientSecret, ...form }).toString(),
      });
      body = (await res.json().catch(() => undefined)) as unknown;
    } catch (e) {
      // Redeeming twice fails (codes are single-use), so a lost answer is not safely repeatable, but
      // the user simply signs in again: report it as transient, not ambiguous.
      throw mapGoogleTransportError(e, { idempotent: true });
    }
    if (!res.ok) throw mapGoogleError({ status: res.status, ...googleErrorFields(body), retryAfter: res.headers.get('retry-after'), now: deps.clock.now() });
    const parsed = tokenAnswer.safeParse(body);
    if (!parsed.success) throw new ProviderError('permanent', 'Google token answer without an access token', { code: 'bad_token_answer' });
    const t = parsed.data;
    const refreshToken = t.refresh_token ?? previousRefresh;
    if (!refreshToken) throw new ProviderError('permanent', 'Google issued no refresh token (offline access missing)', { code: 'no_refresh_token' });
    return {
      kind: 'oauth',
      accessToken: t.access_token,
      refreshToken,
      accessTokenExpiresAt: new Date(deps.clock.now().getTime() + t.expires_in * 1000).toISOString(),
      ...(t.scope ? { scope: t.scope } : {}),
    };
  }

  return {
    authorizeUrl(start: OAuthStart): string {
      return library.generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        scope: [...googleOidcScopes, ...googleApiScopes],
        state: start.state,
        redirect_uri: start.redirectUri,
        code_challenge: start.codeChallenge,
        code_challenge_method: CodeChallengeMethod.S256,
        ...(start.loginHint ? { login_hint: start.loginHint } : {}),
      });
    },

    async exchangeCode({ code, codeVerifier, redirectUri }) {
      const credentials = await grant({ grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: redirectUri });
      // Granular consent lets the user untick scopes (OAuth guide); without them sync cannot work.
      if (credentials.scope !== undefined) {
        const granted = new Set(credentials.scope.split(/\s+/));
        const missing = googleApiScopes.filter((s) => !granted.has(s));
        if (missing.length > 0) throw new ProviderError('permission', `Google access not granted for: ${missing.join(' ')}`, { code: 'scopes_not_granted' });
      }
      return credentials;
    },

    refresh(credentials: OAuthCredentials) {
      return grant({ grant_type: 'refresh_token', refresh_token: credentials.refreshToken }, credentials.refreshToken);
    },

    parseRedirect(query: URLSearchParams) {
      const error = query.get('error');
      if (error) throw mapGoogleError({ status: 400, oauthError: error, now: deps.clock.now() });
      const code = query.get('code');
      if (!code) throw new ProviderError('invalid_input', 'Google redirect without a code', { code: 'no_code' });
      return { code, state: query.get('state') };
    },
  };
}
