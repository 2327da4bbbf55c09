/** The company SMTP relay and its sending domains (DKIM keys, last SPF/DKIM/DMARC check). */
import { integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { companyIdColumn } from './auth';
import { createdAt, idColumn, lower, oneOf, tstz } from './columns';

export const relayTlsModes = ['none', 'starttls', 'tls'] as const;
export type RelayTlsMode = (typeof relayTlsModes)[number];

export const smtpRelays = pgTable(
  'smtp_relays',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    tlsMode: text('tls_mode', { enum: relayTlsModes }).notNull().default('starttls'),
    username: text('username'),
    /** Vault envelope of the relay password. */
    passwordSecret: text('password_secret'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('smtp_relays_company_uq').on(t.companyId), oneOf('smtp_relays_tls_mode_ck', t.tlsMode, relayTlsModes)],
);

export const sendingDomains = pgTable(
  'sending_domains',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    domain: text('domain').notNull(),
    dkimSelector: text('dkim_selector').notNull(),
    /** Vault envelope of the PEM private key. */
    dkimPrivateKeySecret: text('dkim_private_key_secret').notNull(),
    dkimPublicKey: text('dkim_public_key').notNull(),
    lastCheck: jsonb('last_check').$type<Record<string, unknown>>(),
    checkedAt: tstz('checked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('sending_domains_company_domain_uq').on(t.companyId, lower(t.domain))],
);
