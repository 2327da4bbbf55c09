/**
 * Sending through the user's own mailbox, end to end on Dovecot + an SMTP sink, delivered by the
 * lead's OutboxWorker on a FakeClock: queued → sent and in Sent once; a timeout after the provider
 * accepted is not sent again (the worker finds our Message-ID in Sent); repeated failures become a
 * dead letter and the activity shows why. Both store drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors';
import { imapProviderFactory } from '../../src/providers/imap/imap-provider';
import type { MailAbility, ProviderFactory } from '../../src/providers/provider';
import { queueEmail, sendMailHandler } from '../../src/sync/send/send-mail';
import { createTestCompany, createTestDb, testDrivers } from '../support/test-db';
import { connectImapAccount, mailClient, startMailServers, testEngine, testVault, type MailServers } from './capture-harness';

let servers: MailServers;
beforeAll(async () => {
  servers = await startMailServers(12);
});
afterAll(async () => {
  await servers?.stop();
});

/** Really sends, then reports a timeout: the provider accepted, we did not hear it. */
function timeoutAfterAcceptance(times: number): ProviderFactory & { sends: number } {
  let left = times;
  const factory = {
    kind: 'imap' as const,
    sends: 0,
    create(ctx: Parameters<ProviderFactory['create']>[0]) {
      const provider = imapProviderFactory.create(ctx);
      const mail = provider.mail;
      if (!mail) throw new Error('imap provider without mail');
      const wrapped: MailAbility = {
        ...mail,
        async send(m) {
          factory.sends++;
          const sent = await mail.send(m);
          if (left-- > 0) throw new ProviderError('transient', 'injected: timeout after the provider accepted', { code: 'ETIMEDOUT', ambiguous: true });
          return sent;
        },
      };
      return { ...provider, mail: wrapped };
    },
  };
  return factory;
}

const sinkCount = (messageId: string) => servers.smtp.messages.filter((m) => m.raw.toString('latin1').includes(`Message-ID: ${messageId}`)).length;

describe.each(testDrivers())('send through the user mailbox (%s)', (driver) => {
  async function world(options: { factory?: ProviderFactory; maxAttempts?: number } = {}) {
    const t = await createTestDb(driver);
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    const engine = testEngine(t.db, vault, {
      handlers: [sendMailHandler],
      ...(options.factory ? { factory: options.factory } : {}),
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
      expect(sinkCount(q.messageId)).toBe(1);
      const sent = servers.smtp.messages.find((m) => m.raw.toString('latin1').includes(q.messageId));
      expect(sent?.recipients.sort()).toEqual(['archive@greenleaf.example', 'margaret@oakridge.example']);
      expect(sent?.raw.toString('latin1')).not.toMatch(/^Bcc:/im);
      expect(await w.engine.outbox.drain()).toEqual([]);
      await w.client.logout();
    } finally {
      await w.cleanup();
    }
  });

  it('a timeout after acceptance is not sent again: exactly one copy in Sent', async () => {
    const factory = timeoutAfterAcceptance(1);
    const w = await world({ factory });
    try {
      const q = await w.queue('Ambiguous');
      expect(await w.engine.outbox.drain()).toEqual(['retry']);
      expect(await w.db.repos.activities.get(w.scope, q.activity.id)).toMatchObject({ status: 'queued' });
      w.engine.clock.advance(10 * 60_000);
      expect(await w.engine.outbox.drain()).toEqual(['already_delivered']);
      expect(factory.sends).toBe(1);
      expect(await w.client.ids('Sent')).toEqual([q.messageId]);
      expect(sinkCount(q.messageId)).toBe(1);
      expect(await w.db.repos.activities.get(w.scope, q.activity.id)).toMatchObject({ status: 'sent' });
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
      expect(sinkCount(q.messageId)).toBe(0);
      await w.client.logout();
    } finally {
      await w.cleanup();
    }
  });
});
