/** Applies the drizzle-kit migrations in ./migrations; safe to call on every start-up, from many nodes. */
import { fileURLToPath } from 'node:url';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Db, Schema } from './db';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary fixed key: nodes starting together take turns instead of racing the same DDL. */
const migrationLockKey = 0x74616e64; // "tand"

export async function migrate(db: Db): Promise<void> {
  if (db.kind === 'pglite') {
    await migratePglite(db.orm as PgliteDatabase<Schema>, { migrationsFolder });
    return;
  }
  // Session-level advisory lock on a dedicated connection, held while the migrator runs on the pool.
  const lockClient = await db.pool.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [migrationLockKey]);
    try {
      await migratePg(db.orm as NodePgDatabase<Schema>, { migrationsFolder });
    } finally {
      await lockClient.query('select pg_advisory_unlock($1)', [migrationLockKey]);
    }
  } finally {
    lockClient.release();
  }
}
