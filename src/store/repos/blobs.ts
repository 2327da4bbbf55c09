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

const maxEncodedPerStatement = 32 * 1024 * 1024;

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export class BlobsRepo implements BlobStore {
  constructor(private readonly orm: Orm) {}

  async put(scope: Scope, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Hex(bytes);
    await this.orm.insert(blobs).values({ companyId: scope.companyId, sha256, size: bytes.byteLength, bytes }).onConflictDoNothing();
    return { sha256, size: bytes.byteLength };
  }

  /**
   * One INSERT … ON CONFLICT DO NOTHING for all the items. The bytes travel base64-encoded inside
   * one jsonb parameter and are decoded by PostgreSQL: PGlite serialises a bytea parameter byte by
   * byte in JavaScript (an array of two-digit strings per byte), which cost more than the insert,
   * and base64 is the shortest text encoding decode() reads (PGlite scans every parameter string).
   */
  async putMany(scope: Scope, items: readonly Uint8Array[]): Promise<{ sha256: string; size: number }[]> {
    const out: { sha256: string; size: number }[] = [];
    const rows = new Map<string, { sha256: string; size: number; b64: string }>();
    for (const bytes of items) {
      const entry = { sha256: sha256Hex(bytes), size: bytes.byteLength };
      out.push(entry);
      if (!rows.has(entry.sha256)) rows.set(entry.sha256, { ...entry, b64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') });
    }
    // A statement per ~32 MB of base64 keeps each parameter far below PostgreSQL's 1 GB value limit.
    let chunk: { sha256: string; size: number; b64: string }[] = [];
    let chunkChars = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      await this.orm.execute(
        sql`insert into blobs (company_id, sha256, size, bytes)
            select ${scope.companyId}::uuid, x.sha256, x.size, decode(x.b64, 'base64')
            from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(sha256 text, size integer, b64 text)
            on conflict do nothing`,
      );
      chunk = [];
      chunkChars = 0;
    };
    for (const row of rows.values()) {
      if (chunkChars > 0 && chunkChars + row.b64.length > maxEncodedPerStatement) await flush();
      chunk.push(row);
      chunkChars += row.b64.length;
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
