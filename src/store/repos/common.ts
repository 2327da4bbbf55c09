/** What every repository shares: the tenant scope, store errors, keyset cursors, text search. */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** Every company-owned read and write names its company; there is no unscoped read. */
export interface Scope {
  companyId: string;
}

export type StoreErrorCode = 'not_found' | 'conflict' | 'invalid_reference' | 'invalid_input';

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** The violated constraint, when the database reported one. */
    readonly constraint?: string,
  ) {
    super(message);
  }
}

interface PgErrorLike {
  code?: unknown;
  constraint?: unknown;
  cause?: unknown;
}

/** SQLSTATE and constraint of a database error; drizzle wraps driver errors, so walk the cause chain. */
export function pgError(e: unknown): { code: string; constraint: string | undefined } | undefined {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const c = cur as PgErrorLike;
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) {
      return { code: c.code, constraint: typeof c.constraint === 'string' ? c.constraint : undefined };
    }
    cur = c.cause;
  }
  return undefined;
}

/** SQLSTATE 23505 / 23503 / 23514 (PostgreSQL Appendix A), mapped to StoreError; anything else is rethrown. */
export function translateDbError(e: unknown, what: string): never {
  const pe = pgError(e);
  if (pe?.code === '23505') throw new StoreError('conflict', `${what}: already exists`, pe.constraint);
  if (pe?.code === '23503') throw new StoreError('invalid_reference', `${what}: refers to a record that does not exist in this company`, pe.constraint);
  if (pe?.code === '23514') throw new StoreError('invalid_input', `${what}: violates ${pe.constraint ?? 'a check'}`, pe.constraint);
  throw e;
}

export async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    return translateDbError(e, what);
  }
}

export function notFound(what: string, id: string): StoreError {
  return new StoreError('not_found', `${what} ${id} not found`);
}

export const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** company_id = scope AND id = id: the shape of every single-row lookup. */
export function scoped(companyColumn: AnyPgColumn, scope: Scope, idColumn?: AnyPgColumn, id?: string): SQL {
  // A malformed id (from a URL) matches nothing instead of failing the uuid cast.
  if (!isUuid(scope.companyId) || (id !== undefined && !isUuid(id))) return sql`false`;
  const own = eq(companyColumn, scope.companyId);
  return idColumn && id !== undefined ? (and(own, eq(idColumn, id)) as SQL) : own;
}

/** Keyset position (occurred_at, id), passed to clients as an opaque string. */
export interface Keyset {
  at: Date;
  id: string;
}

export function encodeKeyset(k: Keyset): string {
  return Buffer.from(`${k.at.toISOString()}|${k.id}`).toString('base64url');
}

export function decodeKeyset(cursor: string): Keyset {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  if (!id || Number.isNaN(at.getTime()) || !isUuid(id)) throw new StoreError('invalid_input', 'invalid page cursor');
  return { at, id };
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/** Escapes LIKE metacharacters so a user's "50%" matches literally. */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const containsText = (column: AnyPgColumn, q: string): SQL => sql`lower(${column}) like ${likePattern(q)}`;

export const clampLimit = (limit: number | undefined, fallback = 50, max = 500): number => Math.max(1, Math.min(max, Math.floor(limit ?? fallback)));

/** Groups child rows under their parent id (emails of contacts, contacts of activities). */
export function groupValues<R, V>(rows: readonly R[], key: (r: R) => string, value: (r: R) => V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) {
    const list = out.get(key(r));
    if (list) list.push(value(r));
    else out.set(key(r), [value(r)]);
  }
  return out;
}
