/**
 * Blob store for the embedded mode: files under <dataDir>/blobs/<companyId>/<aa>/<sha256>. Same
 * contract as the database store (content-addressed, per company), but bytes stay out of PGlite's
 * single in-process database. Not for scale-out: other nodes cannot see this disk.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore, Scope } from './repos';
import { isUuid } from './repos';

const isSha256 = (s: string): boolean => /^[0-9a-f]{64}$/.test(s);

export class FsBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private pathOf(scope: Scope, sha256: string): string | undefined {
    const sha = sha256.toLowerCase();
    // Both parts become path segments: refuse anything that is not exactly a uuid / hex digest.
    if (!isUuid(scope.companyId) || !isSha256(sha)) return undefined;
    return join(this.root, scope.companyId.toLowerCase(), sha.slice(0, 2), sha);
  }

  async put(scope: Scope, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(scope, sha256);
    if (!path) throw new Error(`invalid company id ${scope.companyId}`);
    if (!(await this.has(scope, sha256))) {
      await mkdir(join(path, '..'), { recursive: true });
      // Write then rename: a reader never sees a partial file, and concurrent puts of the same bytes agree.
      const partial = `${path}.${process.pid}.${Date.now()}.partial`;
      await writeFile(partial, bytes);
      await rename(partial, path);
    }
    return { sha256, size: bytes.byteLength };
  }

  async get(scope: Scope, sha256: string): Promise<Uint8Array | undefined> {
    const path = this.pathOf(scope, sha256);
    if (!path) return undefined;
    try {
      return new Uint8Array(await readFile(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async has(scope: Scope, sha256: string): Promise<boolean> {
    const path = this.pathOf(scope, sha256);
    if (!path) return false;
    try {
      await stat(path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }
}
