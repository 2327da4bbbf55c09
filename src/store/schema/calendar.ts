/** Appointments (CRM-made and provider-made), their conflict history, and calendar shares. */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { EventAttendee, Sensitivity } from '../../providers/provider';
import { connectedAccounts } from './accounts';
import { companyIdColumn, userIdColumn, users } from './auth';
import { createdAt, idColumn, oneOf, tstz } from './columns';

export const appointmentOrigins = ['crm', 'provider'] as const;
export type AppointmentOrigin = (typeof appointmentOrigins)[number];
export const appointmentKinds = ['single', 'series_master', 'occurrence', 'exception'] as const;
export type AppointmentKind = (typeof appointmentKinds)[number];
export const showAsValues = ['free', 'busy', 'tentative', 'oof', 'workingElsewhere'] as const;
export const sensitivities = ['normal', 'personal', 'private', 'confidential'] as const satisfies readonly Sensitivity[];
/** A push whose answer was lost: the appointment version sent, and the fingerprint of its editable fields. */
export interface UnconfirmedWrite {
  version: number;
  fingerprint: string;
}

export const appointments = pgTable(
  'appointments',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    ownerUserId: userIdColumn('owner_user_id'),
    /** Who made it in Tandem (crm origin): the creator may edit it even on a colleague's calendar. */
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    subject: text('subject').notNull().default(''),
    body: text('body'),
    location: text('location'),
    startAt: tstz('start_at').notNull(),
    endAt: tstz('end_at').notNull(),
    /** As the user (or provider) stated it: local date-time, or a date when all-day, in timeZone. */
    startLocal: text('start_local').notNull(),
    endLocal: text('end_local').notNull(),
    timeZone: text('time_zone').notNull(),
    allDay: boolean('all_day').notNull().default(false),
    attendees: jsonb('attendees').$type<EventAttendee[]>().notNull().default([]),
    origin: text('origin', { enum: appointmentOrigins }).notNull().default('crm'),
    /** Events made in the provider appear read-only in the CRM. */
    readOnly: boolean('read_only').notNull().default(false),
    accountId: uuid('account_id').references(() => connectedAccounts.id, { onDelete: 'set null' }),
    providerId: text('provider_id'),
    etag: text('etag'),
    icalUid: text('ical_uid'),
    seriesId: uuid('series_id').references((): AnyPgColumn => appointments.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: appointmentKinds }).notNull().default('single'),
    recurrenceRule: text('recurrence_rule'),
    exdates: jsonb('exdates').$type<string[]>().notNull().default([]),
    originalStart: tstz('original_start'),
    sensitivity: text('sensitivity', { enum: sensitivities }).notNull().default('normal'),
    /** Free / busy as the provider states it; a free item stays free in a colleague's busy view. */
    showAs: text('show_as', { enum: showAsValues }),
    cancelled: boolean('cancelled').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    /** Bumped on every CRM edit; the reconciler compares it with what it last pushed. */
    version: integer('version').notNull().default(1),
    /**
     * What the outbox sent to the provider without learning the outcome (the answer was lost), as
     * fingerprints of the editable fields by version. An event found later with one of these is
     * Tandem's own earlier write, not an edit made in the calendar app. Cleared up to a version once
     * a write of that version is confirmed.
     */
    unconfirmedWrites: jsonb('unconfirmed_writes').$type<UnconfirmedWrite[]>().notNull().default([]),
  },
  (t) => [
    uniqueIndex('appointments_account_provider_uq').on(t.accountId, t.providerId),
    index('appointments_company_owner_start_idx').on(t.companyId, t.ownerUserId, t.startAt),
    index('appointments_company_series_idx').on(t.companyId, t.seriesId).where(sql`${t.seriesId} is not null`),
    oneOf('appointments_origin_ck', t.origin, appointmentOrigins),
    oneOf('appointments_kind_ck', t.kind, appointmentKinds),
    oneOf('appointments_sensitivity_ck', t.sensitivity, sensitivities),
    oneOf('appointments_show_as_ck', t.showAs, showAsValues),
  ],
);

export const appointmentHistory = pgTable(
  'appointment_history',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    at: tstz('at').notNull(),
    /** User id, or 'sync' / 'provider'. */
    actor: text('actor').notNull(),
    /** e.g. 'conflict_overwritten', 'created', 'updated', 'deleted_at_provider'. */
    what: text('what').notNull(),
    change: jsonb('change').$type<Record<string, unknown>>(),
  },
  (t) => [index('appointment_history_company_appt_idx').on(t.companyId, t.appointmentId, t.at)],
);

export const calendarShares = pgTable(
  'calendar_shares',
  {
    companyId: companyIdColumn(),
    ownerUserId: userIdColumn('owner_user_id'),
    sharedWithUserId: userIdColumn('shared_with_user_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('calendar_shares_uq').on(t.companyId, t.ownerUserId, t.sharedWithUserId),
    index('calendar_shares_company_shared_idx').on(t.companyId, t.sharedWithUserId),
  ],
);
