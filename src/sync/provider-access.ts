/**
 * Builds a Provider for an account: its credentials, endpoints, a logger bound to the account, and a
 * fetch that goes through the per-mailbox concurrency limiter and counts outcomes in metrics.
 */
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock';
import type { Credentials, FetchLike, OAuthAbility, Provider, ProviderEndpoints, ProviderFactory, ProviderKind } from '../providers/provider';
import type { ConnectedAccount } from '../store/repos/accounts';
import { mailboxKey } from '../store/repos/sync-state';
import type { MailboxLimiter } from './mailbox-limiter';

export interface ProviderAccessDeps {
  factories: Partial<Record<ProviderKind, ProviderFactory>>;
  /** Base URLs from configuration, merged under the account's own (EWS URL, IMAP host…). */
  endpoints: ProviderEndpoints;
  oauthClients: Partial<Record<ProviderKind, { clientId: string; clientSecret: string }>>;
  fetch: FetchLike;
  clock: Clock;
  logger: Logger;
  limiter: MailboxLimiter;
  signal?: AbortSignal;
}

export class ProviderAccess {
  constructor(private readonly deps: ProviderAccessDeps) {}

  factory(kind: ProviderKind): ProviderFactory {
    const f = this.deps.factories[kind];
    if (!f) throw new Error(`No provider adapter registered for ${kind}`);
    return f;
  }

  endpointsFor(account: Pick<ConnectedAccount, 'endpoints'>): ProviderEndpoints {
    return { ...this.deps.endpoints, ...account.endpoints };
  }

  /** True when configuration holds a client id for the provider's OAuth app (the connect flow explains the set-up otherwise). */
  hasOAuthClient(kind: ProviderKind): boolean {
    return Boolean(this.deps.oauthClients[kind]?.clientId);
  }

  /** The configured fetch, for calls made before an account exists (Exchange Autodiscover at connect). */
  discoveryFetch(): FetchLike {
    return this.deps.fetch;
  }

  oauthFor(account: Pick<ConnectedAccount, 'provider' | 'endpoints'>): OAuthAbility | undefined {
    const factory = this.factory(account.provider);
    const client = this.deps.oauthClients[account.provider];
    if (!factory.oauth || !client) return undefined;
    return factory.oauth(client, this.endpointsFor(account), { fetch: this.deps.fetch, clock: this.deps.clock });
  }

  create(account: Pick<ConnectedAccount, 'id' | 'provider' | 'mailboxAddress' | 'endpoints'>, credentials: Credentials, jobId?: string): Provider {
    const key = mailboxKey(account.provider, account.mailboxAddress);
    const limiter = this.deps.limiter;
    const baseFetch = this.deps.fetch;
    const limitedFetch: FetchLike = (input, init) => limiter.run(key, () => baseFetch(input, init));
    return this.factory(account.provider).create({
      mailbox: account.mailboxAddress,
      credentials,
      endpoints: this.endpointsFor(account),
      clock: this.deps.clock,
      logger: this.deps.logger.child({ accountId: account.id, provider: account.provider, ...(jobId ? { jobId } : {}) }),
      fetch: limitedFetch,
      ...(this.deps.signal ? { signal: this.deps.signal } : {}),
    });
  }
}
