/**
 * Connected mailboxes. One Tandem user per mailbox: a unique index on (provider, lower(address)) among
 * connected rows refuses a second user. Sync workers sweep accounts through the *ForSystem methods,
 * whose rows carry their companyId.
 */
import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { ProviderKind } from '../../providers/provider';
import type { Orm } from '../db';
import { connectedAccounts, type AccountStatus, type ExpiryWarning } from '../schema';
import { clampLimit, guard, notFound, scoped, StoreError, type Scope } from './common';

export type ConnectedAccount = typeof connectedAccounts.$inferSelect;
export type NewAccount = Omit<typeof connectedAccounts.$inferInsert, 'id' | 'companyId' | 'createdAt' | 'updatedAt' | 'expiresAt'> & { now: Date };
/** An account due for a run, as the scheduler sees it. */
export type DueAccount = Pick<ConnectedAccount, 'id' | 'companyId' | 'status'>;
export type AccountPatch = Partial<Omit<ConnectedAccount, 'id' | 'companyId' | 'userId' | 'provider' | 'createdAt'>>;

/** A connection lives 90 days and is renewed whenever its user signs in to Tandem. */
export const connectionLifetimeMs = 90 * 24 * 3600 * 1000;

const connected = isNull(connectedAccounts.disconnectedAt);

export class AccountsRepo {
  constructor(private readonly orm: Orm) {}

