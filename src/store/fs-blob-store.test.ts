import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from './fs-blob-store';

const a = { companyId: '00000000-0000-4000-8000-00000000000a' };
const b = { companyId: '00000000-0000-4000-8000-00000000000b' };

describe('FsBlobStore', () => {
  it('stores bytes once per company by SHA-256 and keeps companies apart', async () => {
    const store = new FsBlobStore(mkdtempSync(join(tmpdir(), 'tandem-blobs-')));
    const bytes = new TextEncoder().encode('attachment body');
    const first = await store.put(a, bytes);
    expect(await store.put(a, bytes)).toEqual(first);
    expect(first).toEqual({ sha256: 'baebb75e3b75608ff9c4483c5c93ae00b989a63378a9d0831fecc26f8c75f90e', size: 15 });
    expect(new TextDecoder().decode(await store.get(a, first.sha256.toUpperCase()))).toBe('attachment body');
    expect(await store.get(b, first.sha256)).toBeUndefined();
    expect(await store.has(b, first.sha256)).toBe(false);
    // Path-shaped input never reaches the filesystem.
    expect(await store.get({ companyId: '../..' }, first.sha256)).toBeUndefined();
    expect(await store.get(a, '../../etc/passwd')).toBeUndefined();
  });
});
