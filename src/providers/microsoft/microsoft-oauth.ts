/**
 * Microsoft 365 sign-in: authorization code + PKCE through msal-node's ConfidentialClientApplication.
 *
 * Refresh tokens: msal-node keeps them out of AuthenticationResult on purpose; its maintainers point
 * to the serialized token cache (`getTokenCache().serialize()`, a documented API) as the way to read
 * them (AzureAD/microsoft-authentication-library-for-js#4871). Tandem stores credentials itself (many
 * workers, one database), so every call uses a fresh application with an empty cache: run the grant,
 * then read the one refresh token from the serialized cache. Refresh uses
 * `acquireTokenByRefreshToken` with the stored token; Entra rotates refresh tokens on every use
 * (refresh-tokens docs), so the newest one from the cache is returned for storage.
 */
import { ConfidentialClientApplication, LogLevel, type AuthenticationResult } from '@azure/msal-node';
import { z } from 'zod';
import type { Clock } from '../../domain/clock';
import { ProviderError } from '../errors';
import type { FetchLike, OAuthAbility, OAuthClientConfig, OAuthCredentials, OAuthStart, ProviderEndpoints } from '../provider';
import { mapTokenError, parseAuthorizeRedirect, tokenErrorFields } from './map-token-error';
import { msalAuthority, msalNetworkModule, type WireRecord } from './msal-network';

/** Delegated Graph permissions Tandem asks for (MailboxSettings.Read: the shared-mailbox check). */
export const microsoftGraphScopes = ['User.Read', 'MailboxSettings.Read', 'Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'];
/** OpenID Connect scopes; offline_access is what makes Entra issue a refresh token. */
export const microsoftOidcScopes = ['openid', 'profile', 'email', 'offline_access'];

export const defaultAuthorityHost = 'https://login.microsoftonline.com';

export interface MicrosoftOAuthOptions {
  /** Authority tenant for sign-in: "organizations" (work accounts, default), "common", or a tenant id. */
  tenant?: string;
  /** Added to admin-consent links (optional in the tenant-wide admin consent form). */
  adminConsentRedirectUri?: string;
}

export interface MicrosoftOAuth extends OAuthAbility {
  adminConsentUrl(tenantId: string): string;
  /** The authorize redirect's query: the code, or the mapped error (consent_required carries the admin link). */
  parseRedirect(query: URLSearchParams): { code: string; state: string | null };
}

const cacheShape = z.object({
  AccessToken: z.record(z.string(), z.object({ secret: z.string(), expires_on: z.coerce.number(), cached_at: z.coerce.number() })).optional(),
  RefreshToken: z.record(z.string(), z.object({ secret: z.string() })).optional(),
});

function fromCache(serialized: string, accessToken: string): { refreshToken?: string; expiresInSeconds?: number } {
  const cache = cacheShape.safeParse(JSON.parse(serialized) as unknown);
  if (!cache.success) return {};
  const at = Object.values(cache.data.AccessToken ?? {}).find((t) => t.secret === accessToken);
  const rt = Object.values(cache.data.RefreshToken ?? {})[0];
  return {
    ...(rt ? { refreshToken: rt.secret } : {}),
    // MSAL stamps both with its own clock; their difference is about the server's expires_in.
    ...(at ? { expiresInSeconds: at.expires_on - at.cached_at } : {}),
  };
}

