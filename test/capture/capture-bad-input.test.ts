/**
 * Bad input through the whole capture pipeline on Dovecot: malformed MIME, missing and duplicate
 * headers, 8-bit garbage, unknown charsets, hostile HTML, header injection, attachments over the
 * limit. Each message is stored (sanitized, with its problems and its original bytes), moved to
 * Processed, and never blocks its neighbours.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileMessages, hugeAttachmentMessage } from '../../sim/common/seed';
import { concatBytes } from '../../sim/common/seed-mime';
import type { Activity } from '../../src/store/repos/activities';
import { FileBlobStore, putAll, type BlobStore } from '../../src/sync/capture/blob-store';
import { captureFeature, type CaptureFeatureOptions } from '../../src/sync/capture/capture-feature';
import { createTestCompany, createTestDb, testDrivers } from '../support/test-db';
import { connectImapAccount, mailClient, startMailServers, testEngine, testVault, type MailServers } from './capture-harness';

let servers: MailServers;
beforeAll(async () => {
  servers = await startMailServers(12);
});
afterAll(async () => {
  await servers?.stop();
});

/** The database's blob store, refusing every write while `failing()` says so (a full disk). */
function failingBlobs(failing: () => boolean): (db: { repos: { blobs: BlobStore } }) => BlobStore {
  return (db) => {
    const refuse = () => Promise.reject(new Error('ENOSPC: no space left on device'));
    return {
      put: (scope, bytes) => (failing() ? refuse() : db.repos.blobs.put(scope, bytes)),
      putMany: (scope, items) => (failing() ? refuse() : putAll(db.repos.blobs, scope, items)),
      get: (scope, sha256) => db.repos.blobs.get(scope, sha256),
      has: (scope, sha256) => db.repos.blobs.has(scope, sha256),
    };
  };
}

/** A text message with one attachment. */
function messageWithAttachment(o: { messageId: string; to: string; subject: string; text: string; file: { name: string; contentType: string; bytes: Uint8Array } }): Uint8Array {
  const mime = [
    'From: client@client.example',
    `To: ${o.to}`,
    `Subject: ${o.subject}`,
    'Date: Mon, 02 Nov 2026 08:00:00 +0000',
    `Message-ID: ${o.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    o.text,
    '--b1',
    `Content-Type: ${o.file.contentType}; name="${o.file.name}"`,
    `Content-Disposition: attachment; filename="${o.file.name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(o.file.bytes).toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--b1--',
    '',
  ].join('\r\n');
  return new TextEncoder().encode(mime);
}