  /** Refuses (StoreError 'conflict', constraint connected_accounts_mailbox_uq) a mailbox another user already connected. */
  async create(scope: Scope, input: NewAccount): Promise<ConnectedAccount> {
    const { now, ...fields } = input;
    return guard('connected account', async () => {
      const [row] = await this.orm
        .insert(connectedAccounts)
        .values({
          ...fields,
          mailboxAddress: fields.mailboxAddress.trim(),
          companyId: scope.companyId,
          connectedAt: now,
          renewedAt: now,
          expiresAt: new Date(now.getTime() + connectionLifetimeMs),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (!row) throw new Error('insert returned no row');
      return row;
    });
  }

  async get(scope: Scope, id: string): Promise<ConnectedAccount | undefined> {
    const [row] = await this.orm.select().from(connectedAccounts).where(scoped(connectedAccounts.companyId, scope, connectedAccounts.id, id));
    return row;
  }

  async listForUser(scope: Scope, userId: string): Promise<ConnectedAccount[]> {
    return this.orm
      .select()
      .from(connectedAccounts)
      .where(and(scoped(connectedAccounts.companyId, scope), eq(connectedAccounts.userId, userId), connected))
      .orderBy(asc(connectedAccounts.connectedAt));
  }

  async list(scope: Scope): Promise<ConnectedAccount[]> {
    return this.orm.select().from(connectedAccounts).where(and(scoped(connectedAccounts.companyId, scope), connected)).orderBy(asc(connectedAccounts.connectedAt));
  }

  /**
   * System: who holds this mailbox now (any company), so the connect flow can say "already connected
   * by another user" before creating anything.
   */
  async findConnectedMailboxForSystem(provider: ProviderKind, address: string): Promise<Pick<ConnectedAccount, 'id' | 'companyId' | 'userId'> | undefined> {
    const [row] = await this.orm
      .select({ id: connectedAccounts.id, companyId: connectedAccounts.companyId, userId: connectedAccounts.userId })
      .from(connectedAccounts)
      .where(and(eq(connectedAccounts.provider, provider), eq(sql`lower(${connectedAccounts.mailboxAddress})`, address.trim().toLowerCase()), connected));
    return row;
  }

  async update(scope: Scope, id: string, patch: AccountPatch, now: Date): Promise<ConnectedAccount> {
    return guard('connected account', async () => {
      const [row] = await this.orm
        .update(connectedAccounts)
        .set({ ...patch, updatedAt: now })
        .where(scoped(connectedAccounts.companyId, scope, connectedAccounts.id, id))
        .returning();
      if (!row) throw notFound('connected account', id);
      return row;
    });
  }

  async setStatus(scope: Scope, id: string, status: AccountStatus, reason: string | null, now: Date): Promise<ConnectedAccount> {
    return this.update(scope, id, { status, statusReason: reason }, now);
  }

  /** Stores a fresh credentials envelope (providers rotate refresh tokens). */
  async setCredentials(scope: Scope, id: string, credentialsSecret: string, now: Date): Promise<void> {
    await this.update(scope, id, { credentialsSecret }, now);
  }

  /** Stops sync and frees the mailbox; history (activities, runs) stays. */
  async disconnect(scope: Scope, id: string, now: Date): Promise<void> {
    await this.update(scope, id, { disconnectedAt: now, status: 'disabled', statusReason: 'disconnected', credentialsSecret: null, nextRunAt: null }, now);
  }

  /** Each sign-in to Tandem renews the user's connections for another 90 days and resets warnings. */
  async renewForUser(scope: Scope, userId: string, now: Date): Promise<number> {
    const rows = await this.orm
      .update(connectedAccounts)
      .set({ renewedAt: now, expiresAt: new Date(now.getTime() + connectionLifetimeMs), expiryWarned: 'none', updatedAt: now })
      .where(and(scoped(connectedAccounts.companyId, scope), eq(connectedAccounts.userId, userId), connected, ne(connectedAccounts.status, 'needs_reconnect')))
      .returning({ id: connectedAccounts.id });
    return rows.length;
  }

  /**
   * System: accounts whose next run is due, soonest first; 'needs_reconnect' and 'disabled' never
   * run. Only what the scheduler needs to ask for runs: the run itself reads the whole row.
   */
  async listDueForSync(now: Date, limit?: number): Promise<DueAccount[]> {
    return this.orm
      .select({ id: connectedAccounts.id, companyId: connectedAccounts.companyId, status: connectedAccounts.status })
      .from(connectedAccounts)
      .where(
        and(
          connected,
          sql`${connectedAccounts.status} not in ('needs_reconnect', 'disabled')`,
          or(isNull(connectedAccounts.nextRunAt), lte(connectedAccounts.nextRunAt, now)),
        ),
      )
      .orderBy(sql`${connectedAccounts.nextRunAt} asc nulls first`)
      .limit(clampLimit(limit, 100, 1000));
  }

  /** System: connected accounts expiring before `before` that still lack warning `level`. */
  async listNeedingExpiryWarning(before: Date, level: Exclude<ExpiryWarning, 'none'>): Promise<ConnectedAccount[]> {
    const lacking = level === '14d' ? sql`${connectedAccounts.expiryWarned} = 'none'` : sql`${connectedAccounts.expiryWarned} <> '3d'`;
    return this.orm
      .select()
      .from(connectedAccounts)
      .where(and(connected, lte(connectedAccounts.expiresAt, before), lacking));
  }

  /** System: accounts whose run stage started before `before` (their worker died mid-run). */
  async listStuckForSystem(before: Date): Promise<ConnectedAccount[]> {
    return this.orm
      .select()
      .from(connectedAccounts)
      .where(and(connected, eq(connectedAccounts.status, 'syncing'), lte(connectedAccounts.stageStartedAt, before)));
  }

  /** System: connected accounts whose 90-day connection has run out and that are not stopped yet. */
  async listExpiredForSystem(now: Date): Promise<ConnectedAccount[]> {
    return this.orm
      .select()
      .from(connectedAccounts)
      .where(and(connected, lte(connectedAccounts.expiresAt, now), sql`${connectedAccounts.status} not in ('needs_reconnect', 'disabled')`));
  }

  /** System: the scheduler asked for runs of these accounts; move their next run so it does not ask twice. */
  async pushNextRunForSystem(ids: readonly string[], nextRunAt: Date, now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.orm
      .update(connectedAccounts)
      .set({ nextRunAt, updatedAt: now })
      .where(inArray(connectedAccounts.id, [...ids]));
  }

  /** System: connected accounts per status, for the accounts-by-status metric. */
  async countByStatusForSystem(): Promise<{ status: AccountStatus; count: number }[]> {
    return this.orm
      .select({ status: connectedAccounts.status, count: sql<number>`count(*)::int` })
      .from(connectedAccounts)
      .where(connected)
      .groupBy(connectedAccounts.status);
  }

  /** The sync engine's progress marker; stage null when idle. */
  async setStage(scope: Scope, id: string, stage: string | null, now: Date): Promise<void> {
    await this.update(scope, id, { stage, stageStartedAt: stage ? now : null }, now);
  }

  async scheduleNext(scope: Scope, id: string, nextRunAt: Date, now: Date): Promise<void> {
    await this.update(scope, id, { nextRunAt }, now);
  }

  async assertOwnedBy(scope: Scope, id: string, userId: string): Promise<ConnectedAccount> {
    const row = await this.get(scope, id);
    if (!row || row.userId !== userId) throw new StoreError('not_found', `connected account ${id} not found`);
    return row;
  }
}
