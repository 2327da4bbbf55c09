/**
 * The sync engine's per-run bookkeeping, written so a run costs two commits: one statement when it
 * begins (account status + run-history row) and one when it ends (run finished, account status,
 * mailbox throttle state, history pruned to the newest N). Data-modifying CTEs keep each one a single
 * round trip on both drivers. Reads stay in AccountsRepo / SyncStateRepo.
 */
import { and, desc, notInArray, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { connectedAccounts, syncRuns, throttleState } from '../schema';
import type { AccountPatch } from './accounts';
import { notFound, scoped, type Scope } from './common';
import type { SyncRun } from './sync-state';

export interface RunEnd {
  now: Date;
  /** The account's status fields after the run. */
  account: AccountPatch;
  result: { items: number; errors: number; errorKind?: string | null; message?: string | null };
  /** Runs kept per account for the health page (at least 1: the one just finished). */
  keepRuns: number;
  /**
   * The mailbox's throttle state to store: after a wait / backoff (until = the retry time), or
   * cleared (until null, failures 0) after a success that followed failures. Absent: untouched.
   */
  throttle?: { mailboxKey: string; until: Date | null; failures: number };
}

export class RunLedgerRepo {
  constructor(private readonly orm: Orm) {}

  /** The account's status patch ("syncing", stage, stage started-at) and its run-history row, in one statement. */
  async beginRun(scope: Scope, accountId: string, input: { feature: string; account: AccountPatch; now: Date }): Promise<SyncRun> {
    const account = this.orm.$with('account').as(
      this.orm
        .update(connectedAccounts)
        .set({ ...input.account, updatedAt: input.now })
        .where(scoped(connectedAccounts.companyId, scope, connectedAccounts.id, accountId))
        .returning({ id: connectedAccounts.id, companyId: connectedAccounts.companyId }),
    );
    const [row] = await this.orm
      .with(account)
      .insert(syncRuns)
      .select(
        this.orm
          .select({
            // insert … select wants every column, in the table's order.
            id: sql<string>`gen_random_uuid()`.as('id'),
            companyId: account.companyId,
            accountId: account.id,
            feature: sql<string>`${input.feature}::text`.as('feature'),
            startedAt: sql<Date>`${input.now.toISOString()}::timestamptz`.as('started_at'),
            finishedAt: sql<Date | null>`null::timestamptz`.as('finished_at'),
            items: sql<number>`0`.as('items'),
            errors: sql<number>`0`.as('errors'),
            errorKind: sql<string | null>`null::text`.as('error_kind'),
            message: sql<string | null>`null::text`.as('message'),
          })
          .from(account),
      )
      .returning();
    if (!row) throw notFound('connected account', accountId);
    return row;
  }

  /** Everything a run's end writes, in one statement. */
  async endRun(scope: Scope, run: Pick<SyncRun, 'id' | 'accountId'>, input: RunEnd): Promise<void> {
    const { now, result, throttle } = input;
    const finished = this.orm.$with('finished').as(
      this.orm
        .update(syncRuns)
        .set({ finishedAt: now, items: result.items, errors: result.errors, errorKind: result.errorKind ?? null, message: result.message ?? null })
        .where(scoped(syncRuns.companyId, scope, syncRuns.id, run.id))
        .returning({ id: syncRuns.id }),
    );
    const ofAccount = scoped(syncRuns.companyId, scope, syncRuns.accountId, run.accountId);
    const newest = this.orm
      .select({ id: syncRuns.id })
      .from(syncRuns)
      .where(ofAccount)
      .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
      .limit(Math.max(1, input.keepRuns));
    const pruned = this.orm.$with('pruned').as(
      this.orm
        .delete(syncRuns)
        .where(and(ofAccount, notInArray(syncRuns.id, newest)))
        .returning({ id: syncRuns.id }),
    );
    const saveAccount = (q: Pick<Orm, 'update'>) =>
      q
        .update(connectedAccounts)
        .set({ ...input.account, updatedAt: now })
        .where(scoped(connectedAccounts.companyId, scope, connectedAccounts.id, run.accountId))
        .returning({ id: connectedAccounts.id });
    if (!throttle) {
      const rows = await saveAccount(this.orm.with(finished, pruned));
      if (rows.length === 0) throw notFound('connected account', run.accountId);
      return;
    }
    const throttled = this.orm.$with('throttled').as(
      this.orm
        .insert(throttleState)
        .values({ mailboxKey: throttle.mailboxKey, retryAfterUntil: throttle.until, failureCount: throttle.failures, updatedAt: now })
        .onConflictDoUpdate({
          target: throttleState.mailboxKey,
          set: {
            // A later Retry-After never shortens an earlier one still pending (another worker's answer).
            retryAfterUntil: throttle.until ? sql`greatest(${throttleState.retryAfterUntil}, excluded.retry_after_until)` : null,
            failureCount: throttle.failures,
            updatedAt: now,
          },
        })
        .returning({ mailboxKey: throttleState.mailboxKey }),
    );
    const rows = await saveAccount(this.orm.with(finished, pruned, throttled));
    if (rows.length === 0) throw notFound('connected account', run.accountId);
  }
}
