/**
 * The outbox. A CRM change and its outbox row are written in one transaction (enqueue through the
 * transaction's repos); workers claim due rows with FOR UPDATE SKIP LOCKED, so concurrent workers
 * never take the same row, and a lease lets a row be claimed again if its worker dies mid-delivery.
 */
import { and, asc, desc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { outbox, type OutboxKind, type OutboxStatus } from '../schema';
import { clampLimit, guard, notFound, scoped, StoreError, type Scope } from './common';

export type OutboxRow = typeof outbox.$inferSelect;

export interface Enqueue {
  kind: OutboxKind;
  accountId?: string | null;
  payload: Record<string, unknown>;
  /** Unique across the system: include the account or company (e.g. the Message-ID, or `${appointmentId}:v${version}`). */
  idempotencyKey: string;
  activityId?: string | null;
  appointmentId?: string | null;
  now: Date;
  /** Defaults to now. */
  notBefore?: Date;
}

export class OutboxRepo {
  constructor(private readonly orm: Orm) {}

  /** Enqueueing the same idempotency key again returns the existing row with `created: false`. */
  async enqueue(scope: Scope, input: Enqueue): Promise<{ row: OutboxRow; created: boolean }> {
    return guard('outbox row', async () => {
      const [row] = await this.orm
        .insert(outbox)
        .values({
          companyId: scope.companyId,
          accountId: input.accountId ?? null,
          kind: input.kind,
          payload: input.payload,
          idempotencyKey: input.idempotencyKey,
          activityId: input.activityId ?? null,
          appointmentId: input.appointmentId ?? null,
          createdAt: input.now,
          nextAttemptAt: input.notBefore ?? input.now,
        })
        .onConflictDoNothing({ target: outbox.idempotencyKey })
        .returning();
      if (row) return { row, created: true };
      const [existing] = await this.orm
        .select()
        .from(outbox)
        .where(and(scoped(outbox.companyId, scope), eq(outbox.idempotencyKey, input.idempotencyKey)));
      if (!existing) throw new StoreError('conflict', 'idempotency key already used by another company', 'outbox_idempotency_key_unique');
      return { row: existing, created: false };
    });
  }

  /**
   * System: claims up to `limit` rows that are due (pending and next_attempt_at <= now, or in flight
   * with an expired lease), marking them in flight for `leaseMs`. Rows locked by another claimer are
   * skipped, not waited for.
   */
  async claimDueForSystem(now: Date, options: { limit?: number; leaseMs: number; kinds?: OutboxKind[] }): Promise<OutboxRow[]> {
    const due = this.orm
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          or(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)), and(eq(outbox.status, 'in_flight'), lte(outbox.leaseUntil, now))),
          options.kinds ? inArray(outbox.kind, options.kinds) : undefined,
        ),
      )
      .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(clampLimit(options.limit, 10, 500))
      .for('update', { skipLocked: true });
    const claimed = await this.orm
      .update(outbox)
      .set({ status: 'in_flight', attempts: sql`${outbox.attempts} + 1`, leaseUntil: new Date(now.getTime() + options.leaseMs) })
      .where(inArray(outbox.id, due))
      .returning();
    // RETURNING follows the physical update order, not the subquery's: restore due order.
    return claimed.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async markDelivered(scope: Scope, id: string, now: Date): Promise<void> {
    await this.finish(scope, id, { status: 'delivered', deliveredAt: now, leaseUntil: null, lastError: null });
  }

  /** Back to pending until `nextAttemptAt` (the caller's retry policy picks it). */
  async retry(scope: Scope, id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.finish(scope, id, { status: 'pending', nextAttemptAt, leaseUntil: null, lastError: error });
  }

  /** Gives up: the row stays for inspection; the caller marks the activity failed. */
  async markDead(scope: Scope, id: string, error: string): Promise<void> {
    await this.finish(scope, id, { status: 'dead', leaseUntil: null, lastError: error });
  }

  async get(scope: Scope, id: string): Promise<OutboxRow | undefined> {
    const [row] = await this.orm.select().from(outbox).where(scoped(outbox.companyId, scope, outbox.id, id));
    return row;
  }

  async list(scope: Scope, options: { status?: OutboxStatus; limit?: number } = {}): Promise<OutboxRow[]> {
    return this.orm
      .select()
      .from(outbox)
      .where(and(scoped(outbox.companyId, scope), options.status ? eq(outbox.status, options.status) : undefined))
      .orderBy(desc(outbox.createdAt), desc(outbox.id))
      .limit(clampLimit(options.limit));
  }

  private async finish(scope: Scope, id: string, set: Partial<OutboxRow>): Promise<void> {
    const done = await this.orm.update(outbox).set(set).where(scoped(outbox.companyId, scope, outbox.id, id)).returning({ id: outbox.id });
    if (done.length === 0) throw notFound('outbox row', id);
  }
}
