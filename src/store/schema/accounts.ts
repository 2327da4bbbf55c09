/** Connected mailboxes (one per provider sign-in) and in-flight OAuth sign-ins. */
import { boolean, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { ProviderEndpoints, ProviderKind } from '../../providers/provider';
import { providerKinds } from '../../providers/provider';
import { companyIdColumn, userIdColumn } from './auth';
import { createdAt, idColumn, lower, oneOf, tstz } from './columns';

export const accountStatuses = ['active', 'syncing', 'throttled', 'needs_reconnect', 'failed', 'disabled'] as const;
export type AccountStatus = (typeof accountStatuses)[number];
export const expiryWarnings = ['none', '14d', '3d'] as const;
export type ExpiryWarning = (typeof expiryWarnings)[number];

export const connectedAccounts = pgTable(
  'connected_accounts',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    userId: userIdColumn('user_id'),
    provider: text('provider', { enum: providerKinds }).$type<ProviderKind>().notNull(),
    mailboxAddress: text('mailbox_address').notNull(),
    providerUserId: text('provider_user_id'),
    syncEmail: boolean('sync_email').notNull().default(true),
    syncCalendar: boolean('sync_calendar').notNull().default(true),
    syncCaptureFolder: boolean('sync_capture_folder').notNull().default(true),
    captureFolderName: text('capture_folder_name').notNull().default('Tandem'),
    processedFolderName: text('processed_folder_name').notNull().default('Processed'),
    captureFolderId: text('capture_folder_id'),
    processedFolderId: text('processed_folder_id'),
    endpoints: jsonb('endpoints').$type<ProviderEndpoints>().notNull().default({}),
    /** Vault envelope (AES-256-GCM) of the provider Credentials; never leaves the server. */
    credentialsSecret: text('credentials_secret'),
    status: text('status', { enum: accountStatuses }).notNull().default('active'),
    statusReason: text('status_reason'),
    /** Internal progress marker of the sync engine (e.g. 'capture:list'), for stuck-run detection. */
    stage: text('stage'),
    stageStartedAt: tstz('stage_started_at'),
    lastSuccessAt: tstz('last_success_at'),
    nextRunAt: tstz('next_run_at'),
    connectedAt: tstz('connected_at').notNull().defaultNow(),
    /** Connections live 90 days and are renewed each time the user signs in to Tandem. */
    expiresAt: tstz('expires_at').notNull(),
    renewedAt: tstz('renewed_at'),
    expiryWarned: text('expiry_warned', { enum: expiryWarnings }).notNull().default('none'),
    /** Set when the user disconnects; the row stays for history, the mailbox becomes free again. */
    disconnectedAt: tstz('disconnected_at'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // One Tandem user per mailbox: a second connection of the same address is refused.
    uniqueIndex('connected_accounts_mailbox_uq')
      .on(t.provider, lower(t.mailboxAddress))
      .where(sql`${t.disconnectedAt} is null`),
    index('connected_accounts_company_user_idx').on(t.companyId, t.userId),
    index('connected_accounts_due_idx').on(t.nextRunAt).where(sql`${t.disconnectedAt} is null`),
    oneOf('connected_accounts_provider_ck', t.provider, providerKinds),
    oneOf('connected_accounts_status_ck', t.status, accountStatuses),
    oneOf('connected_accounts_expiry_warned_ck', t.expiryWarned, expiryWarnings),
  ],
);

export const oauthStates = pgTable(
  'oauth_states',
  {
    state: text('state').primaryKey(),
    companyId: companyIdColumn(),
    userId: userIdColumn('user_id'),
    provider: text('provider', { enum: providerKinds }).$type<ProviderKind>().notNull(),
    /** Vault envelope of the PKCE code_verifier. */
    codeVerifierSecret: text('code_verifier_secret').notNull(),
    redirect: text('redirect'),
    /** Extra data the connect flow carries across the redirect (chosen settings, reconnect target). */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [index('oauth_states_expires_idx').on(t.expiresAt)],
);
