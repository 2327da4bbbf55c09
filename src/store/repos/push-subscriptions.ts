/**
 * Push subscriptions (Graph subscriptions, Gmail watches, Calendar channels) and the leases of local
 * watchers (IMAP IDLE, EWS pull): at most one row per account and resource. Company-scoped for the
 * account's own work; the *ForSystem reads serve the sweeps and the unauthenticated webhooks, and
 * their rows carry their companyId.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { ProviderKind } from '../../providers/provider';
import type { Orm } from '../db';
import { connectedAccounts, pushSubscriptions } from '../schema';
import { scoped, type Scope } from './common';
import type { ConnectedAccount } from './accounts';

export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
export type NewPushSubscription = Omit<typeof pushSubscriptions.$inferInsert, 'id' | 'companyId' | 'createdAt'>;

export class PushSubscriptionsRepo {
  constructor(private readonly orm: Orm) {}

  /** Inserts or replaces the account's row for this resource (a resubscribe gets a new provider id). */
  async save(scope: Scope, input: NewPushSubscription): Promise<PushSubscriptionRow> {
    const { accountId, resource, ...rest } = input;
    const [row] = await this.orm
      .insert(pushSubscriptions)
      .values({ ...input, companyId: scope.companyId })
      .onConflictDoUpdate({ target: [pushSubscriptions.accountId, pushSubscriptions.resource], set: rest, setWhere: eq(pushSubscriptions.companyId, scope.companyId) })
      .returning();
    if (!row) throw new Error(`push subscription for ${accountId}/${resource} belongs to another company`);
    return row;
  }

  async list(scope: Scope, accountId: string): Promise<PushSubscriptionRow[]> {
    return this.orm.select().from(pushSubscriptions).where(scoped(pushSubscriptions.companyId, scope, pushSubscriptions.accountId, accountId));
  }

  async delete(scope: Scope, id: string): Promise<void> {
    await this.orm.delete(pushSubscriptions).where(scoped(pushSubscriptions.companyId, scope, pushSubscriptions.id, id));
  }

  /** System (webhooks arrive unauthenticated): the subscription a notification names; the caller checks its secret. */
  async findForSystem(providerSubscriptionId: string): Promise<PushSubscriptionRow | undefined> {
    const [row] = await this.orm.select().from(pushSubscriptions).where(eq(pushSubscriptions.providerSubscriptionId, providerSubscriptionId));
    return row;
  }

  /** System: every row (at most one per account and resource, so a small table), for the sweeps. */
  async listForSystem(): Promise<PushSubscriptionRow[]> {
    return this.orm.select().from(pushSubscriptions);
  }

  /**
   * System: connected accounts of these providers that may hold a push channel; 'needs_reconnect' and
   * 'disabled' hold none (their credentials are dead or gone).
   */
  async listCandidateAccountsForSystem(providers: readonly ProviderKind[]): Promise<ConnectedAccount[]> {
    if (providers.length === 0) return [];
    return this.orm
      .select()
      .from(connectedAccounts)
      .where(
        and(
          isNull(connectedAccounts.disconnectedAt),
          sql`${connectedAccounts.status} not in ('needs_reconnect', 'disabled')`,
          inArray(connectedAccounts.provider, [...providers]),
        ),
      );
  }
}
