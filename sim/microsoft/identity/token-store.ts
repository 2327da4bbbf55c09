/**
 * Identity state: registered apps, authorization codes, refresh and access tokens, consent grants.
 * Lifetimes run on the injected clock. Refresh tokens rotate (each refresh returns a new one) and the
 * old one stays valid (refresh-tokens docs), until its own inactivity window (default 90 days) ends.
 */
import type { Clock } from '../../../src/domain/clock';
import type { IdFactory } from '../ids';

export interface SimApp {
  clientId: string;
  clientSecret: string;
  displayName: string;
  /** Exact-match list; absent = any redirect URI is accepted. */
  redirectUris?: string[];
}

/** Registered in every simulator so tests and `tandem demo` need no set-up. */
export const simDefaultApp: SimApp = {
  clientId: '6a5b1c2d-3e4f-4a5b-8c7d-0e1f2a3b4c5d',
  clientSecret: 'sim-client-secret',
  displayName: 'Tandem (simulated registration)',
};

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  scope: string;
  nonce?: string;
  mailbox: string;
  expiresAt: number;
  used: boolean;
}

export interface RefreshRecord {
  mailbox: string;
  clientId: string;
  scope: string;
  issuedAt: number;
  revocationEpoch: number;
  passwordEpoch: number;
}

export interface AccessRecord {
  mailbox: string;
  clientId: string;
  scope: string;
  expiresAt: number;
}

/** Codes live about 10 minutes (auth-code flow docs). */
export const codeLifetimeMs = 10 * 60_000;
export const accessTokenSeconds = 3599;
export const defaultRefreshLifetimeMs = 90 * 24 * 3_600_000;

export class TokenStore {
  readonly apps = new Map<string, SimApp>([[simDefaultApp.clientId, simDefaultApp]]);
  readonly codes = new Map<string, AuthCode>();
  readonly refresh = new Map<string, RefreshRecord>();
  readonly access = new Map<string, AccessRecord>();
  /** `${mailbox}|${clientId}` the user consented to. */
  readonly grants = new Set<string>();
  readonly revocationEpoch = new Map<string, number>();
  readonly passwordEpoch = new Map<string, number>();
  refreshLifetimeMs = defaultRefreshLifetimeMs;

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdFactory,
  ) {}

  now(): number {
    return this.clock.now().getTime();
  }

  issueCode(input: Omit<AuthCode, 'expiresAt' | 'used'>): string {
    const code = this.ids.secret('1.AQ');
    this.codes.set(code, { ...input, expiresAt: this.now() + codeLifetimeMs, used: false });
    return code;
  }

  issueTokens(mailbox: string, clientId: string, scope: string): { accessToken: string; refreshToken: string } {
    const accessToken = this.ids.secret('EwBsim');
    this.access.set(accessToken, { mailbox, clientId, scope, expiresAt: this.now() + accessTokenSeconds * 1000 });
    const refreshToken = this.ids.secret('M.C5sim');
    this.refresh.set(refreshToken, {
      mailbox,
      clientId,
      scope,
      issuedAt: this.now(),
      revocationEpoch: this.revocationEpoch.get(mailbox) ?? 0,
      passwordEpoch: this.passwordEpoch.get(mailbox) ?? 0,
    });
    return { accessToken, refreshToken };
  }

  /** Valid access token → its record; expired or unknown → undefined. */
  accessFor(token: string): AccessRecord | undefined {
    const rec = this.access.get(token);
    return rec && rec.expiresAt > this.now() ? rec : undefined;
  }

  revoke(mailbox: string): void {
    this.revocationEpoch.set(mailbox, (this.revocationEpoch.get(mailbox) ?? 0) + 1);
  }

  changePassword(mailbox: string): void {
    this.passwordEpoch.set(mailbox, (this.passwordEpoch.get(mailbox) ?? 0) + 1);
  }
}
