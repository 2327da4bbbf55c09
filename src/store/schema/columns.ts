/** Column and constraint helpers shared by every schema file, so conventions live in one place. */
import { sql, type SQL } from 'drizzle-orm';
import { check, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** Primary key: a random UUID (gen_random_uuid is built into PostgreSQL 13+ and PGlite). */
export const idColumn = () => uuid('id').primaryKey().defaultRandom();

/** Timestamps are always timestamptz and surface as Date. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAt = () => tstz('created_at').notNull().defaultNow();

/**
 * CHECK (col IN (...)). Enumerations are text + CHECK rather than pg enums: adding a value later is a
 * plain constraint swap inside a transactional migration. Values are literals written here, never input.
 */
export function oneOf(name: string, column: AnyPgColumn, values: readonly string[]) {
  const list = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
  return check(name, sql`${column} in (${sql.raw(list)})`);
}

/** lower(col), for case-insensitive unique indexes and lookups. */
export const lower = (column: AnyPgColumn): SQL => sql`lower(${column})`;
