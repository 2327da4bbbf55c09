/**
 * Batch statements with one parameter however many rows they touch. Inserts: INSERT … SELECT over ONE jsonb parameter unpacked by jsonb_to_recordset
 * (PostgreSQL §9.16). A multi-row VALUES list binds one parameter per value, and building and binding
 * those cost more than the insert itself: 100 capture-ledger rows of 6 values took ~17 ms as VALUES
 * under PGlite, a few ms as one jsonb parameter (bench/capture.ts, batches of 100 messages).
 * Lookups: `= any(array parameter)` rather than an IN list of one parameter per value.
 */
import { getTableColumns, sql, type Column, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

type ColumnKey<T extends PgTable> = keyof T['_']['columns'] & string;

/**
 * The SELECT for `db.insert(table).select(...)`: every column of `table` in the table's order (as
 * drizzle's insert-select requires), taken from `fixed` (an SQL expression, the same for every row)
 * or else from the rows' field of the column's TypeScript name, typed as the column. A column a row
 * leaves out reads NULL.
 */
export function rowsSelect<T extends PgTable>(table: T, rows: readonly Partial<Record<ColumnKey<T>, unknown>>[], fixed: Partial<Record<ColumnKey<T>, SQL>>): SQL {
  const columns = Object.entries(getTableColumns(table));
  const fromRows = columns.filter(([key]) => !(key in fixed));
  // Column names and types come from the schema, never from input, so they may be spliced in raw.
  const recordType = sql.raw(fromRows.map(([key, column]) => `"${key}" ${column.getSQLType()}`).join(', '));
  const selectList = sql.join(
    columns.map(([key]) => (fixed as Record<string, SQL | undefined>)[key] ?? sql.raw(`x."${key}"`)),
    sql`, `,
  );
  return sql`select ${selectList} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${recordType})`;
}

/**
 * `column = any($1::text[])`: one array parameter (both drivers send a JS array as a PostgreSQL
 * array). An IN list of 100 parameters is 100 values to build, serialize and bind, and PostgreSQL
 * hashes a constant array for the membership test where it compares a parameter list one by one.
 */
export function anyText(column: Column | SQL, values: readonly string[]): SQL {
  return sql`${column} = any(${sql.param([...values])}::text[])`;
}

/** PostgreSQL's type oid of jsonb, the key of PGlite's serializer table. */
export const jsonbOid = 3802;

/**
 * PGlite serializer for jsonb parameters: the binary format (version byte 1, then the UTF-8 text:
 * what jsonb_recv reads), which PGlite's protocol layer binds as bytes. A string parameter is
 * measured and encoded character by character in JavaScript, twice; for the ~1 MB jsonb of a
 * capture batch that cost more than the insert itself in PGlite (bench: ~0.15 ms per message less).
 * PGlite types serializers as returning strings, hence the cast at the call site.
 */
export function jsonbBinary(value: unknown): Uint8Array {
  // Same text as PGlite's own jsonb serializer (strings as given, bigints as strings).
  const text = typeof value === 'string' ? value : JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
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
