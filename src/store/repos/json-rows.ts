/**
 * Batch statements with one parameter however many rows they touch. Inserts: INSERT … SELECT over
 * ONE jsonb parameter (json-param.ts) unpacked by jsonb_to_recordset (PostgreSQL §9.16). A multi-row VALUES list binds one parameter per value, and building and binding
 * those cost more than the insert itself: 100 capture-ledger rows of 6 values took ~17 ms as VALUES
 * under PGlite, a few ms as one jsonb parameter (bench/capture.ts, batches of 100 messages).
 * Lookups: `= any(array parameter)` rather than an IN list of one parameter per value.
 */
import { getTableColumns, sql, type Column, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { JsonParam } from '../json-param';

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
  return sql`select ${selectList} from jsonb_to_recordset(${sql.param(new JsonParam(rows))}::jsonb) as x(${recordType})`;
}

/**
 * `column = any($1::text[])`: one array parameter (both drivers send a JS array as a PostgreSQL
 * array). An IN list of 100 parameters is 100 values to build, serialize and bind, and PostgreSQL
 * hashes a constant array for the membership test where it compares a parameter list one by one.
 */
export function anyText(column: Column | SQL, values: readonly string[]): SQL {
  return sql`${column} = any(${sql.param([...values])}::text[])`;
}
