/**
 * The first half of an OAuth connect: a single-use `state` bound to the user's session, a PKCE
 * verifier sealed in the vault (S256 challenge, RFC 7636), the chosen options carried across the
 * redirect, ten minutes to come back.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../domain/clock';
import type { OAuthAbility, ProviderKind } from '../../providers/provider';
import type { Db } from '../../store/db';
import type { OAuthState } from '../../store/repos/oauth-states';
import type { Vault } from '../../store/vault';
import type { ChosenOptions } from './connect-types';

export const oauthStateTtlMs = 10 * 60_000;

export const verifierContext = (state: string): string => `oauth-state:${state}:verifier`;

export interface OAuthStateData extends ChosenOptions {
  sessionId: string | null;
}

export interface StartInput {
  companyId: string;
  userId: string;
  sessionId?: string;
  provider: ProviderKind;
  options: ChosenOptions;
  redirectUri: string;
  loginHint?: string;
}

export interface StartDeps {
  db: Db;
  vault: Vault;
  clock: Clock;
  /** Random bytes, base64url-encoded (state and verifier: 32 bytes each, RFC 7636 §4.1). */
  randomToken(bytes: number): string;
}

export async function startOAuth(deps: StartDeps, oauth: OAuthAbility, input: StartInput): Promise<string> {
  const now = deps.clock.now();
  // Abandoned sign-ins leave rows behind; each new start sweeps the expired ones.
  await deps.db.repos.oauthStates.pruneExpiredForSystem(now);
  const state = deps.randomToken(32);
  const verifier = deps.randomToken(32);
  const data: OAuthStateData = { ...input.options, sessionId: input.sessionId ?? null };
  await deps.db.repos.oauthStates.create(
    { companyId: input.companyId },
    {
      state,
      userId: input.userId,
      provider: input.provider,
      codeVerifierSecret: deps.vault.seal(verifier, verifierContext(state)),
      redirect: '/settings/sync',
      data: { ...data },
      createdAt: now,
      expiresAt: new Date(now.getTime() + oauthStateTtlMs),
    },
  );
  return oauth.authorizeUrl({
    state,
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    redirectUri: input.redirectUri,
    ...(input.loginHint ? { loginHint: input.loginHint } : {}),
  });
}

/** The stored options of a taken state row, read defensively (jsonb). */
export function stateData(row: OAuthState): OAuthStateData {
  const d = row.data;
  const flag = (k: string) => d[k] !== false;
  return {
    syncEmail: flag('syncEmail'),
    syncCalendar: flag('syncCalendar'),
    syncCaptureFolder: flag('syncCaptureFolder'),
    sessionId: typeof d['sessionId'] === 'string' ? d['sessionId'] : null,
  };
}

export function openVerifier(vault: Vault, row: OAuthState): string {
  const v = vault.open(row.codeVerifierSecret, verifierContext(row.state));
  if (typeof v !== 'string') throw new Error('stored PKCE verifier is not a string');
  return v;
}
