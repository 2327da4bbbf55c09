/**
 * Capture end to end on a real Dovecot through the engine's AccountSync: drop → activity on the
 * right contacts → message in Processed; unmatched then filed; crash between store and move; the
 * same Message-ID from two mailboxes of one company; a changed UIDVALIDITY. Both store drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/errors';
import { imapProviderFactory } from '../../src/providers/imap/imap-provider';
import type { MailAbility, ProviderFactory } from '../../src/providers/provider';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../support/test-db';
import { connectImapAccount, mailClient, rawMessage, startMailServers, testEngine, testVault, type MailServers } from './capture-harness';

let servers: MailServers;
beforeAll(async () => {
  servers = await startMailServers(24);
});
afterAll(async () => {
  await servers?.stop();
});

/** The IMAP provider whose markProcessed fails `times` times before working: a crash after store, before move. */
function failingMoves(times: number): ProviderFactory & { moveCalls: number } {
  let left = times;
  const factory = {
    kind: 'imap' as const,
    moveCalls: 0,
    create(ctx: Parameters<ProviderFactory['create']>[0]) {
      const provider = imapProviderFactory.create(ctx);
      const mail = provider.mail;
      if (!mail) throw new Error('imap provider without mail');
      const wrapped: MailAbility = {
        ...mail,
        async markProcessed(folders, refs) {
          factory.moveCalls++;
          if (left-- > 0) throw new ProviderError('transient', 'injected: worker died before the move', { code: 'injected' });
          return mail.markProcessed(folders, refs);
        },
      };
      return { ...provider, mail: wrapped };
    },
  };
  return factory;
}

