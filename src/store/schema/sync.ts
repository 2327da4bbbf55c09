/** Sync engine state: runs, cursors, throttle state shared by all workers, push subscriptions. */
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { connectedAccounts } from './accounts';
import { companyIdColumn } from './auth';
import { idColumn, oneOf, tstz } from './columns';

export const syncFeatures = ['capture', 'calendar'] as const;
export type SyncFeature = (typeof syncFeatures)[number];

const accountRef = () =>
  uuid('account_id')
    .notNull()
    .references(() => connectedAccounts.id, { onDelete: 'cascade' });

export const syncRuns = pgTable(
  'sync_runs',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    accountId: accountRef(),
    /** capture, calendar, send, renew… */
    feature: text('feature').notNull(),
    startedAt: tstz('started_at').notNull(),
    finishedAt: tstz('finished_at'),
    items: integer('items').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    /** ProviderErrorKind of the failure that ended the run, if any. */
    errorKind: text('error_kind'),
    message: text('message'),
  },
  (t) => [index('sync_runs_company_account_started_idx').on(t.companyId, t.accountId, t.startedAt.desc().nullsFirst())],
);

export const syncCursors = pgTable(
  'sync_cursors',
  {
    companyId: companyIdColumn(),
    accountId: accountRef(),
    feature: text('feature', { enum: syncFeatures }).notNull(),
    cursor: text('cursor'),
    updatedAt: tstz('updated_at').notNull(),
  },
  (t) => [primaryKey({ name: 'sync_cursors_pk', columns: [t.accountId, t.feature] }), oneOf('sync_cursors_feature_ck', t.feature, syncFeatures)],
);

/**
 * Throttle state per mailbox (key = provider + ':' + lower(address)), in the DB so it survives
 * restarts and every worker honours the same Retry-After. Not company-owned: a mailbox is the unit.
 */
export const throttleState = pgTable('throttle_state', {
  mailboxKey: text('mailbox_key').primaryKey(),
  retryAfterUntil: tstz('retry_after_until'),
  failureCount: integer('failure_count').notNull().default(0),
  updatedAt: tstz('updated_at').notNull(),
});

export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    accountId: accountRef(),
    resource: text('resource', { enum: syncFeatures }).notNull(),
    providerSubscriptionId: text('provider_subscription_id').notNull(),
    clientState: text('client_state').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    data: text('data'),
    extra: jsonb('extra').$type<Record<string, unknown>>(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('push_subscriptions_account_resource_uq').on(t.accountId, t.resource),
    uniqueIndex('push_subscriptions_provider_id_uq').on(t.providerSubscriptionId),
    index('push_subscriptions_expires_idx').on(t.expiresAt),
    oneOf('push_subscriptions_resource_ck', t.resource, syncFeatures),
  ],
);
