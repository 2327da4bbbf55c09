/**
 * Activities and their contacts. The Activities tab reads activity_contacts through
 * (company_id, contact_id, occurred_at desc, activity_id desc), so any page is one index range scan.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, is, sql, type SQL } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Orm } from '../db';
import { activities, activityContacts, type ActivityStatus } from '../schema';
import { clampLimit, decodeKeyset, encodeKeyset, groupValues, guard, notFound, scoped, StoreError, type Keyset, type Page, type Scope } from './common';
import { rowsSelect } from './json-rows';
import { RecordsRepo, type RegardingType } from './records';

type ActivityRow = typeof activities.$inferSelect;
type RegardingColumns = 'regardingOpportunityId' | 'regardingPropertyId' | 'regardingWorkTicketId';

export interface Regarding {
  type: RegardingType;
  id: string;
}

export interface Activity extends Omit<ActivityRow, RegardingColumns> {
  regarding: Regarding | null;
  contactIds: string[];
}

export interface NewActivity extends Omit<typeof activities.$inferInsert, 'id' | 'companyId' | 'createdAt' | 'updatedAt' | RegardingColumns> {
  regarding?: Regarding | null;
  contactIds: string[];
}

const regardingColumn = { opportunity: 'regardingOpportunityId', property: 'regardingPropertyId', work_ticket: 'regardingWorkTicketId' } as const satisfies Record<
  RegardingType,
  RegardingColumns
>;

function regardingValues(regarding: Regarding | null | undefined): Pick<ActivityRow, RegardingColumns> {
  const values = { regardingOpportunityId: null, regardingPropertyId: null, regardingWorkTicketId: null } as Pick<ActivityRow, RegardingColumns>;
  if (regarding) values[regardingColumn[regarding.type]] = regarding.id;
  return values;
}

function toActivity(row: ActivityRow, contactIds: string[]): Activity {
  const { regardingOpportunityId, regardingPropertyId, regardingWorkTicketId, ...rest } = row;
  const regarding: Regarding | null = regardingOpportunityId
    ? { type: 'opportunity', id: regardingOpportunityId }
    : regardingPropertyId
      ? { type: 'property', id: regardingPropertyId }
      : regardingWorkTicketId
        ? { type: 'work_ticket', id: regardingWorkTicketId }
        : null;
  return { ...rest, regarding, contactIds };
}

/** What createMany reports per input: the activity it landed in, and that row's status before any change. */
export interface CreatedActivityRef {
  id: string;
  status: ActivityStatus | null;
  created: boolean;
}

export class ActivitiesRepo {
  constructor(private readonly orm: Orm) {}

