/**
 * Where attachment bytes go. The default keeps content-addressed rows in the database (repos.blobs),
 * which every node of a scale-out sees; the filesystem store is for the embedded mode, where the
 * data folder already lives on the one machine. Both key by SHA-256 per company, so storing the same
 * bytes twice (the same attachment captured from two mailboxes, or a retried capture) is a no-op.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Db } from '../../store/db';
import { sha256Hex, type BlobStore } from '../../store/repos/blobs';
import { isUuid, type Scope } from '../../store/repos/common';

export { putAll, type BlobStore } from '../../store/repos/blobs';

/** Attachments above this keep their metadata and a refusedReason, not their bytes. */
export const defaultMaxAttachmentBytes = 25 * 1024 * 1024;

/** The cross-node default: rows in PostgreSQL (or PGlite in embedded mode). */
export function databaseBlobStore(db: Pick<Db, 'repos'>): BlobStore {
  return db.repos.blobs;
}

const SHA256 = /^[0-9a-f]{64}$/;

// The callback API: a capture batch writes dozens of files, and fs/promises wraps each open file in a
// FileHandle object the collector must track and finalize; the callback calls do the same syscalls.
const stat = promisify(fs.stat);
const mkdir = promisify(fs.mkdir);
const writeFile = promisify(fs.writeFile);
const rename = promisify(fs.rename);
const rm = promisify(fs.rm);

/**
 * Files under `<root>/<companyId>/<aa>/<sha256>`. A blob is written to a temporary name in the same
 * folder and renamed into place: rename(2) is atomic on one filesystem, so a reader (or a crash)
 * never sees half a file under its final name.
 */
export class FileBlobStore implements BlobStore {
  /** Temporary names are this instance's random prefix and a counter ('wx' refuses any clash). */
  private readonly tempPrefix: string;
  private tempCount = 0;

  constructor(
    private readonly root: string,
    random: (n: number) => Buffer = randomBytes,
  ) {
    this.tempPrefix = random(6).toString('hex');
  }

  private pathOf(scope: Scope, sha256: string): string | undefined {
    const sha = sha256.toLowerCase();
    // Both parts become path segments: refuse anything that is not exactly a uuid and a hex digest.
    if (!isUuid(scope.companyId) || !SHA256.test(sha)) return undefined;
    return join(this.root, scope.companyId.toLowerCase(), sha.slice(0, 2), sha);
  }

  async put(scope: Scope, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    return this.write(scope, sha256Hex(bytes), bytes);
  }

  private async write(scope: Scope, sha256: string, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const path = this.pathOf(scope, sha256);
    if (!path) throw new Error('invalid company id for the blob store');
    if (await this.exists(path)) return { sha256, size: bytes.byteLength };
    const dir = join(path, '..');
    const temp = join(dir, `.${sha256}.${this.tempPrefix}${(this.tempCount++).toString(36)}.tmp`);
    try {
      try {
        await writeFile(temp, bytes, { flag: 'wx' });
      } catch (e) {
        // The folder is made the first time it is needed (256 per company), not checked before every file.
        if (!isMissing(e)) throw e;
        await mkdir(dir, { recursive: true });
        await writeFile(temp, bytes, { flag: 'wx' });
      }
      await rename(temp, path);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    return { sha256, size: bytes.byteLength };
  }

  /** The files of a batch written side by side (each still temp-then-rename); equal bytes once. */
  async putMany(scope: Scope, items: readonly Uint8Array[]): Promise<{ sha256: string; size: number }[]> {
    const writes = new Map<string, Promise<{ sha256: string; size: number }>>();
    return Promise.all(
      items.map((bytes) => {
        const sha256 = sha256Hex(bytes);
        let write = writes.get(sha256);
        if (!write) {
          write = this.write(scope, sha256, bytes);
          writes.set(sha256, write);
        }
        return write;
      }),
    );
  }

  async get(scope: Scope, sha256: string): Promise<Uint8Array | undefined> {
    const path = this.pathOf(scope, sha256);
    if (!path) return undefined;
    try {
      const buf = await readFile(path);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async has(scope: Scope, sha256: string): Promise<boolean> {
    const path = this.pathOf(scope, sha256);
    return path ? this.exists(path) : false;
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }
}

function isMissing(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === 'ENOENT';
}
