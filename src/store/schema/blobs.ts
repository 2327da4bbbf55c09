/** Content-addressed attachment bytes. Rows in PostgreSQL, so every node of a scale-out sees them. */
import { customType, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { companyIdColumn } from './auth';
import { createdAt } from './columns';

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  // node-postgres returns Buffer and PGlite Uint8Array; both are Uint8Array.
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

// Keyed per company: a tenant can only ever read bytes it stored itself, even for a known hash.
export const blobs = pgTable(
  'blobs',
  {
    companyId: companyIdColumn(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: 'blobs_pk', columns: [t.companyId, t.sha256] })],
);
