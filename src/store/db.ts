/**
 * Opens the database: node-postgres Pool when a DATABASE_URL is given (scale-out), otherwise PGlite
 * in <dataDir>/pglite on a thread of its own (embedded, guarded by a lockfile; threaded-pglite.ts).
 * Repositories only see the driver-agnostic drizzle handle, so every query runs unchanged on both.
 */
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Logger } from '../logger';
import { acquireDataDirLock } from './lockfile';
import { createRepos, type Repos } from './repos';
import { ThreadedPglite, type PgliteClient } from './threaded-pglite';
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
  /** Raw client, e.g. for pg-boss's fromPglite adapter: PGlite itself, or on its own thread (openDb). */
  pglite: PgliteClient;
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
export function dbFromPglite(client: PgliteClient, onClose?: () => void | Promise<void>): PgliteDb {
  // drizzle's PGlite driver types its client as the whole PGlite class but calls only query() and
  // transaction() on it (drizzle-orm/pglite/session.js), which every PgliteClient has.
  const orm: Orm = drizzlePglite({ client: client as unknown as PGlite, schema });
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

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
    // An idle client dropped by the server emits 'error' on the pool; without a listener it would crash the process.
    pool.on('error', (err) => options.logger?.warn({ err }, 'postgres idle client error'));
    return dbFromPool(pool);
  }
  const lock = acquireDataDirLock(options.dataDir);
  try {
    const logger = options.logger;
    const client = await ThreadedPglite.start({
      dataDir: join(options.dataDir, 'pglite'),
      onFailure: (err) => logger?.error({ err }, 'the embedded database stopped: every query fails until Tandem restarts'),
    });
    return dbFromPglite(client, () => lock.release());
  } catch (e) {
    lock.release();
    throw e;
  }
}

export { createPglite } from './pglite-create';
