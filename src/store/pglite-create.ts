/** Creates the embedded PostgreSQL (PGlite) with Tandem's settings and parameter serializers. */
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { useBinaryParameters } from './pglite-params';

/**
 * wal_init_zero off: PostgreSQL sizes a new 16 MB WAL segment instead of writing it full of zeros
 * first — a preallocation that buys nothing on PGlite's file systems and, in a capture of 2,000
 * messages, was most of the COMMIT time (a segment every ~16 batches). Crash safety does not depend
 * on it (PostgreSQL docs, wal_init_zero). jsonb and bytea parameters go in binary form (pglite-params.ts).
 */
export async function createPglite(options: PGliteOptions = {}): Promise<PGlite> {
  const client = await PGlite.create({ ...options, postgresqlconf: ['wal_init_zero = off'] });
  useBinaryParameters(client);
  return client;
}
