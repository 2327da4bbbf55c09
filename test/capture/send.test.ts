/**
 * Sending through the user's own mailbox, end to end on Dovecot + an SMTP sink, delivered by the
 * lead's OutboxWorker on a FakeClock: queued → sent and in Sent once, Bcc on the envelope only;
 * repeated failures become a dead letter and the activity shows why. Both store drivers. (A timeout
 * after the provider accepted: captureScenarios, run by capture-imap.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueEmail, sendMailHandler } from '../../src/sync/send/send-mail';
import { createTestCompany, createTestDb, testDrivers } from '../support/test-db';
import { connectImapAccount, mailClient, sinkCopies, startMailServers, testEngine, testVault, type MailServers } from './capture-harness';

let servers: MailServers;
beforeAll(async () => {
  servers = await startMailServers(6);
});
afterAll(async () => {
  await servers?.stop();
});

describe.each(testDrivers())('send through the user mailbox (%s)', (driver) => {
  async function world(options: { maxAttempts?: number } = {}) {
    const t = await createTestDb(driver);
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    const engine = testEngine(t.db, vault, {
      handlers: [sendMailHandler],
      ...(options.maxAttempts ? { retry: { maxAttempts: options.maxAttempts } } : {}),
    });
    const user = servers.takeUser();
    const account = await connectImapAccount(t.db, vault, scope, userId, servers, user, engine.clock.now());
    const client = await mailClient(servers, user);
    const contact = await t.db.repos.contacts.create(scope, { name: 'Margaret', emails: ['margaret@oakridge.example'] });
    const queue = (subject: string) =>
      queueEmail(
        t.db,
        scope,
        { id: userId },
        { to: [{ address: 'Margaret@Oakridge.example', name: 'Margaret' }], bcc: [{ address: 'archive@greenleaf.example' }], subject, text: 'Spring clean-up quote attached.', html: '<p>Quote <script>x()</script></p>' },
        { clock: engine.clock },
      );
    return { ...t, scope, userId, engine, user, account, client, contact, queue };
  }

  it('queues an activity and an outbox row, then sends once into Sent', async () => {
    const w = await world();
    try {
      const q = await w.queue('Spring quote');
      expect(q.activity).toMatchObject({ status: 'queued', direction: 'outbound', contactIds: [w.contact.id], dedupeKey: q.messageId, accountId: w.account.id });
      expect(q.activity.bodyHtml).not.toContain('script');
      expect(await w.db.repos.outbox.get(w.scope, q.outboxId)).toMatchObject({ status: 'pending', idempotencyKey: q.messageId, activityId: q.activity.id });

      expect(await w.engine.outbox.drain()).toEqual(['delivered']);
      expect(await w.db.repos.activities.get(w.scope, q.activity.id)).toMatchObject({ status: 'sent', failureReason: null });
      expect(await w.client.ids('Sent')).toEqual([q.messageId]);
      expect(sinkCopies(servers, q.messageId)).toBe(1);
      const sent = servers.smtp.messages.find((m) => m.raw.toString('latin1').includes(q.messageId));
      expect(sent?.recipients.sort()).toEqual(['archive@greenleaf.example', 'margaret@oakridge.example']);
      expect(sent?.raw.toString('latin1')).not.toMatch(/^Bcc:/im);
      expect(await w.engine.outbox.drain()).toEqual([]);
      await w.client.logout();
    } finally {
      await w.cleanup();
    }
  });

  it('after the last attempt fails the row is dead and the activity failed with the reason', async () => {
    const w = await world({ maxAttempts: 3 });
    try {
      servers.smtp.failNextData(3, 451);
      const q = await w.queue('Doomed');
      const outcomes = [];
      for (let i = 0; i < 3; i++) {
        outcomes.push(...(await w.engine.outbox.drain()));
        w.engine.clock.advance(60 * 60_000);
      }
      expect(outcomes).toEqual(['retry', 'retry', 'dead']);
      const activity = await w.db.repos.activities.get(w.scope, q.activity.id);
      expect(activity?.status).toBe('failed');
      expect(activity?.failureReason).toMatch(/^transient/);
      expect(await w.db.repos.outbox.get(w.scope, q.outboxId)).toMatchObject({ status: 'dead', attempts: 3 });
      expect(await w.client.ids('Sent')).toEqual([]);
      expect(sinkCopies(servers, q.messageId)).toBe(0);
      await w.client.logout();
    } finally {
      await w.cleanup();
    }
  });
});
