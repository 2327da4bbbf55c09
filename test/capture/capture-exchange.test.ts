/**
 * Capture and send end to end through the Exchange (EWS) simulator and the EWS adapter
 * (captureScenarios): FindItem lists the Tandem folder, GetItem fetches MimeContent and MoveItem
 * moves to Processed, each over many items per call; a send is one CreateItem SendAndSaveCopy of our
 * MIME, and what left is observed in the outside recipient's inbox on the same simulated server.
 */
import { expect } from 'vitest';
import { exchangeProviderFactory } from '../../src/providers/exchange';
import { ALICE, ALICE_LOGIN, ALICE_PASSWORD, OUTSIDE, startExchangeTestEnv } from '../../src/providers/exchange/exchange-test-harness';
import { connectAccount } from './capture-harness';
import { captureScenarios, type MailRig } from './capture-scenarios';

/** Ids per GetItem / MoveItem call (the adapter's default batch size). */
const ewsBatch = 50;

async function exchangeRig(): Promise<MailRig> {
  const env = await startExchangeTestEnv();
  const { handle } = env;
  const count = (op: string) => handle.counters.count(ALICE, op);
  const [recipient = 'carol@client.test', bcc = 'dave@client.test'] = OUTSIDE;
  return {
    mailbox: ALICE,
    clock: env.clock,
    factory: exchangeProviderFactory,
    connect: (db, vault, scope, userId) =>
      connectAccount(db, vault, scope, {
        userId,
        provider: 'exchange',
        mailboxAddress: ALICE,
        endpoints: { ewsUrl: handle.ewsUrl },
        credentials: { kind: 'password', username: ALICE_LOGIN, password: ALICE_PASSWORD },
        now: env.clock.now(),
      }),
    drop: async (raw) => void handle.placeMessage(ALICE, 'Tandem', raw),
    messageIds: async (folder) => handle.folderMessages(ALICE, folder === 'capture' ? 'Tandem' : 'Processed').map((m) => m.internetMessageId),
    recipient,
    bcc,
    async expectSentOnce(messageId) {
      expect(handle.sentItems(ALICE).filter((m) => m.internetMessageId === messageId)).toHaveLength(1);
      expect(count('CreateItem')).toBe(1);
      // Both are mailboxes on the same simulated Exchange: each got one copy, and neither names the Bcc.
      for (const to of [recipient, bcc]) {
        const got = handle.folderMessages(to, 'inbox').filter((m) => m.internetMessageId === messageId);
        expect(got).toHaveLength(1);
        expect(got[0]?.mime.toString('latin1')).not.toMatch(/^bcc:/im);
      }
    },
    meter() {
      const ops = ['GetItem', 'MoveItem', 'FindItem'];
      const before = ops.map(count);
      const total = handle.counters.count(ALICE);
      return {
        check(captured) {
          const [gets, moves, finds] = ops.map((op, i) => count(op) - (before[i] ?? 0));
          // Many items per call: one GetItem and one MoveItem per 50 messages, one FindItem per page.
          expect(gets).toBe(Math.ceil(captured / ewsBatch));
          expect(moves).toBe(Math.ceil(captured / ewsBatch));
          expect(finds).toBe(1);
          expect((handle.counters.count(ALICE) - total) / captured).toBeLessThanOrEqual(0.1);
        },
      };
    },
    close: () => env.close(),
  };
}

captureScenarios('Exchange (EWS)', exchangeRig);
