/**
 * The default blob store: content-addressed rows in the database, so it works across nodes. Other
 * stores (the filesystem one for embedded mode) implement the same BlobStore interface.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { blobs } from '../schema';
import { scoped, type Scope } from './common';

export interface BlobStore {
  /** Stores the bytes once per company; returns their SHA-256 (hex), the key to read them back. */
  put(scope: Scope, bytes: Uint8Array): Promise<{ sha256: string; size: number }>;
  get(scope: Scope, sha256: string): Promise<Uint8Array | undefined>;
  has(scope: Scope, sha256: string): Promise<boolean>;
  /** put() for many at once (same result per item, in order); stores without it get put() in turn. */
  putMany?(scope: Scope, items: readonly Uint8Array[]): Promise<{ sha256: string; size: number }[]>;
}

/** Stores all items through putMany when the store has it, else one put() after another. */
export async function putAll(store: BlobStore, scope: Scope, items: readonly Uint8Array[]): Promise<{ sha256: string; size: number }[]> {
  if (items.length === 0) return [];
  if (store.putMany) return store.putMany(scope, items);
  const out: { sha256: string; size: number }[] = [];
  for (const bytes of items) out.push(await store.put(scope, bytes));
  return out;
}

/** Bytes and rows per statement: far below PostgreSQL's 1 GB message limit and 65,535 parameters. */
const maxBytesPerStatement = 32 * 1024 * 1024;
const maxRowsPerStatement = 500;

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export class BlobsRepo implements BlobStore {
  constructor(private readonly orm: Orm) {}

  async put(scope: Scope, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Hex(bytes);
    await this.orm.insert(blobs).values({ companyId: scope.companyId, sha256, size: bytes.byteLength, bytes }).onConflictDoNothing();
    return { sha256, size: bytes.byteLength };
  }

  /**
   * INSERT … ON CONFLICT DO NOTHING for all the items, a statement per ~32 MB or 500 rows. The bytes
   * are bytea parameters sent in binary form, as they are: node-postgres binds a Buffer as binary,
   * and src/store/pglite-params.ts makes PGlite do the same (its default writes hex built byte by
   * byte in JavaScript). No base64 or hex copy of an attachment is made on either side.
   */
  async putMany(scope: Scope, items: readonly Uint8Array[]): Promise<{ sha256: string; size: number }[]> {
    const out: { sha256: string; size: number }[] = [];
    const rows = new Map<string, { sha256: string; size: number; bytes: Buffer }>();
    for (const bytes of items) {
      const entry = { sha256: sha256Hex(bytes), size: bytes.byteLength };
      out.push(entry);
      if (!rows.has(entry.sha256)) rows.set(entry.sha256, { ...entry, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    }
    let chunk: { sha256: string; size: number; bytes: Buffer }[] = [];
    let chunkBytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const values = sql.join(
        chunk.map((r) => sql`(${scope.companyId}::uuid, ${r.sha256}, ${r.size}::integer, ${r.bytes}::bytea)`),
        sql`, `,
      );
      await this.orm.execute(sql`insert into blobs (company_id, sha256, size, bytes) values ${values} on conflict do nothing`);
      chunk = [];
      chunkBytes = 0;
    };
    for (const row of rows.values()) {
      if (chunk.length > 0 && (chunkBytes + row.size > maxBytesPerStatement || chunk.length >= maxRowsPerStatement)) await flush();
      chunk.push(row);
      chunkBytes += row.size;
    }
    await flush();
    return out;
  }

  async get(scope: Scope, sha256: string): Promise<Uint8Array | undefined> {
    const [row] = await this.orm
      .select({ bytes: blobs.bytes })
      .from(blobs)
      .where(and(scoped(blobs.companyId, scope), eq(blobs.sha256, sha256.toLowerCase())));
    return row?.bytes;
  }

  async has(scope: Scope, sha256: string): Promise<boolean> {
    const [row] = await this.orm
      .select({ size: blobs.size })
      .from(blobs)
      .where(and(scoped(blobs.companyId, scope), eq(blobs.sha256, sha256.toLowerCase())));
    return row !== undefined;
  }
}