  /**
   * Creates the activity and its contact links in one transaction. With a dedupe key already present
   * in the company (the same Message-ID captured again) nothing new is made: the existing activity
   * comes back with `created: false`, and any new contacts are linked to it.
   */
  async create(scope: Scope, input: NewActivity): Promise<{ activity: Activity; created: boolean }> {
    const { contactIds, regarding, ...fields } = input;
    return guard('activity', () =>
      this.orm.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(activities)
          .values({ ...fields, ...regardingValues(regarding), companyId: scope.companyId })
          .onConflictDoNothing({ target: [activities.companyId, activities.dedupeKey], where: sql`${activities.dedupeKey} is not null` })
          .returning();
        const row = inserted ?? (fields.dedupeKey ? await findByDedupe(tx, scope, fields.dedupeKey) : undefined);
        if (!row) throw new Error('activity insert returned no row');
        await link(tx, scope, row, contactIds);
        const repo = new ActivitiesRepo(tx);
        return { activity: (await repo.get(scope, row.id)) ?? toActivity(row, contactIds), created: inserted !== undefined };
      }),
    );
  }

  /**
   * create() for many activities in one transaction of a few set-based statements (one insert for
   * the activities, one read of those whose dedupe key was already taken, one insert of the contact
   * links), answering in input order. Same semantics as calling create() for each input in turn: a
   * dedupe key already in the company, or repeated earlier in the same call, makes nothing new; the
   * existing activity is reported with `created: false` and gets the new contact links.
   */
  async createMany(scope: Scope, inputs: readonly NewActivity[]): Promise<CreatedActivityRef[]> {
    if (inputs.length === 0) return [];
    // Ids are made here so each input finds its row without relying on RETURNING order; an input
    // repeating a dedupe key of this call shares the id of the first one and inserts nothing.
    const rowIdOf: string[] = [];
    const idOfKey = new Map<string, string>();
    const rows: ActivityRecord[] = [];
    for (const input of inputs) {
      const shared = input.dedupeKey ? idOfKey.get(input.dedupeKey) : undefined;
      if (shared) {
        rowIdOf.push(shared);
        continue;
      }
      const row = recordOf(randomUUID(), input);
      if (row.dedupeKey) idOfKey.set(row.dedupeKey, row.id);
      rows.push(row);
      rowIdOf.push(row.id);
    }
    // Inside the caller's transaction already (capture stores each batch that way) the caller's
    // transaction makes it atomic: a savepoint would only add two statements per batch.
    const atomically = <T>(fn: (tx: Orm) => Promise<T>): Promise<T> => (is(this.orm, PgTransaction) ? fn(this.orm) : this.orm.transaction(fn));
    return guard('activity', () =>
      atomically(async (tx) => {
        const landed = new Map<string, { id: string; status: ActivityStatus | null; occurredAt: Date; created: boolean }>();
        for (const part of chunked(rows, 500)) {
          const inserted = await tx
            .insert(activities)
            .select(recordsSelect(scope, part))
            .onConflictDoNothing({ target: [activities.companyId, activities.dedupeKey], where: sql`${activities.dedupeKey} is not null` })
            .returning({ id: activities.id, status: activities.status, occurredAt: activities.occurredAt });
          for (const r of inserted) landed.set(r.id, { ...r, created: true });
        }
        // Rows that did not go in: their dedupe key was already taken in the company.
        const taken = new Map(rows.flatMap((r) => (r.dedupeKey && !landed.has(r.id) ? [[r.dedupeKey, r.id] as const] : [])));
        for (const part of chunked([...taken.keys()], 5_000)) {
          const found = await tx
            .select({ id: activities.id, status: activities.status, occurredAt: activities.occurredAt, dedupeKey: activities.dedupeKey })
            .from(activities)
            .where(and(scoped(activities.companyId, scope), inArray(activities.dedupeKey, part)));
          for (const { dedupeKey, ...row } of found) {
            const rowId = dedupeKey ? taken.get(dedupeKey) : undefined;
            if (rowId) landed.set(rowId, { ...row, created: false });
          }
        }
        const links = new Map<string, Omit<typeof activityContacts.$inferInsert, 'companyId'>>();
        const first = new Set<string>();
        const out = inputs.map((input, i): CreatedActivityRef => {
          const rowId = rowIdOf[i] ?? '';
          const row = landed.get(rowId);
          if (!row) throw new Error('activity insert returned no row');
          for (const contactId of input.contactIds) links.set(`${row.id}|${contactId}`, { activityId: row.id, contactId, occurredAt: row.occurredAt });
          const created = row.created && !first.has(rowId);
          first.add(rowId);
          return { id: row.id, status: row.status, created };
        });
        for (const part of chunked([...links.values()], 5_000)) await tx.insert(activityContacts).select(rowsSelect(activityContacts, part, { companyId: sql`${scope.companyId}::uuid` })).onConflictDoNothing();
        return out;
      }),
    );
  }

  /** setStatus() for many activities in one statement (failure reasons cleared, as setStatus does by default). */
  async setStatusMany(scope: Scope, activityIds: readonly string[], status: ActivityStatus): Promise<void> {
    for (const part of chunked([...new Set(activityIds)], 5_000)) {
      await this.orm
        .update(activities)
        .set({ status, failureReason: null, updatedAt: sql`now()` })
        .where(and(scoped(activities.companyId, scope), inArray(activities.id, part)));
    }
  }

  async get(scope: Scope, id: string): Promise<Activity | undefined> {
    const [row] = await this.orm.select().from(activities).where(scoped(activities.companyId, scope, activities.id, id));
    return row ? (await this.withContacts(scope, [row]))[0] : undefined;
  }

  async findByDedupeKey(scope: Scope, dedupeKey: string): Promise<Activity | undefined> {
    const row = await findByDedupe(this.orm, scope, dedupeKey);
    return row ? (await this.withContacts(scope, [row]))[0] : undefined;
  }

  /** The Activities tab: newest first, keyset-paged (stable while new activities arrive). */
  async listForContact(scope: Scope, contactId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<Activity>> {
    const limit = clampLimit(options.limit, 25, 200);
    const rows = await activitiesTabQuery(this.orm, scope, contactId, limit + 1, options.cursor ? decodeKeyset(options.cursor) : undefined);
    return this.page(
      scope,
      rows.map((r) => r.activity),
      limit,
    );
  }

  /** Captured mail that matched no contact, newest first. */
  async listUnmatched(scope: Scope, options: { limit?: number; cursor?: string } = {}): Promise<Page<Activity>> {
    const limit = clampLimit(options.limit, 25, 200);
    const after = options.cursor ? decodeKeyset(options.cursor) : undefined;
    const rows = await this.orm
      .select()
      .from(activities)
      .where(
        and(
          scoped(activities.companyId, scope),
          eq(activities.status, 'unmatched'),
          after ? sql`(${activities.occurredAt}, ${activities.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(activities.occurredAt), desc(activities.id))
      .limit(limit + 1);
    return this.page(scope, rows, limit);
  }

  /**
   * Sets or clears Regarding. The target must be an opportunity, property or work ticket of the same
   * company: checked here for a clear error, and by the tenant-safe foreign keys in any case.
   */
  async setRegarding(scope: Scope, activityId: string, regarding: Regarding | null): Promise<Activity> {
    if (regarding && !(await new RecordsRepo(this.orm).findRegarding(scope, regarding.type, regarding.id))) {
      throw new StoreError('invalid_reference', `${regarding.type} ${regarding.id} not found in this company`);
    }
    return this.updateRow(scope, activityId, regardingValues(regarding));
  }

  /** Files an activity (typically an unmatched capture) on contacts; its status becomes filed. */
  async fileToContacts(scope: Scope, activityId: string, contactIds: string[]): Promise<Activity> {
    if (contactIds.length === 0) throw new StoreError('invalid_input', 'at least one contact is needed');
    return guard('activity contacts', () =>
      this.orm.transaction(async (tx) => {
        const [row] = await tx.select().from(activities).where(scoped(activities.companyId, scope, activities.id, activityId)).for('update');
        if (!row) throw notFound('activity', activityId);
        await link(tx, scope, row, contactIds);
        const status = row.status === 'unmatched' ? 'filed' : row.status;
        return new ActivitiesRepo(tx).updateRow(scope, activityId, { status });
      }),
    );
  }

  /** Send progress: queued → sent | failed (with the reason shown to the user). */
  async setStatus(scope: Scope, activityId: string, status: ActivityStatus, failureReason: string | null = null): Promise<Activity> {
    return this.updateRow(scope, activityId, { status, failureReason });
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    const gone = await this.orm.delete(activities).where(scoped(activities.companyId, scope, activities.id, id)).returning({ id: activities.id });
    return gone.length > 0;
  }

  private async updateRow(scope: Scope, id: string, set: Partial<ActivityRow>): Promise<Activity> {
    return guard('activity', async () => {
      const [row] = await this.orm
        .update(activities)
        .set({ ...set, updatedAt: sql`now()` })
        .where(scoped(activities.companyId, scope, activities.id, id))
        .returning();
      if (!row) throw notFound('activity', id);
      return (await this.withContacts(scope, [row]))[0] ?? toActivity(row, []);
    });
  }

  private async page(scope: Scope, rows: ActivityRow[], limit: number): Promise<Page<Activity>> {
    const items = await this.withContacts(scope, rows.slice(0, limit));
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextCursor: encodeKeyset({ at: last.occurredAt, id: last.id }) } : { items };
  }

  private async withContacts(scope: Scope, rows: ActivityRow[]): Promise<Activity[]> {
    if (rows.length === 0) return [];
    const links = await this.orm
      .select({ activityId: activityContacts.activityId, contactId: activityContacts.contactId })
      .from(activityContacts)
      .where(
        and(
          scoped(activityContacts.companyId, scope),
          inArray(
            activityContacts.activityId,
            rows.map((r) => r.id),
          ),
        ),
      );
    const byActivity = groupValues(
      links,
      (l) => l.activityId,
      (l) => l.contactId,
    );
    return rows.map((r) => toActivity(r, (byActivity.get(r.id) ?? []).sort()));
  }
}

/**
 * The Activities-tab query, exported so its plan can be checked (tools/explain-activities-tab.ts):
 * the row comparison on (occurred_at, activity_id) matches the index order, so each page is a range
 * scan of activity_contacts_tab_idx however deep it is.
 */
export function activitiesTabQuery(orm: Orm, scope: Scope, contactId: string, limit: number, after?: Keyset) {
  return orm
    .select({ activity: activities })
    .from(activityContacts)
    .innerJoin(activities, and(eq(activities.companyId, activityContacts.companyId), eq(activities.id, activityContacts.activityId)))
    .where(
      and(
        scoped(activityContacts.companyId, scope, activityContacts.contactId, contactId),
        after ? sql`(${activityContacts.occurredAt}, ${activityContacts.activityId}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(activityContacts.occurredAt), desc(activityContacts.activityId))
    .limit(limit);
}

type InsertableKey = Exclude<keyof typeof activities.$inferInsert, 'companyId' | 'createdAt' | 'updatedAt'>;

/** One activity as a row of createMany's jsonb parameter. Lists every column (a new one fails to compile until added). */
function recordOf(id: string, input: NewActivity) {
  const { contactIds: _links, regarding, ...f } = input;
  return {
    id,
    type: f.type,
    direction: f.direction ?? null,
    subject: f.subject ?? '',
    from: f.from ?? null,
    to: f.to ?? [],
    cc: f.cc ?? [],
    occurredAt: f.occurredAt,
    bodyText: f.bodyText ?? null,
    bodyHtml: f.bodyHtml ?? null,
    attachments: f.attachments ?? [],
    status: f.status ?? null,
    failureReason: f.failureReason ?? null,
    ...regardingValues(regarding),
    dedupeKey: f.dedupeKey ?? null,
    accountId: f.accountId ?? null,
    createdBy: f.createdBy ?? null,
  } satisfies Record<InsertableKey, unknown>;
}

type ActivityRecord = ReturnType<typeof recordOf>;

/** SELECT of the rows, for INSERT … SELECT (one jsonb parameter: see json-rows.ts). */
function recordsSelect(scope: Scope, rows: readonly ActivityRecord[]): SQL {
  return rowsSelect(activities, rows, { companyId: sql`${scope.companyId}::uuid`, createdAt: sql`now()`, updatedAt: sql`now()` });
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function findByDedupe(orm: Orm, scope: Scope, dedupeKey: string): Promise<ActivityRow | undefined> {
  const [row] = await orm
    .select()
    .from(activities)
    .where(and(scoped(activities.companyId, scope), eq(activities.dedupeKey, dedupeKey) as SQL));
  return row;
}

async function link(orm: Orm, scope: Scope, row: ActivityRow, contactIds: readonly string[]): Promise<void> {
  const ids = [...new Set(contactIds)];
  if (ids.length === 0) return;
  await orm
    .insert(activityContacts)
    .values(ids.map((contactId) => ({ companyId: scope.companyId, activityId: row.id, contactId, occurredAt: row.occurredAt })))
    .onConflictDoNothing();
}
