/** The outbox: every send and calendar write, written in the same transaction as the CRM change. */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { connectedAccounts } from './accounts';
import { activities } from './activities';
import { companyIdColumn } from './auth';
import { appointments } from './calendar';
import { createdAt, idColumn, oneOf, tstz } from './columns';

export const outboxKinds = ['send_mail', 'create_event', 'update_event', 'delete_event', 'relay_send'] as const;
export type OutboxKind = (typeof outboxKinds)[number];
export const outboxStatuses = ['pending', 'in_flight', 'delivered', 'dead'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

export const outbox = pgTable(
  'outbox',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    accountId: uuid('account_id').references(() => connectedAccounts.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: outboxKinds }).notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** Sends: our Message-ID; events: the appointment id + version. Enqueueing twice is a no-op. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at').notNull(),
    /** While in flight: a worker that dies leaves the row claimable again after this instant. */
    leaseUntil: tstz('lease_until'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    deliveredAt: tstz('delivered_at'),
    activityId: uuid('activity_id').references(() => activities.id, { onDelete: 'set null' }),
    appointmentId: uuid('appointment_id').references(() => appointments.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('outbox_lease_idx').on(t.leaseUntil).where(sql`${t.status} = 'in_flight'`),
    index('outbox_company_created_idx').on(t.companyId, t.createdAt.desc().nullsFirst()),
    oneOf('outbox_kind_ck', t.kind, outboxKinds),
    oneOf('outbox_status_ck', t.status, outboxStatuses),
  ],
);
