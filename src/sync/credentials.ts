/**
 * Credentials for a run: opened from the vault, refreshed ahead of expiry (providers rotate refresh
 * tokens, so what comes back is stored at once), never logged. A refresh answered with a dead grant
 * surfaces as ProviderError('auth_revoked') for the retry policy.
 */
import { z } from 'zod';
import type { Clock } from '../domain/clock';
import { shouldRefreshAccessToken } from '../domain/token-lifecycle';
import { ProviderError } from '../providers/errors';
import type { Credentials, OAuthAbility, OAuthCredentials } from '../providers/provider';
import type { Db } from '../store/db';
import type { ConnectedAccount } from '../store/repos/accounts';
import { VaultError, type Vault } from '../store/vault';

const credentialsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('oauth'),
    accessToken: z.string(),
    refreshToken: z.string(),
    accessTokenExpiresAt: z.string(),
    scope: z.string().optional(),
    tenantId: z.string().optional(),
  }),
  z.object({ kind: z.literal('password'), username: z.string(), password: z.string() }),
]);

/** The vault context binds a sealed secret to its account, so a row's secret cannot be swapped onto another. */
export const credentialsContext = (accountId: string): string => `account:${accountId}:credentials`;

export function sealCredentials(vault: Vault, accountId: string, credentials: Credentials): string {
  return vault.seal(credentials, credentialsContext(accountId));
}

export function openCredentials(vault: Vault, account: Pick<ConnectedAccount, 'id' | 'credentialsSecret'>): Credentials {
  if (!account.credentialsSecret) throw new ProviderError('auth_revoked', 'No stored credentials; reconnect the mailbox.', { code: 'no_credentials' });
  try {
    return credentialsSchema.parse(vault.open(account.credentialsSecret, credentialsContext(account.id)));
  } catch (e) {
    // Unreadable secrets (the key was changed or lost) cannot heal by retrying: the user reconnects.
    if (e instanceof VaultError || e instanceof z.ZodError) {
      throw new ProviderError('auth_revoked', 'Stored credentials cannot be read (was TANDEM_SECRET_KEY changed?); reconnect the mailbox.', {
        code: 'credentials_unreadable',
        cause: e,
      });
    }
    throw e;
  }
}

export interface CredentialServiceDeps {
  db: Db;
  vault: Vault;
  clock: Clock;
  /** The OAuth ability of the account's provider, when it has one. */
  oauthFor(account: ConnectedAccount): OAuthAbility | undefined;
}

export class CredentialService {
  constructor(private readonly deps: CredentialServiceDeps) {}

  /** Current credentials, refreshed first when the access token is about to expire (or `force`). */
  async forRun(account: ConnectedAccount, options: { force?: boolean } = {}): Promise<Credentials> {
    const creds = openCredentials(this.deps.vault, account);
    if (creds.kind !== 'oauth') return creds;
    if (!options.force && !shouldRefreshAccessToken(creds.accessTokenExpiresAt, this.deps.clock.now())) return creds;
    return this.refresh(account, creds);
  }

  private async refresh(account: ConnectedAccount, creds: OAuthCredentials): Promise<OAuthCredentials> {
    const oauth = this.deps.oauthFor(account);
    if (!oauth) throw new ProviderError('permanent', `Provider ${account.provider} cannot refresh tokens`, { code: 'no_oauth' });
    const fresh = await oauth.refresh(creds);
    const now = this.deps.clock.now();
    const sealed = sealCredentials(this.deps.vault, account.id, fresh);
    await this.deps.db.repos.accounts.setCredentials({ companyId: account.companyId }, account.id, sealed, now);
    account.credentialsSecret = sealed;
    return fresh;
  }
}
