/**
 * Appointments: CRM-made ones (pushed to the provider through the outbox) and provider-made ones
 * (upserted by (account, provider id), read-only in the CRM). `version` counts CRM edits; an update
 * naming an older version is refused so two editors cannot silently overwrite each other.
 */
import { and, asc, eq, getTableColumns, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { appointmentHistory, appointments, type UnconfirmedWrite } from '../schema';
import { guard, notFound, scoped, StoreError, type Scope } from './common';

export type Appointment = typeof appointments.$inferSelect;
export type AppointmentHistoryEntry = typeof appointmentHistory.$inferSelect;
type Fields = Omit<typeof appointments.$inferInsert, 'id' | 'companyId' | 'createdAt' | 'updatedAt' | 'version'>;
export type NewAppointment = Fields & { now: Date };
export type AppointmentPatch = Partial<Omit<Fields, 'ownerUserId'>>;
/** What the provider says about an event, keyed by (accountId, providerId). */
export type ProviderAppointment = Omit<Fields, 'accountId' | 'providerId'> & { accountId: string; providerId: string; now: Date };

const maxUnconfirmedWrites = 8;

export class AppointmentsRepo {
  constructor(private readonly orm: Orm) {}

  async create(scope: Scope, input: NewAppointment): Promise<Appointment> {
    const { now, ...fields } = input;
    return guard('appointment', async () => {
      const [row] = await this.orm
        .insert(appointments)
        .values({ ...fields, companyId: scope.companyId, createdAt: now, updatedAt: now })
        .returning();
      if (!row) throw new Error('insert returned no row');
      return row;
    });
  }

  async get(scope: Scope, id: string): Promise<Appointment | undefined> {
    const [row] = await this.orm.select().from(appointments).where(scoped(appointments.companyId, scope, appointments.id, id));
    return row;
  }

  /**
   * Appointments of these owners overlapping [from, to): what a calendar view shows. Series masters
   * are left out (their occurrences and exceptions are the rows to draw), as are cancelled ones unless asked.
   */
  async listRange(scope: Scope, query: { ownerUserIds: string[]; from: Date; to: Date; includeCancelled?: boolean }): Promise<Appointment[]> {
    if (query.ownerUserIds.length === 0) return [];
    return this.orm
      .select()
      .from(appointments)
      .where(
        and(
          scoped(appointments.companyId, scope),
          inArray(appointments.ownerUserId, query.ownerUserIds),
          lt(appointments.startAt, query.to),
          gt(appointments.endAt, query.from),
          ne(appointments.kind, 'series_master'),
          query.includeCancelled ? undefined : eq(appointments.cancelled, false),
        ),
      )
      .orderBy(asc(appointments.startAt), asc(appointments.id));
  }

  /** Everything synced from one account (optionally overlapping a window): the reconciler's local side. */
  async listForAccount(scope: Scope, accountId: string, window?: { from: Date; to: Date }): Promise<Appointment[]> {
    return this.orm
      .select()
      .from(appointments)
      .where(
        and(
          scoped(appointments.companyId, scope, appointments.accountId, accountId),
          window ? lt(appointments.startAt, window.to) : undefined,
          window ? gt(appointments.endAt, window.from) : undefined,
        ),
      )
      .orderBy(asc(appointments.startAt), asc(appointments.id));
  }

  async listSeries(scope: Scope, seriesId: string): Promise<Appointment[]> {
    return this.orm
      .select()
      .from(appointments)
      .where(scoped(appointments.companyId, scope, appointments.seriesId, seriesId))
      .orderBy(asc(appointments.startAt));
  }

  /** A CRM edit: bumps version. With expectedVersion, a stale edit is refused (StoreError 'conflict'). */
  async update(scope: Scope, id: string, patch: AppointmentPatch, options: { now: Date; expectedVersion?: number }): Promise<Appointment> {
    return guard('appointment', async () => {
      const [row] = await this.orm
        .update(appointments)
        .set({ ...patch, updatedAt: options.now, version: sql`${appointments.version} + 1` })
        .where(
          and(
            scoped(appointments.companyId, scope, appointments.id, id),
            options.expectedVersion === undefined ? undefined : eq(appointments.version, options.expectedVersion),
          ),
        )
        .returning();
      if (row) return row;
      if (await this.get(scope, id)) throw new StoreError('conflict', `appointment ${id} was changed by someone else`);
      throw notFound('appointment', id);
    });
  }

  /**
   * After the provider accepted a create / update: its id and etag, without counting as a CRM edit.
   * `confirmedVersion`: the write sent that version, so lost answers up to it need no remembering.
   */
  async setProviderRef(
    scope: Scope,
    id: string,
    ref: { accountId: string; providerId: string; etag: string; icalUid?: string | null },
    now: Date,
    confirmedVersion?: number,
  ): Promise<void> {
    const unconfirmed =
      confirmedVersion === undefined
        ? {}
        : {
            unconfirmedWrites: sql`coalesce((select jsonb_agg(w) from jsonb_array_elements(${appointments.unconfirmedWrites}) as w where (w->>'version')::int > ${confirmedVersion}), '[]'::jsonb)`,
          };
    const done = await this.orm
      .update(appointments)
      .set({ ...ref, ...unconfirmed, updatedAt: now })
      .where(scoped(appointments.companyId, scope, appointments.id, id))
      .returning({ id: appointments.id });
    if (done.length === 0) throw notFound('appointment', id);
  }

  /**
   * Remembers a write of `write.version` about to be sent, in case its answer is lost; false (and
   * nothing written) when the appointment has moved past that version or was cancelled. Kept to the
   * last `maxUnconfirmedWrites`: older ones would only matter after that many lost answers in a row.
   */
  async noteUnconfirmedWrite(scope: Scope, id: string, write: UnconfirmedWrite): Promise<boolean> {
    const appended = sql`${appointments.unconfirmedWrites} || ${JSON.stringify([write])}::jsonb`;
    const done = await this.orm
      .update(appointments)
      .set({ unconfirmedWrites: sql`case when jsonb_array_length(${appended}) > ${maxUnconfirmedWrites} then (${appended}) - 0 else ${appended} end` })
      .where(and(scoped(appointments.companyId, scope, appointments.id, id), eq(appointments.version, write.version), eq(appointments.cancelled, false)))
      .returning({ id: appointments.id });
    return done.length > 0;
  }

  async findByProviderId(scope: Scope, accountId: string, providerId: string): Promise<Appointment | undefined> {
    const [row] = await this.orm
      .select()
      .from(appointments)
      .where(and(scoped(appointments.companyId, scope, appointments.accountId, accountId), eq(appointments.providerId, providerId)));
    return row;
  }

  /** Inserts or refreshes the row for (accountId, providerId); `created` tells which. */
  async upsertFromProvider(scope: Scope, input: ProviderAppointment): Promise<{ appointment: Appointment; created: boolean }> {
    const { now, ...fields } = input;
    const { accountId: _a, providerId: _p, ...changing } = fields;
    return guard('appointment', async () => {
      const [row] = await this.orm
        .insert(appointments)
        .values({ ...fields, companyId: scope.companyId, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: [appointments.accountId, appointments.providerId],
          set: { ...changing, updatedAt: now },
          // Never let one company's sync touch another's row (account ids are unique, this is belt and braces).
          setWhere: eq(appointments.companyId, scope.companyId),
        })
        .returning({ ...getTableColumns(appointments), inserted: sql<boolean>`(xmax = 0)` });
      if (!row) throw new StoreError('conflict', `provider event ${input.providerId} belongs to another company`);
      // xmax is 0 on a freshly inserted tuple and set when ON CONFLICT updated an existing one.
      const { inserted, ...appointment } = row;
      return { appointment, created: inserted };
    });
  }

  /** Events gone at the provider (or out of the window after a full sync). */
  async deleteByProviderIds(scope: Scope, accountId: string, providerIds: string[]): Promise<number> {
    if (providerIds.length === 0) return 0;
    const gone = await this.orm
      .delete(appointments)
      .where(and(scoped(appointments.companyId, scope, appointments.accountId, accountId), inArray(appointments.providerId, providerIds)))
      .returning({ id: appointments.id });
    return gone.length;
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    const gone = await this.orm.delete(appointments).where(scoped(appointments.companyId, scope, appointments.id, id)).returning({ id: appointments.id });
    return gone.length > 0;
  }

  async addHistory(scope: Scope, entry: Omit<typeof appointmentHistory.$inferInsert, 'id' | 'companyId'>): Promise<void> {
    await guard('appointment history', () => this.orm.insert(appointmentHistory).values({ ...entry, companyId: scope.companyId }));
  }

  async history(scope: Scope, appointmentId: string): Promise<AppointmentHistoryEntry[]> {
    return this.orm
      .select()
      .from(appointmentHistory)
      .where(scoped(appointmentHistory.companyId, scope, appointmentHistory.appointmentId, appointmentId))
      .orderBy(asc(appointmentHistory.at), asc(appointmentHistory.id));
  }
}
