import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers } from '../../../test/support/test-db';
import { databaseBlobStore, FileBlobStore, putAll, type BlobStore } from './blob-store';

const companyA = { companyId: '0a0a0a0a-0000-4000-8000-000000000001' };
const companyB = { companyId: '0b0b0b0b-0000-4000-8000-000000000002' };
const bytes = new TextEncoder().encode('quote.pdf bytes');
const sha = 'c5c9c0f6e1b3c7f4f4d7a6f1f1b1b8e2c6a1c0b0c4b3f8e9a7d6c5b4a3f2e1d0';

function contract(name: string, open: () => Promise<{ store: BlobStore; a: { companyId: string }; b: { companyId: string }; close(): Promise<void> }>) {
  describe(name, () => {
    it('stores bytes under their sha256, once, and only for the company that stored them', async () => {
      const { store, a, b, close } = await open();
      try {
        const first = await store.put(a, bytes);
        expect(first).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: bytes.byteLength });
        expect(await store.put(a, bytes)).toEqual(first);
        expect(Buffer.from((await store.get(a, first.sha256)) ?? [])).toEqual(Buffer.from(bytes));
        expect(await store.get(a, first.sha256.toUpperCase())).toBeDefined();
        expect(await store.has(a, first.sha256)).toBe(true);
        expect(await store.get(b, first.sha256)).toBeUndefined();
        expect(await store.has(b, first.sha256)).toBe(false);
        expect(await store.get(a, sha)).toBeUndefined();
      } finally {
        await close();
      }
    });

    it('stores a batch in one call with the answers put() gives, equal bytes once', async () => {
      const { store, a, b, close } = await open();
      try {
        const every = Uint8Array.from({ length: 256 }, (_, i) => i);
        const items = [every, bytes, every, new Uint8Array()];
        const many = await putAll(store, a, items);
        const one = [];
        for (const item of items) one.push(await store.put(b, item));
        expect(many).toEqual(one);
        expect(many[0]).toEqual(many[2]);
        expect(many[3]?.size).toBe(0);
        for (const [i, item] of items.entries()) expect(Buffer.from((await store.get(a, many[i]?.sha256 ?? '')) ?? [1])).toEqual(Buffer.from(item));
        // A repeat (a retried capture) is a no-op.
        expect(await putAll(store, a, [bytes])).toEqual([many[1]]);
      } finally {
        await close();
      }
    });

    it('stores more items than one statement carries (501), each readable', async () => {
      const { store, a, close } = await open();
      try {
        const items = Array.from({ length: 501 }, (_, i) => new TextEncoder().encode(`attachment ${i}`));
        const stored = await putAll(store, a, items);
        expect(new Set(stored.map((s) => s.sha256)).size).toBe(501);
        for (const i of [0, 499, 500]) expect(Buffer.from((await store.get(a, stored[i]?.sha256 ?? '')) ?? [])).toEqual(Buffer.from(items[i] ?? []));
      } finally {
        await close();
      }
    });
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

contract('FileBlobStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-blob-test-'));
  dirs.push(dir);
  return { store: new FileBlobStore(dir), a: companyA, b: companyB, close: async () => undefined };
});

for (const driver of testDrivers()) {
  contract(`databaseBlobStore (${driver})`, async () => {
    const t = await createTestDb(driver);
    const a = (await createTestCompany(t.db)).scope;
    const b = (await createTestCompany(t.db)).scope;
    return { store: databaseBlobStore(t.db), a, b, close: t.cleanup };
  });
}

describe('FileBlobStore files', () => {
  it('leaves only the final file (no temporary names) and refuses path-like keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-blob-test-'));
    dirs.push(dir);
    const store = new FileBlobStore(dir);
    const { sha256 } = await store.put(companyA, bytes);
    expect(readdirSync(join(dir, companyA.companyId, sha256.slice(0, 2)))).toEqual([sha256]);
    expect(await store.get(companyA, '../../etc/passwd')).toBeUndefined();
    await expect(store.put({ companyId: '../x' }, bytes)).rejects.toThrow(/invalid company id/);
  });
});
