/** CRM records: contacts (with many addresses), opportunities, properties, work tickets. */
import { boolean, foreignKey, index, integer, numeric, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users, companyIdColumn } from './auth';
import { createdAt, idColumn, lower, oneOf, tstz } from './columns';


export const contacts = pgTable(
  'contacts',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    name: text('name').notNull(),
    companyName: text('company_name'),
    phone: text('phone'),
    street: text('street'),
    city: text('city'),
    region: text('region'),
    postalCode: text('postal_code'),
    country: text('country'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [unique('contacts_company_id_uq').on(t.companyId, t.id), index('contacts_company_name_idx').on(t.companyId, lower(t.name))],
);

export const contactEmails = pgTable(
  'contact_emails',
  {
    id: idColumn(),
    companyId: uuid('company_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    email: text('email').notNull(),
    isPrimary: boolean('is_primary').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    // One address belongs to one contact per company, compared case-insensitively: capture matching
    // relies on it to file a message on exactly the right contacts.
    uniqueIndex('contact_emails_company_email_uq').on(t.companyId, lower(t.email)),
    index('contact_emails_company_contact_idx').on(t.companyId, t.contactId),
    foreignKey({ name: 'contact_emails_contact_fk', columns: [t.companyId, t.contactId], foreignColumns: [contacts.companyId, contacts.id] }).onDelete('cascade'),
  ],
);

export const opportunityStages = ['lead', 'qualified', 'proposal', 'won', 'lost'] as const;

export const opportunities = pgTable(
  'opportunities',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    name: text('name').notNull(),
    stage: text('stage', { enum: opportunityStages }).notNull().default('lead'),
    amount: numeric('amount', { precision: 14, scale: 2 }),
    contactId: uuid('contact_id'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('opportunities_company_id_uq').on(t.companyId, t.id),
    index('opportunities_company_name_idx').on(t.companyId, lower(t.name)),
    oneOf('opportunities_stage_ck', t.stage, opportunityStages),
    foreignKey({ name: 'opportunities_contact_fk', columns: [t.companyId, t.contactId], foreignColumns: [contacts.companyId, contacts.id] }),
  ],
);

export const properties = pgTable(
  'properties',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    name: text('name').notNull(),
    street: text('street'),
    city: text('city'),
    region: text('region'),
    postalCode: text('postal_code'),
    country: text('country'),
    createdAt: createdAt(),
  },
  (t) => [unique('properties_company_id_uq').on(t.companyId, t.id), index('properties_company_name_idx').on(t.companyId, lower(t.name))],
);

export const workTicketStatuses = ['open', 'scheduled', 'in_progress', 'done', 'cancelled'] as const;

export const workTickets = pgTable(
  'work_tickets',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    status: text('status', { enum: workTicketStatuses }).notNull().default('open'),
    propertyId: uuid('property_id'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('work_tickets_company_id_uq').on(t.companyId, t.id),
    unique('work_tickets_company_number_uq').on(t.companyId, t.number),
    index('work_tickets_company_title_idx').on(t.companyId, lower(t.title)),
    oneOf('work_tickets_status_ck', t.status, workTicketStatuses),
    foreignKey({ name: 'work_tickets_property_fk', columns: [t.companyId, t.propertyId], foreignColumns: [properties.companyId, properties.id] }),
  ],
);
