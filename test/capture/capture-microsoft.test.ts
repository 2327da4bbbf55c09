/**
 * Capture and send end to end through the Microsoft 365 simulator and the Graph adapter
 * (captureScenarios): immutable ids, $batch GETs of $value and $batch moves — at most 0.15 HTTP
 * requests per captured message (the cost target); a send is one sendMail of our base64
 * MIME, so the copy in Sent Items keeps our Message-ID.
 */
import { expect } from 'vitest';
import { microsoftProviderFactory } from '../../src/providers/microsoft';
import { connect, startMicrosoftTestEnv, testMailbox } from '../../src/providers/microsoft/microsoft-test-harness';
import { connectMicrosoftAccount } from './capture-harness';
import { captureScenarios, type MailRig } from './capture-scenarios';

async function microsoftRig(): Promise<MailRig> {
  const env = await startMicrosoftTestEnv();
  const { handle } = env.sim;
  // HTTP requests: a $batch is one request (the simulator also counts its items as batch.item).
  const requests = () => handle.counters.count(testMailbox) - handle.counters.count(testMailbox, 'batch.item');
  return {
    mailbox: testMailbox,
    clock: env.clock,
    factory: microsoftProviderFactory,
    oauth: env.oauth,
    connect: async (db, vault, scope, userId) => connectMicrosoftAccount(db, vault, scope, userId, testMailbox, await connect(env), env.endpoints, env.clock.now()),
    drop: (raw) => handle.placeMessage(testMailbox, 'Tandem', raw).then(() => undefined),
    messageIds: async (folder) => handle.listFolderMessages(testMailbox, folder === 'capture' ? 'Tandem' : 'Processed').map((m) => m.internetMessageId),
    recipient: 'margaret@oakridge.example',
    bcc: 'archive@contoso.example',
    async expectSentOnce(messageId) {
      expect(handle.sentItems(testMailbox).filter((m) => m.internetMessageId === messageId)).toHaveLength(1);
      expect(handle.counters.count(testMailbox, 'sendMail')).toBe(1);
    },
    meter() {
      const before = requests();
      return {
        check(captured) {
          // Folder look-ups, one listing, five $batch GETs of $value and five $batch moves per 100.
          expect((requests() - before) / captured).toBeLessThanOrEqual(0.15);
          expect(handle.counters.count(testMailbox, 'batch')).toBeGreaterThan(0);
        },
      };
    },
    close: () => env.close(),
  };
}

captureScenarios('Microsoft 365 (Graph)', microsoftRig);