describe.each(testDrivers())('capture of bad input (%s)', (driver) => {
  /** `blobsFor` builds the attachment store on the world's database. */
  async function world(options: CaptureFeatureOptions = {}, blobsFor?: (db: { repos: { blobs: BlobStore } }) => BlobStore) {
    const t = await createTestDb(driver);
    if (blobsFor) options = { ...options, blobs: blobsFor(t.db) };
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    const engine = testEngine(t.db, vault, { features: [captureFeature(options)] });
    const user = servers.takeUser();
    const account = await connectImapAccount(t.db, vault, scope, userId, servers, user, engine.clock.now());
    const client = await mailClient(servers, user);
    const all = async (): Promise<Activity[]> => (await t.db.repos.activities.listUnmatched(scope, { limit: 200 })).items;
    return { ...t, scope, engine, user, account, client, all, blobs: options.blobs ?? t.db.repos.blobs };
  }

  it('stores every hostile sample sanitized, with its problems and original bytes, and moves it', async () => {
    const w = await world();
    try {
      const samples = hostileMessages();
      for (const s of samples) await w.client.drop('Tandem', s.raw);
      expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: samples.length, errors: 0 });
      expect(await w.client.ids('Tandem')).toEqual([]);

      const activities = await w.all();
      expect(activities).toHaveLength(samples.length);
      for (const a of activities) {
        const html = a.bodyHtml ?? '';
        expect(html).not.toMatch(/<script|<iframe|javascript:|\son\w+=|mailtrack|<img[^>]+src="https?:/i);
        expect(a.subject).not.toMatch(/[\r\n]/);
        expect(a.from?.name ?? '').not.toMatch(/[\r\n]/);
      }
      const byKey = (key: string) => activities.find((a) => a.dedupeKey === key);
      expect(byKey('<dup-first@hostile.example>')).toBeDefined();
      expect(byKey('<dup-second@hostile.example>')).toBeUndefined();
      expect(byKey('<script-html@hostile.example>')?.bodyHtml).toContain('tandem-remote-image');
      expect(byKey('<unknown-charset@hostile.example>')?.bodyText).not.toBe('');
      const noId = activities.filter((a) => a.dedupeKey?.startsWith('sha256:'));
      expect(noId.map((a) => a.failureReason)).toEqual([expect.stringContaining('missing Message-ID header')]);

      // The broken multipart keeps its problems and its exact original bytes.
      const broken = byKey('<broken-boundary@hostile.example>');
      expect(broken?.failureReason).toMatch(/^Captured with problems: /);
      const original = broken?.attachments.find((a) => a.name === 'original-message.eml');
      const sample = samples.find((s) => s.name === 'broken-boundary');
      expect(original?.sha256).toBeDefined();
      const bytes = await w.blobs.get(w.scope, original?.sha256 ?? '');
      expect(Buffer.from(bytes ?? []).toString('latin1')).toBe(Buffer.from(sample?.raw ?? []).toString('latin1'));
      await w.client.logout();
    } finally {
      await w.cleanup();
    }
  });

  it('stores nothing and moves nothing while the attachment store fails, then captures it all', async () => {
    let failing = true;
    const w = await world({ batchSize: 2 }, failingBlobs(() => failing));
    try {
      const ids = ['one', 'two', 'three', 'four', 'five'].map((n) => `<blob-${n}@client.example>`);
      for (const [i, messageId] of ids.entries()) {
        const bytes = new Uint8Array(3_000).map((_, j) => (j * 13 + i * 101) & 0xff);
        const file = { name: 'site.jpg', contentType: 'image/jpeg', bytes };
        await w.client.drop('Tandem', messageWithAttachment({ messageId, to: w.user.address, subject: 'Site photos', text: 'Photos attached.', file }));
      }
      const first = await w.engine.sync(w.account);
      expect(first.outcome).not.toBe('succeeded');
      expect(await w.all()).toEqual([]);
      expect(await w.client.ids('Tandem')).toHaveLength(ids.length);

      failing = false;
      w.engine.clock.advance(60 * 60_000); // past the backoff the failed run recorded
      expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: ids.length, errors: 0 });
      const activities = await w.all();
      expect(activities.map((a) => a.dedupeKey).sort()).toEqual([...ids].sort());
      for (const a of activities) {
        const sha256 = a.attachments[0]?.sha256 ?? '';
        expect((await w.blobs.get(w.scope, sha256))?.byteLength).toBe(3_000);
      }
      expect(await w.client.ids('Processed')).toHaveLength(ids.length);
      await w.client.logout();
    } finally {
      await w.cleanup();
    }
  });

  it('keeps attachments within the limit in the blob store and refuses larger ones by metadata', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-blobs-'));
    const fileStore: BlobStore = new FileBlobStore(dir);
    const limit = 256 * 1024;
    const w = await world({ maxAttachmentBytes: limit, ...(driver === 'pglite' ? { blobs: fileStore } : {}) });
    try {
      const huge = hugeAttachmentMessage({ attachmentBytes: 2 * limit, mailbox: w.user.address });
      await w.client.drop('Tandem', concatBytes([...huge.chunks()]));
      const small = new Uint8Array(40_000).map((_, i) => (i * 7) & 0xff);
      const file = { name: 'quote.pdf', contentType: 'application/pdf', bytes: small };
      const quoteMessage = messageWithAttachment({ messageId: '<quote-pdf@client.example>', to: w.user.address, subject: 'Quote', text: 'Quote attached.', file });
      await w.client.drop('Tandem', quoteMessage);

      expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: 2, errors: 0 });
      const activities = await w.all();
      const big = activities.find((a) => a.dedupeKey === huge.messageId);
      expect(big?.attachments.find((a) => a.name === 'scans.bin')).toEqual({
        name: 'scans.bin',
        contentType: 'application/octet-stream',
        size: 2 * limit,
        refusedReason: expect.stringContaining('over the 262144-byte attachment limit'),
      });
      const quote = activities.find((a) => a.dedupeKey === '<quote-pdf@client.example>');
      const pdf = quote?.attachments.find((a) => a.name === 'quote.pdf');
      expect(pdf).toMatchObject({ contentType: 'application/pdf', size: small.byteLength });
      expect(Buffer.from((await w.blobs.get(w.scope, pdf?.sha256 ?? '')) ?? [])).toEqual(Buffer.from(small));
      if (driver === 'pglite') {
        expect(await w.db.repos.blobs.has(w.scope, pdf?.sha256 ?? '')).toBe(false);
        expect(readdirSync(join(dir, w.scope.companyId), { recursive: true }).some((p) => String(p).endsWith(pdf?.sha256 ?? '-'))).toBe(true);
      }
      expect(await w.client.ids('Processed')).toHaveLength(2);
      await w.client.logout();
    } finally {
      await w.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('capture of a 26 MB attachment with the default 25 MB limit', () => {
  it('refuses the bytes, stores the message, and moves it', async () => {
    const [driver] = testDrivers();
    if (!driver) throw new Error('no test driver');
    const t = await createTestDb(driver);
    try {
      const { scope, userId } = await createTestCompany(t.db);
      const vault = testVault();
      const engine = testEngine(t.db, vault, { features: [captureFeature()] });
      const user = servers.takeUser();
      const account = await connectImapAccount(t.db, vault, scope, userId, servers, user, engine.clock.now());
      const client = await mailClient(servers, user);
      const huge = hugeAttachmentMessage({ attachmentBytes: 26 * 1024 * 1024, mailbox: user.address });
      await client.drop('Tandem', concatBytes([...huge.chunks()]));
      expect(await engine.sync(account)).toEqual({ outcome: 'succeeded', items: 1, errors: 0 });
      const activity = await t.db.repos.activities.findByDedupeKey(scope, huge.messageId);
      expect(activity?.attachments.map((a) => [a.name, a.sha256 === undefined, a.refusedReason !== undefined])).toEqual([
        ['scans.bin', true, true],
        ['original-message.eml', true, true],
      ]);
      expect(await client.ids('Processed')).toEqual([huge.messageId]);
      await client.logout();
    } finally {
      await t.cleanup();
    }
  });
});
