/**
 * The reconciler's store access: the few set-based reads that build a page's state, and the writes
 * that apply planned operations (batched upserts, version-guarded updates of Tandem appointments).
 * Everything runs on the handle it is given, so one page's writes and its cursor share a transaction.
 */
import { and, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { ProviderEvent } from '../../providers/provider';
import type { Orm, Store } from '../../store/db';
import { isUuid } from '../../store/repos/common';
import { appointments, outbox, syncCursors } from '../../store/schema';
import { eventColumns } from './event-fields';
import { upsertProviderRows } from './provider-upsert';
import type { CalendarOp, PageState, StoredRow } from './reconcile';

const storedColumns = {
  id: appointments.id,
  accountId: appointments.accountId,
  providerId: appointments.providerId,
  etag: appointments.etag,
  origin: appointments.origin,
  kind: appointments.kind,
  seriesId: appointments.seriesId,
  version: appointments.version,
  cancelled: appointments.cancelled,
  originalStart: appointments.originalStart,
  startAt: appointments.startAt,
  endAt: appointments.endAt,
};

const eventKinds = ['create_event', 'update_event', 'delete_event'] as const;
/** Rows per multi-row statement (PostgreSQL allows 65,535 parameters; an upsert row uses ~25). */
const chunkSize = 500;

function chunks<T>(items: readonly T[], size = chunkSize): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface AccountRef {
  companyId: string;
  accountId: string;
  ownerUserId: string;
}

export interface ApplyResult {
  written: number;
  cancelled: number;
  deleted: number;
}

export class CalendarStore {
  constructor(private readonly ref: AccountRef) {}

  private byAccount() {
    return and(eq(appointments.companyId, this.ref.companyId), eq(appointments.accountId, this.ref.accountId));
  }

  async rowsByProviderIds(orm: Orm, providerIds: readonly string[]): Promise<StoredRow[]> {
    const out: StoredRow[] = [];
    for (const part of chunks([...new Set(providerIds)], 5_000)) {
      if (part.length > 0) out.push(...(await orm.select(storedColumns).from(appointments).where(and(this.byAccount(), inArray(appointments.providerId, part)))));
    }
    return out;
  }

  /**
   * The sweep's local side: rows of this account linked to a provider id the round did not list.
   * The listed ids go as one jsonb parameter and the anti-join runs in the database, so a first sync
   * of thousands of events does not read every row back.
   */
  async rowsNotSeen(orm: Orm, seen: ReadonlySet<string>): Promise<StoredRow[]> {
    const unlisted = sql`not exists (select 1 from jsonb_array_elements_text(${JSON.stringify([...seen])}::jsonb) as s(id) where s.id = ${appointments.providerId})`;
    return orm
      .select(storedColumns)
      .from(appointments)
      .where(and(this.byAccount(), isNotNull(appointments.providerId), unlisted));
  }

  /** When the calendar cursor was last written: the end of the previous pull, or null before the first. */
  async cursorWrittenAt(orm: Orm): Promise<Date | null> {
    const [row] = await orm
      .select({ at: syncCursors.updatedAt })
      .from(syncCursors)
      .where(and(eq(syncCursors.companyId, this.ref.companyId), eq(syncCursors.accountId, this.ref.accountId), eq(syncCursors.feature, 'calendar')));
    return row?.at ?? null;
  }

  /** Live Tandem appointments of this account written since `since` (by the outbox, mostly) and linked to a provider id. */
  async linkedSince(orm: Orm, since: Date): Promise<StoredRow[]> {
    return orm
      .select(storedColumns)
      .from(appointments)
      .where(and(this.byAccount(), eq(appointments.origin, 'crm'), eq(appointments.cancelled, false), isNotNull(appointments.providerId), gte(appointments.updatedAt, since)));
  }

  async pendingAppointmentIds(orm: Orm, appointmentIds: readonly string[]): Promise<Set<string>> {
    const ids = [...new Set(appointmentIds)];
    if (ids.length === 0) return new Set();
    const rows = await orm
      .selectDistinct({ id: outbox.appointmentId })
      .from(outbox)
      .where(
        and(
          eq(outbox.companyId, this.ref.companyId),
          inArray(outbox.appointmentId, ids),
          inArray(outbox.status, ['pending', 'in_flight']),
          inArray(outbox.kind, [...eventKinds]),
        ),
      );
    return new Set(rows.flatMap((r) => (r.id ? [r.id] : [])));
  }

  /** The state planPage needs for these changes. */
  async pageState(orm: Orm, changes: { upserts: readonly ProviderEvent[]; deletions: readonly string[] }): Promise<PageState> {
    const named = await this.rowsByProviderIds(orm, [...changes.upserts.map((e) => e.providerId), ...changes.deletions]);
    const byProviderId = new Map(named.flatMap((r) => (r.providerId ? [[r.providerId, r] as const] : [])));
    const tandemIds = [...new Set(changes.upserts.flatMap((e) => (e.tandemId && isUuid(e.tandemId) ? [e.tandemId] : [])))];
    const tandemRows =
      tandemIds.length === 0 ? [] : await orm.select(storedColumns).from(appointments).where(and(eq(appointments.companyId, this.ref.companyId), inArray(appointments.id, tandemIds)));
    const masterIds = named.filter((r) => r.kind === 'series_master').map((r) => r.id);
    const instances =
      masterIds.length === 0 ? [] : await orm.select(storedColumns).from(appointments).where(and(this.byAccount(), inArray(appointments.seriesId, masterIds)));
    const instancesOf = new Map<string, StoredRow[]>();
    for (const i of instances) {
      if (i.providerId) byProviderId.set(i.providerId, i);
      if (i.seriesId) instancesOf.set(i.seriesId, [...(instancesOf.get(i.seriesId) ?? []), i]);
    }
    const crmIds = [...tandemRows, ...named].filter((r) => r.origin === 'crm').map((r) => r.id);
    return {
      accountId: this.ref.accountId,
      byProviderId,
      tandem: new Map(tandemRows.map((r) => [r.id, r])),
      instancesOf,
      pending: await this.pendingAppointmentIds(orm, crmIds),
    };
  }

  /** Applies planned operations through `tx` (one transaction, with the cursor). */
  async apply(tx: Store, ops: readonly CalendarOp[], state: PageState, now: Date): Promise<ApplyResult> {
    const result: ApplyResult = { written: 0, cancelled: 0, deleted: 0 };
    /** Master provider id → appointment id, for the instances upserted after their masters. */
    const masters = new Map<string, string>();
    for (const [providerId, row] of state.byProviderId) if (row.kind === 'series_master') masters.set(providerId, row.id);
    const upserts: ProviderEvent[] = [];
    const flushUpserts = async () => {
      if (upserts.length === 0) return;
      for (const [providerId, id] of await this.upsert(tx.orm, upserts.splice(0), masters, now)) masters.set(providerId, id);
    };
    for (const op of ops) {
      if (op.op === 'upsert') {
        // Instances follow their masters in the plan: write the masters before the first instance.
        if ((op.event.kind === 'occurrence' || op.event.kind === 'exception') && upserts.some((u) => u.kind === 'seriesMaster')) await flushUpserts();
        upserts.push(op.event);
        result.written++;
        continue;
      }
      await flushUpserts();
      if (op.op === 'delete') result.deleted += await this.deleteProviderRows(tx.orm, op.providerIds);
      else if (op.op === 'cancel') result.cancelled += (await this.cancel(tx, op, now)) ? 1 : 0;
      else if (await this.link(tx.orm, op, now)) {
        result.written++;
        if (op.event.kind === 'seriesMaster') masters.set(op.event.providerId, op.appointmentId);
      }
    }
    await flushUpserts();
    return result;
  }

  /** The provider no longer accepts our etag and cannot be asked for its version: the next pull brings it. */
  async forgetEtag(orm: Orm, appointmentId: string, now: Date): Promise<void> {
    await orm
      .update(appointments)
      .set({ etag: null, updatedAt: now })
      .where(and(eq(appointments.companyId, this.ref.companyId), eq(appointments.id, appointmentId)));
  }

  private async upsert(orm: Orm, events: readonly ProviderEvent[], masters: ReadonlyMap<string, string>, now: Date): Promise<[string, string][]> {
    const out: [string, string][] = [];
    const seriesIdOf = (e: ProviderEvent) => (e.seriesMasterId ? (masters.get(e.seriesMasterId) ?? null) : null);
    for (const part of chunks(events)) out.push(...(await upsertProviderRows(orm, this.ref, part, seriesIdOf, now)));
    return out;
  }

  private async deleteProviderRows(orm: Orm, providerIds: readonly string[]): Promise<number> {
    let n = 0;
    for (const part of chunks(providerIds, 5_000)) {
      // Instances go with their master (series_id … on delete cascade).
      const gone = await orm
        .delete(appointments)
        .where(and(this.byAccount(), eq(appointments.origin, 'provider'), inArray(appointments.providerId, part)))
        .returning({ id: appointments.id });
      n += gone.length;
    }
    return n;
  }

  /** Version-guarded: a CRM edit committed meanwhile wins, and its outbox row settles it. */
  async link(orm: Orm, op: Omit<Extract<CalendarOp, { op: 'link' }>, 'op'>, now: Date): Promise<boolean> {
    const columns = eventColumns(op.event);
    const patch = op.content
      ? columns
      : { providerId: columns.providerId, etag: columns.etag, icalUid: columns.icalUid };
    const done = await orm
      .update(appointments)
      .set({ ...patch, accountId: this.ref.accountId, updatedAt: now })
      .where(and(eq(appointments.companyId, this.ref.companyId), eq(appointments.id, op.appointmentId), eq(appointments.version, op.version)))
      .returning({ id: appointments.id });
    return done.length > 0;
  }

  /** Cancels a Tandem appointment gone at the provider (version-guarded; not a CRM edit, so no version bump). */
  async cancel(tx: Store, op: Pick<Extract<CalendarOp, { op: 'cancel' }>, 'appointmentId' | 'version' | 'providerId'>, now: Date, attempted?: object): Promise<boolean> {
    const done = await tx.orm
      .update(appointments)
      .set({ cancelled: true, updatedAt: now })
      .where(
        and(
          eq(appointments.companyId, this.ref.companyId),
          eq(appointments.id, op.appointmentId),
          eq(appointments.version, op.version),
          eq(appointments.cancelled, false),
        ),
      )
      .returning({ id: appointments.id });
    if (done.length === 0) return false;
    await tx.repos.appointments.addHistory(
      { companyId: this.ref.companyId },
      { appointmentId: op.appointmentId, at: now, actor: 'provider', what: 'deleted_at_provider', change: { providerId: op.providerId, ...(attempted ? { attempted } : {}) } },
    );
    return true;
  }
}
