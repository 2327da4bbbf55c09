/**
 * Capture end to end on a real Dovecot through the engine's AccountSync: the shared scenarios
 * (captureScenarios: drop → contacts → Processed, unmatched then filed, crash between store and move,
 * a send timing out after acceptance lands in Sent once) plus what only IMAP has: the same
 * Message-ID from two mailboxes of one company, a changed UIDVALIDITY, the server going down in the
 * middle of a run, and a password changed at the provider. Both store drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import { imapProviderFactory } from '../../src/providers/imap/imap-provider';
import type { MailAbility, ProviderFactory } from '../../src/providers/provider';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { sealCredentials } from '../../src/sync/credentials';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../support/test-db';
import { connectImapAccount, mailClient, rawMessage, sinkCopies, startMailServers, testEngine, testVault, type MailServers } from './capture-harness';
import { captureScenarios, type MailRig } from './capture-scenarios';

let servers: MailServers;
beforeAll(async () => {
  servers = await startMailServers(20);
});
afterAll(async () => {
  await servers?.stop();
});

async function imapRig(): Promise<MailRig> {
  const user = servers.takeUser();
  const client = await mailClient(servers, user);
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  return {
    mailbox: user.address,
    clock,
    factory: imapProviderFactory,
    connect: (db, vault, scope, userId) => connectImapAccount(db, vault, scope, userId, servers, user, clock.now()),
    drop: (raw) => client.drop('Tandem', raw),
    messageIds: (folder) => client.ids(folder === 'capture' ? 'Tandem' : 'Processed'),
    recipient: 'margaret@oakridge.example',
    bcc: 'archive@greenleaf.example',
    async expectSentOnce(messageId) {
      expect(await client.ids('Sent')).toEqual([messageId]);
      expect(sinkCopies(servers, messageId)).toBe(1);
      const sent = servers.smtp.messages.find((m) => m.raw.toString('latin1').includes(messageId));
      expect(sent?.recipients.sort()).toEqual(['archive@greenleaf.example', 'margaret@oakridge.example']);
      expect(sent?.raw.toString('latin1')).not.toMatch(/^bcc:/im);
    },
    close: () => client.logout(),
  };
}

captureScenarios('IMAP (Dovecot)', imapRig);

describe.each(testDrivers())('capture on Dovecot (%s)', (driver) => {
  async function world(options: { factory?: ProviderFactory; batchSize?: number } = {}) {
    const t: TestDb = await createTestDb(driver);
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    const engine = testEngine(t.db, vault, { features: [captureFeature({ batchSize: options.batchSize })], factory: options.factory });
    const connect = async () => {
      const user = servers.takeUser();
      const account = await connectImapAccount(t.db, vault, scope, userId, servers, user, engine.clock.now());
      return { user, account, client: await mailClient(servers, user) };
    };
    return { ...t, scope, userId, vault, engine, connect };
  }

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
      expect(await w.db.repos.syncState.getCursor(w.scope, account.id, 'capture')).not.toBeNull();
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

  it('Dovecot going down mid-run (first batch moved, the rest not) is transient; back up, the rerun finishes without duplicates', async () => {
    // The IMAP provider, except that its second move finds the server gone: batch 1 is in Processed,
    // later batches are stored or not yet fetched (the pipeline overlaps fetch, store and move).
    let moves = 0;
    const downOnSecondMove: ProviderFactory = {
      kind: 'imap',
      create(ctx) {
        const provider = imapProviderFactory.create(ctx);
        const mail = provider.mail;
        if (!mail) throw new Error('imap provider without mail');
        const wrapped: MailAbility = {
          ...mail,
          async markProcessed(folders, refs) {
            if (++moves === 2) await servers.dovecot.down();
            return mail.markProcessed(folders, refs);
          },
        };
        return { ...provider, mail: wrapped };
      },
    };
    const w = await world({ factory: downOnSecondMove, batchSize: 2 });
    try {
      const { user, account, client } = await w.connect();
      const c = await w.db.repos.contacts.create(w.scope, { name: 'D', emails: ['d@client.example'] });
      const ids = Array.from({ length: 6 }, (_, i) => `<down-${i}@client.example>`);
      for (const id of ids) await client.drop('Tandem', rawMessage({ id: id.slice(1, -1), from: 'd@client.example', to: user.address }));
      await client.logout();
      const storedKeys = async () => (await w.db.repos.activities.listForContact(w.scope, c.id)).items.map((a) => a.dedupeKey).sort();

      try {
        expect(await w.engine.sync(account)).toMatchObject({ outcome: 'failed', kind: 'transient' });
      } finally {
        await servers.dovecot.up();
      }
      expect((await w.db.repos.accounts.get(w.scope, account.id))?.status).toBe('active');
      const after = await mailClient(servers, user);
      const processed = await after.ids('Processed');
      const waiting = await after.ids('Tandem');
      // Stopped mid-way: the first batch moved, the rest still waits, nothing is lost or doubled.
      expect(processed.length).toBeGreaterThanOrEqual(2);
      expect(waiting.length).toBeGreaterThan(0);
      expect([...processed, ...waiting].sort()).toEqual([...ids].sort());
      const stored = await storedKeys();
      for (const id of processed) expect(stored).toContain(id);

      w.engine.clock.advance(60 * 60_000); // past the backoff the failed run recorded
      expect(await w.engine.sync(account)).toEqual({ outcome: 'succeeded', items: waiting.length, errors: 0 });
      expect(await storedKeys()).toEqual([...ids].sort());
      expect(await after.ids('Tandem')).toEqual([]);
      expect((await after.ids('Processed')).sort()).toEqual([...ids].sort());
      expect(await w.db.repos.capturedMessages.listUnprocessed(w.scope, account.id)).toEqual([]);
      await after.logout();
    } finally {
      await w.cleanup();
    }
  });

  // Last in its block: a failed login from this IP makes Dovecot delay the next one a little.
  it('a password changed at the provider: needs reconnect, mail waits in Tandem; reconnected, capture resumes', async () => {
    const w = await world();
    try {
      const { user, account, client } = await w.connect();
      const c = await w.db.repos.contacts.create(w.scope, { name: 'P', emails: ['p@client.example'] });
      await client.drop('Tandem', rawMessage({ id: 'before@client.example', from: 'p@client.example', to: user.address }));
      expect(await w.engine.sync(account)).toMatchObject({ outcome: 'succeeded', items: 1 });

      const changed = `${user.password}-changed-at-the-provider`;
      await servers.dovecot.setPassword(user.user, changed);
      // The user's own mail client signs in again with the new password too.
      client.close();
      const mine = await mailClient(servers, { ...user, password: changed });
      await mine.drop('Tandem', rawMessage({ id: 'after@client.example', from: 'p@client.example', to: user.address }));
      expect(await w.engine.sync(account)).toMatchObject({ outcome: 'failed', kind: 'auth_revoked' });
      expect(await w.db.repos.accounts.get(w.scope, account.id)).toMatchObject({ status: 'needs_reconnect' });
      // Sync stops without touching the mail: nothing is lost while the account waits for the user.
      expect(await w.engine.sync(account)).toMatchObject({ outcome: 'skipped' });
      expect(await mine.ids('Tandem')).toEqual(['<after@client.example>']);

      // Reconnect stores the new password (proved by a login) and makes the account active again.
      const sealed = sealCredentials(w.vault, account.id, { kind: 'password', username: user.user, password: changed });
      await w.db.repos.accounts.setCredentials(w.scope, account.id, sealed, w.engine.clock.now());
      await w.db.repos.accounts.setStatus(w.scope, account.id, 'active', null, w.engine.clock.now());
      expect(await w.engine.sync({ ...account, credentialsSecret: sealed })).toEqual({ outcome: 'succeeded', items: 1, errors: 0 });
      const keys = (await w.db.repos.activities.listForContact(w.scope, c.id)).items.map((a) => a.dedupeKey).sort();
      expect(keys).toEqual(['<after@client.example>', '<before@client.example>']);
      expect(await mine.ids('Tandem')).toEqual([]);
      expect((await mine.ids('Processed')).sort()).toEqual(['<after@client.example>', '<before@client.example>']);
      await mine.logout();
    } finally {
      await w.cleanup();
    }
  });
});
