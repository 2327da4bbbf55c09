/**
 * Capture and send end to end through the Google simulator and the Gmail adapter (captureScenarios):
 * labels are the folders, so "moved to Processed" is the Tandem label swapped for Processed; the
 * economy is Gmail quota units against the documented minimum (one raw messages.get per message,
 * the list page and one batchModify); a send is one messages.send of our raw MIME.
 */
import { expect } from 'vitest';
import { gmailCaptureMinimumUnits } from '../../sim/google/quota';
import { googleProviderFactory } from '../../src/providers/google';
import { connect, startGoogleTestEnv, testMailbox } from '../../src/providers/google/google-test-harness';
import { connectAccount } from './capture-harness';
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
