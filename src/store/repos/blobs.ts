/**
 * The default blob store: content-addressed rows in the database, so it works across nodes. Other
 * stores (the filesystem one for embedded mode) implement the same BlobStore interface.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Orm } from '../db';
import { blobs } from '../schema';
import { scoped, type Scope } from './common';

export interface BlobStore {
  /** Stores the bytes once per company; returns their SHA-256 (hex), the key to read them back. */
  put(scope: Scope, bytes: Uint8Array): Promise<{ sha256: string; size: number }>;
  get(scope: Scope, sha256: string): Promise<Uint8Array | undefined>;
  has(scope: Scope, sha256: string): Promise<boolean>;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export class BlobsRepo implements BlobStore {
  constructor(private readonly orm: Orm) {}

  async put(scope: Scope, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Hex(bytes);
    await this.orm.insert(blobs).values({ companyId: scope.companyId, sha256, size: bytes.byteLength, bytes }).onConflictDoNothing();
    return { sha256, size: bytes.byteLength };
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
