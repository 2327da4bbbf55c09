/**
 * The capture ledger: which provider messages became which activity, and whether they were moved to
 * Processed yet. A crash between "stored" and "moved" leaves a row without processed_at, so the next
 * run moves the message instead of storing it again.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { capturedMessages } from '../schema';
import { clampLimit, guard, scoped, type Scope } from './common';
import { anyText, rowsSelect } from './json-rows';

export type CapturedMessage = typeof capturedMessages.$inferSelect;

export class CapturedMessagesRepo {
  constructor(private readonly orm: Orm) {}

  async find(scope: Scope, accountId: string, providerMessageId: string): Promise<CapturedMessage | undefined> {
    const [row] = await this.orm
      .select()
      .from(capturedMessages)
      .where(and(scoped(capturedMessages.companyId, scope, capturedMessages.accountId, accountId), eq(capturedMessages.providerMessageId, providerMessageId)));
    return row;
  }

  async findMany(scope: Scope, accountId: string, providerMessageIds: string[]): Promise<CapturedMessage[]> {
    if (providerMessageIds.length === 0) return [];
    return ledgerLookup(this.orm, scope, accountId, providerMessageIds);
  }

  /** Idempotent: recording the same (account, provider message) twice returns the first row. */
  async record(
    scope: Scope,
    input: { accountId: string; providerMessageId: string; rfcMessageId?: string | null; activityId?: string | null; now: Date },
  ): Promise<CapturedMessage> {
    return guard('captured message', async () => {
      const [row] = await this.orm
        .insert(capturedMessages)
        .values({
          companyId: scope.companyId,
          accountId: input.accountId,
          providerMessageId: input.providerMessageId,
          rfcMessageId: input.rfcMessageId ?? null,
          activityId: input.activityId ?? null,
          capturedAt: input.now,
        })
        .onConflictDoNothing({ target: [capturedMessages.accountId, capturedMessages.providerMessageId] })
        .returning();
      const existing = row ?? (await this.find(scope, input.accountId, input.providerMessageId));
      if (!existing) throw new Error('captured message vanished');
      return existing;
    });
  }

  /** record() for many messages in one statement (one jsonb parameter); a message already in the ledger keeps its first row. */
  async recordMany(
    scope: Scope,
    inputs: readonly { accountId: string; providerMessageId: string; rfcMessageId?: string | null; activityId?: string | null }[],
    now: Date,
  ): Promise<void> {
    if (inputs.length === 0) return;
    const rows = inputs.map((input) => ({
      accountId: input.accountId,
      providerMessageId: input.providerMessageId,
      rfcMessageId: input.rfcMessageId ?? null,
      activityId: input.activityId ?? null,
    }));
    await guard('captured message', async () => {
      await this.orm
        .insert(capturedMessages)
        .select(
          rowsSelect(capturedMessages, rows, {
            id: sql`gen_random_uuid()`,
            companyId: sql`${scope.companyId}::uuid`,
            capturedAt: sql`${now.toISOString()}::timestamptz`,
            processedAt: sql`null::timestamptz`,
          }),
        )
        .onConflictDoNothing({ target: [capturedMessages.accountId, capturedMessages.providerMessageId] });
    });
  }

  async markProcessed(scope: Scope, accountId: string, providerMessageIds: string[], now: Date): Promise<void> {
    if (providerMessageIds.length === 0) return;
    await this.orm
      .update(capturedMessages)
      .set({ processedAt: now })
      .where(and(scoped(capturedMessages.companyId, scope, capturedMessages.accountId, accountId), anyText(capturedMessages.providerMessageId, providerMessageIds)));
  }

  /** Stored but not yet moved to Processed (a run died in between). */
  async listUnprocessed(scope: Scope, accountId: string, limit?: number): Promise<CapturedMessage[]> {
    return this.orm
      .select()
      .from(capturedMessages)
      .where(and(scoped(capturedMessages.companyId, scope, capturedMessages.accountId, accountId), isNull(capturedMessages.processedAt)))
      .orderBy(asc(capturedMessages.capturedAt))
      .limit(clampLimit(limit, 100, 1000));
  }
}

/**
 * The ledger rows of these provider messages, exported so its plan can be checked (the test beside
 * this file): one probe of captured_messages_account_msg_uq per id, however long the ledger is.
 */
export function ledgerLookup(orm: Orm, scope: Scope, accountId: string, providerMessageIds: readonly string[]) {
  return orm
    .select()
    .from(capturedMessages)
    .where(and(scoped(capturedMessages.companyId, scope, capturedMessages.accountId, accountId), anyText(capturedMessages.providerMessageId, providerMessageIds)));
}
