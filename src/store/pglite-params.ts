/**
 * How PGlite receives parameters. Its default serializers measure and encode a string parameter
 * character by character in JavaScript, and write bytea as hex built byte by byte; for the ~1 MB of a
 * capture batch both cost more than the statement itself. jsonb and bytea go in binary form instead,
 * as node-postgres already sends a Buffer.
 */
import type { PGlite } from '@electric-sql/pglite';

/** PostgreSQL's type oid of jsonb, the key of PGlite's serializer table. */
export const jsonbOid = 3802;

function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}

/**
 * PGlite serializer for jsonb parameters: the binary format (version byte 1, then the UTF-8 text:
 * what jsonb_recv reads), which PGlite's protocol layer binds as bytes. A string parameter is
 * measured and encoded character by character in JavaScript, twice; for the ~1 MB jsonb of a
 * capture batch that cost more than the insert itself in PGlite (bench: ~0.15 ms per message less).
 * PGlite types serializers as returning strings, hence the cast at the call site.
 */
export function jsonbBinary(value: unknown): Uint8Array {
  // Same text as PGlite's own jsonb serializer (strings as given, bigints as strings). A replacer
  // costs a call per key, so it is only used when the plain form meets a bigint.
  const text = typeof value === 'string' ? value : stringify(value);
  const out = Buffer.allocUnsafe(Buffer.byteLength(text) + 1);
  out[0] = 1;
  out.write(text, 1, 'utf8');
  return out;
}

/** PostgreSQL's type oid of bytea, the key of PGlite's serializer table. */
export const byteaOid = 17;

/**
 * PGlite serializer for bytea parameters: the bytes themselves, bound in binary form (bytea_recv
 * reads raw bytes), as node-postgres does with a Buffer. PGlite's default writes a hex string built
 * byte by byte in JavaScript. Anything that is not bytes keeps the default.
 */
export function byteaBinary(fallback: ((value: unknown) => string) | undefined): (value: unknown) => Uint8Array | string {
  return (value) => {
    if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return fallback ? fallback(value) : String(value);
  };
}

/** Installs the binary jsonb and bytea serializers on a PGlite client (its Serializer type says string, hence the casts). */
export function useBinaryParameters(client: PGlite): void {
  client.serializers[jsonbOid] = jsonbBinary as unknown as (x: unknown) => string;
  client.serializers[byteaOid] = byteaBinary(client.serializers[byteaOid]) as (x: unknown) => string;
}
