/**
 * Opens the database: node-postgres Pool when a DATABASE_URL is given (scale-out), otherwise PGlite
 * in <dataDir>/pglite (embedded, guarded by a lockfile). Repositories only see the driver-agnostic
 * drizzle handle, so every query runs unchanged on both.
 */
import { join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Logger } from '../logger';
import { acquireDataDirLock } from './lockfile';
import { createRepos, type Repos } from './repos';
import { useBinaryParameters } from './pglite-params';
import * as schema from './schema';

export type Schema = typeof schema;
/** The drizzle handle repositories use; a transaction handle is one too. */
export type Orm = PgDatabase<PgQueryResultHKT, Schema>;

/** A handle plus repositories bound to it: the database itself, or one open transaction. */
export interface Store {
  orm: Orm;
  repos: Repos;
}

interface DbBase extends Store {
  /**
   * Runs fn in one transaction; everything done through tx.repos commits or rolls back together
   * (a CRM change and its outbox row). With PGlite (one connection) do not use the outer db
   * inside fn: it would wait for the transaction to end.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PgliteDb extends DbBase {
  kind: 'pglite';
  /** Raw client, e.g. for pg-boss's fromPglite adapter. */
  pglite: PGlite;
}

export interface PostgresDb extends DbBase {
  kind: 'postgres';
  pool: pg.Pool;
}

export type Db = PgliteDb | PostgresDb;

export interface OpenDbOptions {
  databaseUrl?: string;
  dataDir: string;
  logger?: Logger;
  /** Pool size for PostgreSQL (default 10). */
  maxConnections?: number;
}

/**
 * Rows of a raw SQL query on either driver (both answer with `{ rows }`; the shared drizzle type
 * leaves it unknown). For the few queries the query builder cannot express (EXPLAIN, catalog reads).
 */
export async function queryRows<T extends Record<string, unknown>>(orm: Orm, query: SQL): Promise<T[]> {
  const result: unknown = await orm.execute(query);
  if (result && typeof result === 'object' && 'rows' in result && Array.isArray(result.rows)) return result.rows as T[];
  throw new Error('driver returned no rows array');
}

function storeOf(orm: Orm): Store {
  return { orm, repos: createRepos(orm) };
}

function transactionOf(orm: Orm): DbBase['transaction'] {
  return (fn) => orm.transaction((tx) => fn(storeOf(tx)));
}

/** Wraps an open PGlite client; `onClose` runs after the client is closed (e.g. releasing the lock). */
export function dbFromPglite(client: PGlite, onClose?: () => void | Promise<void>): PgliteDb {
  useBinaryParameters(client);
  const orm: Orm = drizzlePglite({ client, schema });
  return {
    kind: 'pglite',
    pglite: client,
    ...storeOf(orm),
    transaction: transactionOf(orm),
    close: async () => {
      if (!client.closed) await client.close();
      await onClose?.();
    },
  };
}

export function dbFromPool(pool: pg.Pool, onClose?: () => void | Promise<void>): PostgresDb {
  const orm: Orm = drizzlePg({ client: pool, schema });
  return {
    kind: 'postgres',
    pool,
    ...storeOf(orm),
    transaction: transactionOf(orm),
    close: async () => {
      await pool.end();
      await onClose?.();
    },
  };
}

/**
 * The embedded PostgreSQL with Tandem's settings. wal_init_zero off: PostgreSQL sizes a new 16 MB WAL
 * segment instead of writing it full of zeros first — a preallocation that buys nothing on PGlite's
 * file systems and, in a capture of 2,000 messages, was most of the COMMIT time (a segment every ~16
 * batches). Crash safety does not depend on it (PostgreSQL docs, wal_init_zero).
 */
export function createPglite(options: PGliteOptions = {}): Promise<PGlite> {
  return PGlite.create({ ...options, postgresqlconf: ['wal_init_zero = off'] });
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
    // An idle client dropped by the server emits 'error' on the pool; without a listener it would crash the process.
    pool.on('error', (err) => options.logger?.warn({ err }, 'postgres idle client error'));
    return dbFromPool(pool);
  }
  const lock = acquireDataDirLock(options.dataDir);
  try {
    const client = await createPglite({ dataDir: join(options.dataDir, 'pglite') });
    return dbFromPglite(client, () => lock.release());
  } catch (e) {
    lock.release();
    throw e;
  }
}