describe.each(testDrivers())('capture on Dovecot (%s)', (driver) => {
  async function world(options: { factory?: ProviderFactory } = {}) {
    const t: TestDb = await createTestDb(driver);
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    const engine = testEngine(t.db, vault, { features: [captureFeature()], ...options });
    const connect = async () => {
      const user = servers.takeUser();
      const account = await connectImapAccount(t.db, vault, scope, userId, servers, user, engine.clock.now());
      return { user, account, client: await mailClient(servers, user) };
    };
    return { ...t, scope, userId, engine, connect };
  }

  it('files a dropped message on every matching contact and moves it to Processed', async () => {
    const w = await world();
    try {
      const { user, account, client } = await w.connect();
      const margaret = await w.db.repos.contacts.create(w.scope, { name: 'Margaret Ellis', emails: ['margaret@oakridge.example', 'm.ellis@home.example'] });
      const tom = await w.db.repos.contacts.create(w.scope, { name: 'Tom', emails: ['tom@obrien.example'] });
      const sue = await w.db.repos.contacts.create(w.scope, { name: 'Sue', emails: ['sue@replies.example'] });
      await w.db.repos.contacts.create(w.scope, { name: 'Not in it', emails: ['nobody@else.example'] });
      await client.drop('Tandem', rawMessage({ id: 'in-1@oakridge.example', from: 'Margaret <M.Ellis@Home.EXAMPLE>', to: user.address, cc: 'tom@obrien.example', replyTo: 'sue@replies.example', subject: 'Lawn' }));
      await client.drop('Tandem', rawMessage({ id: 'out-1@tandem.test', from: `Me <${user.address}>`, to: 'margaret@oakridge.example', subject: 'Re: Lawn' }));

      const result = await w.engine.sync(account);
      expect(result).toEqual({ outcome: 'succeeded', items: 2, errors: 0 });

      const inbound = await w.db.repos.activities.findByDedupeKey(w.scope, '<in-1@oakridge.example>');
      expect(inbound).toMatchObject({ type: 'email', direction: 'inbound', status: 'filed', subject: 'Lawn', regarding: null });
      expect(inbound?.contactIds).toEqual([margaret.id, tom.id, sue.id].sort());
      const outbound = await w.db.repos.activities.findByDedupeKey(w.scope, '<out-1@tandem.test>');
      expect(outbound).toMatchObject({ direction: 'outbound', status: 'filed', contactIds: [margaret.id] });

      expect(await client.ids('Tandem')).toEqual([]);
      expect((await client.ids('Processed')).sort()).toEqual(['<in-1@oakridge.example>', '<out-1@tandem.test>']);
      const stored = await w.db.repos.accounts.get(w.scope, account.id);
      expect(stored).toMatchObject({ captureFolderId: 'Tandem', processedFolderId: 'Processed' });
      expect(await w.db.repos.syncState.getCursor(w.scope, account.id, 'capture')).not.toBeNull();
      expect(await w.db.repos.capturedMessages.listUnprocessed(w.scope, account.id)).toEqual([]);

      // A second run finds nothing new and changes nothing.
      expect(await w.engine.sync(account)).toEqual({ outcome: 'succeeded', items: 0, errors: 0 });
      expect((await w.db.repos.activities.listForContact(w.scope, margaret.id)).items).toHaveLength(2);
      await client.logout();
    } finally {
      await w.cleanup();
    }
  });

  it('keeps mail matching no contact as unmatched until the user files it', async () => {
    const w = await world();
    try {
      const { user, account, client } = await w.connect();
      await client.drop('Tandem', rawMessage({ id: 'stranger@far.example', from: 'stranger@far.example', to: user.address, subject: 'Quote request' }));
      await w.engine.sync(account);
      const unmatched = await w.db.repos.activities.listUnmatched(w.scope);
      expect(unmatched.items.map((a) => [a.subject, a.status, a.contactIds])).toEqual([['Quote request', 'unmatched', []]]);
      expect(await client.ids('Processed')).toEqual(['<stranger@far.example>']);

      const contact = await w.db.repos.contacts.create(w.scope, { name: 'Stranger', emails: ['stranger@far.example'] });
      const activity = unmatched.items[0];
      if (!activity) throw new Error('no unmatched activity');
      const filed = await w.db.repos.activities.fileToContacts(w.scope, activity.id, [contact.id]);
      expect(filed).toMatchObject({ status: 'filed', contactIds: [contact.id] });
      expect((await w.db.repos.activities.listUnmatched(w.scope)).items).toEqual([]);
      await client.logout();
    } finally {
      await w.cleanup();
    }
  });

  it('after a crash between store and move, the rerun only moves: no duplicate', async () => {
    const factory = failingMoves(1);
    const w = await world({ factory });
    try {
      const { user, account, client } = await w.connect();
      const c = await w.db.repos.contacts.create(w.scope, { name: 'C', emails: ['c@client.example'] });
      for (let i = 0; i < 3; i++) await client.drop('Tandem', rawMessage({ id: `crash-${i}@client.example`, from: 'c@client.example', to: user.address }));

      expect(await w.engine.sync(account)).toMatchObject({ outcome: 'failed', kind: 'transient' });
      expect((await w.db.repos.activities.listForContact(w.scope, c.id)).items).toHaveLength(3);
      expect(await client.ids('Tandem')).toHaveLength(3);
      expect(await w.db.repos.capturedMessages.listUnprocessed(w.scope, account.id)).toHaveLength(3);

      w.engine.clock.advance(60 * 60_000); // past the backoff the failed run recorded
      expect(await w.engine.sync(account)).toEqual({ outcome: 'succeeded', items: 3, errors: 0 });
      expect(factory.moveCalls).toBe(2);
      expect((await w.db.repos.activities.listForContact(w.scope, c.id)).items).toHaveLength(3);
      expect(await client.ids('Tandem')).toEqual([]);
      expect(await client.ids('Processed')).toHaveLength(3);
      expect(await w.db.repos.capturedMessages.listUnprocessed(w.scope, account.id)).toEqual([]);
      await client.logout();
    } finally {
      await w.cleanup();
    }
  });

  it('the same Message-ID captured from two mailboxes of one company is one activity', async () => {
    const w = await world();
    try {
      const a = await w.connect();
      const b = await w.connect();
      const c = await w.db.repos.contacts.create(w.scope, { name: 'Shared', emails: ['shared@client.example'] });
      const raw = rawMessage({ id: 'thread-1@client.example', from: 'shared@client.example', to: `${a.user.address}, ${b.user.address}` });
      await a.client.drop('Tandem', raw);
      await b.client.drop('Tandem', raw);
      expect(await w.engine.sync(a.account)).toMatchObject({ outcome: 'succeeded', items: 1 });
      expect(await w.engine.sync(b.account)).toMatchObject({ outcome: 'succeeded', items: 1 });
      const list = await w.db.repos.activities.listForContact(w.scope, c.id);
      expect(list.items).toHaveLength(1);
      expect(await w.db.repos.capturedMessages.listUnprocessed(w.scope, a.account.id)).toEqual([]);
      expect(await w.db.repos.capturedMessages.listUnprocessed(w.scope, b.account.id)).toEqual([]);
      expect(await b.client.ids('Processed')).toEqual(['<thread-1@client.example>']);
      await Promise.all([a.client.logout(), b.client.logout()]);
    } finally {
      await w.cleanup();
    }
  });

  it('a recreated capture folder (new UIDVALIDITY) resyncs without duplicates', async () => {
    const w = await world();
    try {
      const { user, account, client } = await w.connect();
      await w.db.repos.contacts.create(w.scope, { name: 'R', emails: ['r@client.example'] });
      const raw = rawMessage({ id: 'again@client.example', from: 'r@client.example', to: user.address });
      await client.drop('Tandem', raw);
      await w.engine.sync(account);
      // The user deletes and recreates the folder, then drags the same message in again.
      await client.mailboxDelete('Tandem');
      await client.mailboxCreate('Tandem');
      await client.drop('Tandem', raw);
      expect(await w.engine.sync(account)).toEqual({ outcome: 'succeeded', items: 1, errors: 0 });
      expect(await client.ids('Tandem')).toEqual([]);
      const all = await w.db.repos.activities.findByDedupeKey(w.scope, '<again@client.example>');
      expect(all).toBeDefined();
      expect((await w.db.repos.activities.listUnmatched(w.scope)).items).toEqual([]);
      await client.logout();
    } finally {
      await w.cleanup();
    }
  });
});
