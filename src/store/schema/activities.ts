/** Activities (emails, appointments, notes) on contacts, and the capture ledger. */
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, jsonb, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { connectedAccounts } from './accounts';
import { users, companyIdColumn } from './auth';
import { createdAt, idColumn, oneOf, tstz } from './columns';
import { contacts, opportunities, properties, workTickets } from './crm';

export const activityTypes = ['email', 'appointment', 'note'] as const;
export type ActivityType = (typeof activityTypes)[number];
export const activityDirections = ['inbound', 'outbound'] as const;
export type ActivityDirection = (typeof activityDirections)[number];
/** Sends: queued → sent | failed. Capture: filed (on contacts) | unmatched (waiting for the user). */
export const activityStatuses = ['queued', 'sent', 'failed', 'filed', 'unmatched'] as const;
export type ActivityStatus = (typeof activityStatuses)[number];

export interface MailAddress {
  address: string;
  name?: string;
}

export interface AttachmentMeta {
  name: string;
  contentType: string;
  size: number;
  /** Key of the stored bytes (blobs.sha256); absent when the attachment was refused. */
  sha256?: string;
  /** Why the bytes were not kept (too large, blocked type…). */
  refusedReason?: string;
}

export const activities = pgTable(
  'activities',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    type: text('type', { enum: activityTypes }).notNull(),
    direction: text('direction', { enum: activityDirections }),
    subject: text('subject').notNull().default(''),
    from: jsonb('from').$type<MailAddress | null>(),
    to: jsonb('to').$type<MailAddress[]>().notNull().default([]),
    cc: jsonb('cc').$type<MailAddress[]>().notNull().default([]),
    occurredAt: tstz('occurred_at').notNull(),
    bodyText: text('body_text'),
    /** Already sanitized on the way in; rendered as-is by the UI. */
    bodyHtml: text('body_html'),
    attachments: jsonb('attachments').$type<AttachmentMeta[]>().notNull().default([]),
    status: text('status', { enum: activityStatuses }),
    failureReason: text('failure_reason'),
    // Regarding: at most one of three tenant-safe foreign keys. Three columns rather than
    // (type, id) so PostgreSQL itself guarantees the target exists and belongs to the same company.
    regardingOpportunityId: uuid('regarding_opportunity_id'),
    regardingPropertyId: uuid('regarding_property_id'),
    regardingWorkTicketId: uuid('regarding_work_ticket_id'),
    /** RFC 5322 Message-ID for emails: the same message captured twice is one activity. */
    dedupeKey: text('dedupe_key'),
    accountId: uuid('account_id').references(() => connectedAccounts.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    unique('activities_company_id_uq').on(t.companyId, t.id),
    uniqueIndex('activities_company_dedupe_uq').on(t.companyId, t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
    index('activities_company_unmatched_idx').on(t.companyId, t.occurredAt.desc().nullsFirst()).where(sql`${t.status} = 'unmatched'`),
    check('activities_regarding_one_ck', sql`num_nonnulls(${t.regardingOpportunityId}, ${t.regardingPropertyId}, ${t.regardingWorkTicketId}) <= 1`),
    oneOf('activities_type_ck', t.type, activityTypes),
    oneOf('activities_direction_ck', t.direction, activityDirections),
    oneOf('activities_status_ck', t.status, activityStatuses),
    foreignKey({ name: 'activities_regarding_opportunity_fk', columns: [t.companyId, t.regardingOpportunityId], foreignColumns: [opportunities.companyId, opportunities.id] }),
    foreignKey({ name: 'activities_regarding_property_fk', columns: [t.companyId, t.regardingPropertyId], foreignColumns: [properties.companyId, properties.id] }),
    foreignKey({ name: 'activities_regarding_work_ticket_fk', columns: [t.companyId, t.regardingWorkTicketId], foreignColumns: [workTickets.companyId, workTickets.id] }),
  ],
);

export const activityContacts = pgTable(
  'activity_contacts',
  {
    companyId: uuid('company_id').notNull(),
    activityId: uuid('activity_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    /** Copy of activities.occurred_at so the Activities tab is one index range scan. */
    occurredAt: tstz('occurred_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'activity_contacts_pk', columns: [t.activityId, t.contactId] }),
    index('activity_contacts_tab_idx').on(t.companyId, t.contactId, t.occurredAt.desc().nullsFirst(), t.activityId.desc().nullsFirst()),
    foreignKey({ name: 'activity_contacts_activity_fk', columns: [t.companyId, t.activityId], foreignColumns: [activities.companyId, activities.id] }).onDelete('cascade'),
    foreignKey({ name: 'activity_contacts_contact_fk', columns: [t.companyId, t.contactId], foreignColumns: [contacts.companyId, contacts.id] }).onDelete('cascade'),
  ],
);

/**
 * One row per message taken from a capture folder: the exactly-once ledger of the capture pipeline.
 * Stored with fillfactor 40 (migration 0002; drizzle cannot declare it): each row is updated once,
 * when the message reaches Processed, and the free part of its page keeps that update HOT (no new
 * index entries). Not 50: the new version carries processed_at, so it is a little longer than the
 * row it replaces. Looked up only by (account_id, provider_message_id): a second index led the
 * planner of the never-analysed embedded store to read every ledger row of the company instead.
 */
export const capturedMessages = pgTable(
  'captured_messages',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => connectedAccounts.id, { onDelete: 'cascade' }),
    providerMessageId: text('provider_message_id').notNull(),
    rfcMessageId: text('rfc_message_id'),
    activityId: uuid('activity_id').references(() => activities.id, { onDelete: 'set null' }),
    capturedAt: createdAt(),
    /** Set once the message has been moved to Processed at the provider. */
    processedAt: tstz('processed_at'),
  },
  (t) => [
    uniqueIndex('captured_messages_account_msg_uq').on(t.accountId, t.providerMessageId),
  ],
);
