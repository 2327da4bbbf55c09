/** Tenancy and sign-in: companies, users, sessions, sign-in attempts. */
import { index, integer, pgTable, text, unique, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, lower, oneOf, tstz } from './columns';

export const userRoles = ['admin', 'member'] as const;
export type UserRole = (typeof userRoles)[number];
export const calendarPrivacies = ['public', 'private'] as const;
export type CalendarPrivacy = (typeof calendarPrivacies)[number];

export const companies = pgTable('companies', {
  id: idColumn(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/** company_id of a company-owned row; deleting a company deletes everything it owns. */
export const companyIdColumn = () =>
  uuid('company_id')
    .notNull()
    .references(() => companies.id, { onDelete: 'cascade' });

/** A required reference to a user, removed with the user. */
export const userIdColumn = (name: string) =>
  uuid(name)
    .notNull()
    .references((): AnyPgColumn => users.id, { onDelete: 'cascade' });

export const users = pgTable(
  'users',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: userRoles }).notNull().default('member'),
    /** scrypt$N$r$p$salt$hash (base64), see repos/password.ts. */
    passwordHash: text('password_hash'),
    calendarPrivacy: text('calendar_privacy', { enum: calendarPrivacies }).notNull().default('public'),
    timezone: text('timezone').notNull().default('UTC'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_company_email_uq').on(t.companyId, lower(t.email)),
    // Sign-in knows only the address; the company follows from the user row.
    index('users_email_idx').on(lower(t.email)),
    unique('users_company_id_uq').on(t.companyId, t.id),
    oneOf('users_role_ck', t.role, userRoles),
    oneOf('users_calendar_privacy_ck', t.calendarPrivacy, calendarPrivacies),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: idColumn(),
    companyId: companyIdColumn(),
    userId: userIdColumn('user_id'),
    /** SHA-256 of the cookie token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
  },
  (t) => [index('sessions_company_user_idx').on(t.companyId, t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/** Failed sign-ins by (lower(email), ip): the API slows repeated failures. Pre-auth, so not company-owned. */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    failures: integer('failures').notNull().default(0),
    firstFailedAt: tstz('first_failed_at').notNull(),
    lastFailedAt: tstz('last_failed_at').notNull(),
    lockedUntil: tstz('locked_until'),
  },
  (t) => [uniqueIndex('sign_in_attempts_email_ip_uq').on(t.email, t.ip), index('sign_in_attempts_last_idx').on(t.lastFailedAt)],
);