export function createMicrosoftOAuth(
  client: OAuthClientConfig,
  endpoints: ProviderEndpoints,
  deps: { fetch: FetchLike; clock: Clock },
  options: MicrosoftOAuthOptions = {},
): MicrosoftOAuth {
  const host = (endpoints.microsoftAuthorityHost ?? defaultAuthorityHost).replace(/\/+$/, '');
  const signInTenant = options.tenant ?? 'organizations';

  const adminConsentUrl = (tenantId: string, redirectUri = options.adminConsentRedirectUri): string => {
    const url = new URL(`${host}/${encodeURIComponent(tenantId)}/adminconsent`);
    url.searchParams.set('client_id', client.clientId);
    if (redirectUri) url.searchParams.set('redirect_uri', redirectUri);
    return url.toString();
  };

  async function grant(tenant: string, consentUrl: string, run: (app: ConfidentialClientApplication) => Promise<AuthenticationResult | null>, previousRefresh?: string): Promise<OAuthCredentials> {
    const authority = msalAuthority(host, tenant);
    const wire: WireRecord = {};
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        authority: authority.authority,
        knownAuthorities: authority.knownAuthorities,
        authorityMetadata: authority.authorityMetadata,
        cloudDiscoveryMetadata: authority.cloudDiscoveryMetadata,
      },
      system: {
        networkClient: msalNetworkModule(deps.fetch, authority.toWire, wire),
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
      },
    });
    let result: AuthenticationResult | null;
    try {
      result = await run(app);
    } catch (e) {
      if (wire.transportError !== undefined) {
        throw new ProviderError('transient', 'Microsoft sign-in endpoint unreachable', { code: 'network_error', cause: wire.transportError });
      }
      const answer = wire.answer;
      if (answer && answer.status >= 400) {
        throw mapTokenError({ status: answer.status, ...tokenErrorFields(answer.body), retryAfter: answer.retryAfter, now: deps.clock.now() }, consentUrl);
      }
      throw new ProviderError('permanent', 'Microsoft sign-in failed', { code: 'msal_error', cause: e });
    }
    if (!result?.accessToken) throw new ProviderError('permanent', 'Microsoft sign-in returned no access token', { code: 'no_access_token' });
    const cached = fromCache(app.getTokenCache().serialize(), result.accessToken);
    const refreshToken = cached.refreshToken ?? previousRefresh;
    // Without offline_access consented, Entra issues no refresh token: background sync is impossible.
    if (!refreshToken) throw new ProviderError('permanent', 'Microsoft issued no refresh token (offline_access missing)', { code: 'no_refresh_token' });
    // expires_in as the token endpoint sent it; MSAL's cache stamps can straddle a second.
    const wireExpiry = (wire.answer?.body as { expires_in?: unknown } | undefined)?.expires_in;
    const seconds = Number(wireExpiry);
    const expiresIn = wireExpiry !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds : (cached.expiresInSeconds ?? 3600);
    return {
      kind: 'oauth',
      accessToken: result.accessToken,
      refreshToken,
      accessTokenExpiresAt: new Date(deps.clock.now().getTime() + expiresIn * 1000).toISOString(),
      scope: result.scopes.join(' '),
      ...(result.tenantId ? { tenantId: result.tenantId } : {}),
    };
  }

  return {
    authorizeUrl(start: OAuthStart): string {
      // Built by hand: the documented parameters (v2-oauth2-auth-code-flow), and synchronous.
      const url = new URL(`${host}/${signInTenant}/oauth2/v2.0/authorize`);
      const params: Record<string, string> = {
        client_id: client.clientId,
        response_type: 'code',
        redirect_uri: start.redirectUri,
        response_mode: 'query',
        scope: [...microsoftOidcScopes, ...microsoftGraphScopes].join(' '),
        state: start.state,
        code_challenge: start.codeChallenge,
        code_challenge_method: 'S256',
        ...(start.loginHint ? { login_hint: start.loginHint } : {}),
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    },

    exchangeCode({ code, codeVerifier, redirectUri }) {
      // The tenant is unknown until the code is redeemed; "organizations" is the documented stand-in.
      return grant(signInTenant, adminConsentUrl('organizations', options.adminConsentRedirectUri ?? redirectUri), (app) =>
        app.acquireTokenByCode({ code, codeVerifier, redirectUri, scopes: [...microsoftGraphScopes, 'email'] }),
      );
    },

    refresh(credentials: OAuthCredentials) {
      const tenant = credentials.tenantId ?? signInTenant;
      return grant(
        tenant,
        adminConsentUrl(credentials.tenantId ?? 'organizations'),
        (app) => app.acquireTokenByRefreshToken({ refreshToken: credentials.refreshToken, scopes: [...microsoftGraphScopes, 'email'], forceCache: true }),
        credentials.refreshToken,
      );
    },

    adminConsentUrl: (tenantId) => adminConsentUrl(tenantId),

    parseRedirect(query) {
      return parseAuthorizeRedirect(query, deps.clock.now(), adminConsentUrl('organizations'));
    },
  };
}
