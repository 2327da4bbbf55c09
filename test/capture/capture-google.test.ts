/**
 * Capture and send end to end through the Google simulator and the Gmail adapter (captureScenarios):
 * labels are the folders, so "moved to Processed" is the Tandem label swapped for Processed; the
 * economy is Gmail quota units against the documented minimum (one raw messages.get per message,
 * the list page and one batchModify); a send is one messages.send of our raw MIME. Beyond the shared
 * scenarios: a backlog larger than a minute's per-user quota is captured across runs that the
 * adapter's pacing ends as throttled, without a 429 and without paying for any message twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gmailCaptureMinimumUnits } from '../../sim/google/quota';
import { createGoogleProviderFactory, googleProviderFactory } from '../../src/providers/google';
import { connect, startGoogleTestEnv, testMailbox, type GoogleTestEnv } from '../../src/providers/google/google-test-harness';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../support/test-db';
import { connectAccount, rawMessage, testEngine, testVault } from './capture-harness';
import { captureScenarios, type MailRig } from './capture-scenarios';

async function googleRig(): Promise<MailRig> {
  const env = await startGoogleTestEnv();
  const { handle } = env.sim;
  const count = (op: string) => handle.counters.count(testMailbox, op);
  const [recipient, bcc] = ['margaret@oakridge.example', 'archive@oakridge.example'];
  for (const address of [recipient, bcc]) handle.addMailbox({ address });
  return {
    mailbox: testMailbox,
    clock: env.clock,
    factory: googleProviderFactory,
    oauth: env.oauth,
    connect: async (db, vault, scope, userId) =>
      connectAccount(db, vault, scope, { userId, provider: 'google', mailboxAddress: testMailbox, endpoints: env.endpoints, credentials: await connect(env), now: env.clock.now() }),
    drop: async (raw) => void handle.placeMessage(testMailbox, 'Tandem', raw),
    messageIds: async (folder) => handle.messagesWithLabel(testMailbox, folder === 'capture' ? 'Tandem' : 'Processed').map((m) => m.messageId ?? ''),
    recipient,
    bcc,
    async expectSentOnce(messageId) {
      const copies = handle.sent(testMailbox).filter((m) => m.messageId === messageId);
      expect(copies).toHaveLength(1);
      expect(copies[0]?.recipients.sort()).toEqual([bcc, recipient]);
      expect(count('messages.send')).toBe(1);
      // Both are simulated Gmail mailboxes: each got one copy, and neither copy names the Bcc.
      for (const to of [recipient, bcc]) {
        const got = handle.messagesWithLabel(to, 'INBOX').filter((m) => m.messageId === messageId);
        expect(got).toHaveLength(1);
        expect(got[0]?.raw.toString('latin1')).not.toMatch(/^bcc:/im);
      }
    },
    meter() {
      const units = handle.counters.quotaUnits(testMailbox);
      const ops = ['messages.get', 'messages.batchModify', 'messages.modify', 'batch'];
      const before = ops.map(count);
      return {
        check(captured) {
          const [gets, batchModifies, modifies, batches] = ops.map((op, i) => count(op) - (before[i] ?? 0));
          expect(gets).toBe(captured); // one raw get per message, no second fetch
          expect(modifies).toBe(0);
          expect(batchModifies).toBeGreaterThan(0);
          expect(batchModifies).toBeLessThanOrEqual(Math.ceil(captured / 100)); // at most one per pipeline batch
          expect(batches).toBeLessThanOrEqual(Math.ceil(captured / 50)); // raw gets go in batches
          expect((handle.counters.quotaUnits(testMailbox) - units) / gmailCaptureMinimumUnits(captured)).toBeLessThanOrEqual(1.1);
        },
      };
    },
    close: () => env.close(),
  };
}

captureScenarios('Google (Gmail)', googleRig);

describe.each(testDrivers())('Gmail capture paced below the per-user quota (%s)', (driver) => {
  let env: GoogleTestEnv;
  let t: TestDb;
  beforeEach(async () => {
    env = await startGoogleTestEnv();
    t = await createTestDb(driver);
  });
  afterEach(async () => {
    await t?.cleanup();
    await env?.close();
  });

  it('a page of 300 is stored in three batches and moved by one batchModify', async () => {
    const { handle } = env.sim;
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    // 1,500 units of raw gets: past the burst, so the pacing waits a few seconds (on the fake clock).
    const factory = createGoogleProviderFactory({ retry: { sleep: async (ms) => env.clock.advance(ms) } });
    const engine = testEngine(t.db, vault, { features: [captureFeature()], factory, clock: env.clock, oauth: env.oauth });
    const account = await connectAccount(t.db, vault, scope, { userId, provider: 'google', mailboxAddress: testMailbox, endpoints: env.endpoints, credentials: await connect(env), now: env.clock.now() });
    expect(await engine.sync(account)).toMatchObject({ outcome: 'succeeded' });
    for (let i = 0; i < 300; i++) handle.placeMessage(testMailbox, 'Tandem', rawMessage({ from: `client${i}@elsewhere.example`, to: testMailbox, subject: `Page ${i}` }));
    expect(await engine.sync(account)).toEqual({ outcome: 'succeeded', items: 300, errors: 0 });
    expect(handle.messagesWithLabel(testMailbox, 'Processed')).toHaveLength(300);
    expect(handle.counters.count(testMailbox, 'messages.batchModify')).toBe(1);
    expect(handle.counters.count(testMailbox, 'messages.get')).toBe(300);
  });

  it('a backlog over a minute of quota: runs stop throttled and resume, no 429, one raw get per message', async () => {
    const { handle } = env.sim;
    const limit = 1500; // units a minute; 300 messages need 1,500 for their raw gets alone
    handle.setQuotaLimit(limit);
    // One process's factory: its quota waits move the fake clock, a run waits 20 s at most.
    const factory = createGoogleProviderFactory({ mail: { quota: { limitPerMinute: limit, maxRunWaitMs: 20_000 } }, retry: { sleep: async (ms) => env.clock.advance(ms) } });
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    const engine = testEngine(t.db, vault, { features: [captureFeature()], factory, clock: env.clock, oauth: env.oauth });
    const account = await connectAccount(t.db, vault, scope, { userId, provider: 'google', mailboxAddress: testMailbox, endpoints: env.endpoints, credentials: await connect(env), now: env.clock.now() });
    expect(await engine.sync(account)).toMatchObject({ outcome: 'succeeded' });
    const count = 300;
    for (let i = 0; i < count; i++) handle.placeMessage(testMailbox, 'Tandem', rawMessage({ from: `client${i}@elsewhere.example`, to: testMailbox, subject: `Backlog ${i}` }));

    const outcomes: string[] = [];
    for (let run = 0; run < 20 && handle.messagesWithLabel(testMailbox, 'Tandem').length > 0; run++) {
      const r = await engine.sync(account);
      outcomes.push(r.outcome === 'failed' ? `failed:${r.kind}` : r.outcome === 'skipped' ? `skipped:${r.why}` : r.outcome);
      if (r.outcome !== 'succeeded') env.clock.advance(60_000); // the throttle state's wait, then the next scheduled run
    }
    expect(outcomes).toContain('failed:throttled');
    expect(outcomes.at(-1)).toBe('succeeded');
    expect(handle.messagesWithLabel(testMailbox, 'Tandem')).toHaveLength(0);
    expect(handle.messagesWithLabel(testMailbox, 'Processed')).toHaveLength(count);
    let stored = 0;
    let cursor: string | undefined;
    do {
      const page = await t.db.repos.activities.listUnmatched(scope, { limit: 200, ...(cursor ? { cursor } : {}) });
      stored += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(stored).toBe(count);
    // Refused calls are counted too: exactly one get per message means none was refused or repeated.
    expect(handle.counters.count(testMailbox, 'messages.get')).toBe(count);
  });
});
