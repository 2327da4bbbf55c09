/** Sync engine bookkeeping: cursors, run history, per-mailbox throttle state (push subscriptions: push-subscriptions.ts). */
import { and, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { ProviderKind } from '../../providers/provider';
import type { Orm } from '../db';
import { syncCursors, syncRuns, throttleState, type SyncFeature } from '../schema';
import { clampLimit, scoped, type Scope } from './common';

export type SyncRun = typeof syncRuns.$inferSelect;
export type ThrottleState = typeof throttleState.$inferSelect;

/** The throttle unit is the mailbox (providers throttle per mailbox / user), whichever account holds it. */
export const mailboxKey = (provider: ProviderKind, address: string): string => `${provider}:${address.trim().toLowerCase()}`;

export class SyncStateRepo {
  constructor(private readonly orm: Orm) {}

  // ---- cursors: the engine stores one only after the data it covers is committed

  async getCursor(scope: Scope, accountId: string, feature: SyncFeature): Promise<string | null> {
    const [row] = await this.orm
      .select({ cursor: syncCursors.cursor })
      .from(syncCursors)
      .where(and(scoped(syncCursors.companyId, scope, syncCursors.accountId, accountId), eq(syncCursors.feature, feature)));
    return row?.cursor ?? null;
  }

  /** null clears it: the next run does a full resync of the window. */
  async setCursor(scope: Scope, accountId: string, feature: SyncFeature, cursor: string | null, now: Date): Promise<void> {
    await this.orm
      .insert(syncCursors)
      .values({ companyId: scope.companyId, accountId, feature, cursor, updatedAt: now })
      .onConflictDoUpdate({ target: [syncCursors.accountId, syncCursors.feature], set: { cursor, updatedAt: now }, setWhere: eq(syncCursors.companyId, scope.companyId) });
  }

  // ---- runs

  async startRun(scope: Scope, accountId: string, feature: string, now: Date): Promise<SyncRun> {
    const [row] = await this.orm.insert(syncRuns).values({ companyId: scope.companyId, accountId, feature, startedAt: now }).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async finishRun(
    scope: Scope,
    runId: string,
    result: { now: Date; items: number; errors: number; errorKind?: string | null; message?: string | null },
  ): Promise<void> {
    await this.orm
      .update(syncRuns)
      .set({ finishedAt: result.now, items: result.items, errors: result.errors, errorKind: result.errorKind ?? null, message: result.message ?? null })
      .where(scoped(syncRuns.companyId, scope, syncRuns.id, runId));
  }

  async listRuns(scope: Scope, accountId: string, limit?: number): Promise<SyncRun[]> {
    return this.orm
      .select()
      .from(syncRuns)
      .where(scoped(syncRuns.companyId, scope, syncRuns.accountId, accountId))
      .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
      .limit(clampLimit(limit, 20));
  }

  /** Keeps the newest `keep` runs of the account. */
  async pruneRuns(scope: Scope, accountId: string, keep: number): Promise<number> {
    const newest = this.orm
      .select({ id: syncRuns.id })
      .from(syncRuns)
      .where(scoped(syncRuns.companyId, scope, syncRuns.accountId, accountId))
      .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
      .limit(Math.max(0, keep));
    const gone = await this.orm
      .delete(syncRuns)
      .where(and(scoped(syncRuns.companyId, scope, syncRuns.accountId, accountId), notInArray(syncRuns.id, newest)))
      .returning({ id: syncRuns.id });
    return gone.length;
  }

  // ---- throttle state (system: shared by every worker, keyed by mailbox)

  async getThrottleForSystem(key: string): Promise<ThrottleState | undefined> {
    const [row] = await this.orm.select().from(throttleState).where(eq(throttleState.mailboxKey, key));
    return row;
  }

  /** Records a throttle answer; a later retry-after never shortens an earlier one. */
  async recordThrottleForSystem(key: string, retryAfterUntil: Date, now: Date): Promise<ThrottleState> {
    const [row] = await this.orm
      .insert(throttleState)
      .values({ mailboxKey: key, retryAfterUntil, failureCount: 1, updatedAt: now })
      .onConflictDoUpdate({
        target: throttleState.mailboxKey,
        set: {
          retryAfterUntil: sql`greatest(${throttleState.retryAfterUntil}, excluded.retry_after_until)`,
          failureCount: sql`${throttleState.failureCount} + 1`,
          updatedAt: now,
        },
      })
      .returning();
    if (!row) throw new Error('upsert returned no row');
    return row;
  }

  async clearThrottleForSystem(key: string, now: Date): Promise<void> {
    await this.orm.update(throttleState).set({ retryAfterUntil: null, failureCount: 0, updatedAt: now }).where(eq(throttleState.mailboxKey, key));
  }
}
