/**
 * Google OAuth 2.0 grants, codes and tokens on the injected clock. Rules follow
 * developers.google.com/identity/protocols/oauth2: a refresh token only with access_type=offline,
 * and only on first consent unless prompt=consent; refreshing does not rotate it; it dies when
 * revoked, when the password changes (grants with Gmail scopes), when too many exist for one
 * client and account (the oldest beyond 100 is dropped), or at the configured lifetime (Google's
 * "Testing" apps: 7 days; Tandem plans around 90 days, the default here).
 */
import { createHash } from 'node:crypto';
import type { GoogleMailbox, IdSource, SimWorld } from './state';

export const defaultRefreshTokenLifetimeMs = 90 * 24 * 3600_000;
const accessTokenLifetimeSeconds = 3599;
const codeLifetimeMs = 10 * 60_000;
const maxRefreshTokensPerClient = 100;

export interface AuthCode {
  code: string;
  mailbox: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod: 'S256' | 'plain';
  offline: boolean;
  forceConsent: boolean;
  expiresAt: number;
  used: boolean;
}

export interface Grant {
  id: number;
  mailbox: string;
  clientId: string;
  scope: string;
  refreshToken?: string;
  issuedAt: number;
  revoked: boolean;
}

export interface AccessToken {
  token: string;
  grantId: number;
  mailbox: string;
  clientId: string;
  scope: string;
  expiresAt: number;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

/** OAuth `error` answer: the token endpoint renders it as `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

function tokenString(ids: IdSource, prefix: string, length: number): string {
  return prefix + ids.string(length, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
}

export class OAuthStore {
  refreshTokenLifetimeMs = defaultRefreshTokenLifetimeMs;
  private codes = new Map<string, AuthCode>();
  private grants: Grant[] = [];
  private byRefresh = new Map<string, Grant>();
  private byAccess = new Map<string, AccessToken>();
  private nextGrantId = 1;

  constructor(private readonly world: SimWorld) {}

  private now(): number {
    return this.world.clock.now().getTime();
  }

  issueCode(input: Omit<AuthCode, 'code' | 'expiresAt' | 'used'>): string {
    const code = tokenString(this.world.ids, '4/0A', 60);
    this.codes.set(code, { ...input, code, expiresAt: this.now() + codeLifetimeMs, used: false });
    return code;
  }

  exchangeCode(input: { code: string; clientId: string; redirectUri: string; codeVerifier?: string }): TokenResponse {
    const code = this.codes.get(input.code);
    if (!code || code.used || code.expiresAt <= this.now()) throw new OAuthError('invalid_grant', 'Bad Request');
    if (code.clientId !== input.clientId) throw new OAuthError('invalid_grant', 'Bad Request');
    if (code.redirectUri !== input.redirectUri) throw new OAuthError('redirect_uri_mismatch', 'Bad Request');
    if (code.codeChallenge !== undefined) {
      if (!input.codeVerifier) throw new OAuthError('invalid_grant', 'Missing code verifier.');
      const expected = code.codeChallengeMethod === 'S256' ? createHash('sha256').update(input.codeVerifier).digest('base64url') : input.codeVerifier;
      if (expected !== code.codeChallenge) throw new OAuthError('invalid_grant', 'Invalid code verifier.');
    }
    code.used = true;
    const mb = this.mailbox(code.mailbox);
    const hadLiveGrant = this.grants.some((g) => g.mailbox === code.mailbox && g.clientId === code.clientId && g.refreshToken && this.grantAlive(g, mb));
    const grant: Grant = { id: this.nextGrantId++, mailbox: code.mailbox, clientId: code.clientId, scope: code.scope, issuedAt: this.now(), revoked: false };
    if (code.offline && (code.forceConsent || !hadLiveGrant)) {
      grant.refreshToken = tokenString(this.world.ids, '1//0g', 90);
      this.byRefresh.set(grant.refreshToken, grant);
      this.enforceRefreshTokenLimit(code.mailbox, code.clientId);
    }
    this.grants.push(grant);
    const response = this.issueAccess(grant);
    if (grant.refreshToken) response.refresh_token = grant.refreshToken;
    if (code.scope.split(' ').includes('openid')) response.id_token = this.idToken(mb, code.clientId);
    return response;
  }

  private enforceRefreshTokenLimit(mailbox: string, clientId: string): void {
    const live = this.grants.filter((g) => g.mailbox === mailbox && g.clientId === clientId && g.refreshToken && !g.revoked);
    // The new grant is pushed after this call, so keep room for it.
    for (const old of live.slice(0, Math.max(0, live.length - (maxRefreshTokensPerClient - 1)))) old.revoked = true;
  }

  refresh(refreshToken: string, clientId: string): TokenResponse {
    const grant = this.byRefresh.get(refreshToken);
    if (!grant || grant.clientId !== clientId) throw new OAuthError('invalid_grant', 'Token has been expired or revoked.');
    if (!this.grantAlive(grant, this.mailbox(grant.mailbox))) throw new OAuthError('invalid_grant', 'Token has been expired or revoked.');
    return this.issueAccess(grant);
  }

  private grantAlive(grant: Grant, mb: GoogleMailbox | undefined): boolean {
    if (grant.revoked || !mb) return false;
    if (mb.passwordChangedAt !== undefined && mb.passwordChangedAt >= grant.issuedAt) return false;
    return this.now() - grant.issuedAt < this.refreshTokenLifetimeMs;
  }

  private issueAccess(grant: Grant): TokenResponse {
    const token = tokenString(this.world.ids, 'ya29.a0', 120);
    this.byAccess.set(token, {
      token,
      grantId: grant.id,
      mailbox: grant.mailbox,
      clientId: grant.clientId,
      scope: grant.scope,
      expiresAt: this.now() + accessTokenLifetimeSeconds * 1000,
    });
    return { access_token: token, expires_in: accessTokenLifetimeSeconds, token_type: 'Bearer', scope: grant.scope };
  }

  /** The live access token's record, or undefined (expired, unknown, or its grant revoked). */
  accessToken(token: string): AccessToken | undefined {
    const at = this.byAccess.get(token);
    if (!at || at.expiresAt <= this.now()) return undefined;
    const grant = this.grants.find((g) => g.id === at.grantId);
    if (!grant || grant.revoked) return undefined;
    return at;
  }

  /** /revoke: an access token revokes its grant (and so the refresh token) too. */
  revoke(token: string): boolean {
    const grant = this.byRefresh.get(token) ?? this.grants.find((g) => g.id === this.byAccess.get(token)?.grantId);
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }

  revokeMailbox(mailbox: string): void {
    for (const g of this.grants) if (g.mailbox === mailbox) g.revoked = true;
  }

  private mailbox(address: string): GoogleMailbox | undefined {
    return this.world.mailboxes.get(address);
  }

  /** An id_token-shaped JWT. Unsigned ("alg":"none"): adapters may decode it but must not trust it. */
  private idToken(mb: GoogleMailbox | undefined, clientId: string): string {
    const now = Math.floor(this.now() / 1000);
    const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = { iss: 'https://accounts.google.com', aud: clientId, azp: clientId, sub: mb?.sub, email: mb?.address, email_verified: true, name: mb?.displayName, iat: now, exp: now + 3600 };
    return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
  }
}
