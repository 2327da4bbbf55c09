/**
 * IMAP IDLE as push on a real Dovecot: the worker's watcher sees a message arrive in Tandem and
 * pulls the run forward; one watcher per account across processes (lease); the watcher stops when
 * the account needs reconnecting.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import { imapProviderFactory } from '../../src/providers/imap/imap-provider';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { CredentialService } from '../../src/sync/credentials';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { ProviderAccess } from '../../src/sync/provider-access';
import { LocalWatchers } from '../../src/sync/push/local-watchers';
import type { AccountRef } from '../../src/sync/push/push-due';
import { connectImapAccount, mailClient, rawMessage, silent, startMailServers, testEngine, testVault, type MailServers } from '../capture/capture-harness';
import { createTestCompany, createTestDb, type TestDb } from '../support/test-db';

let servers: MailServers;
beforeAll(async () => {
  servers = await startMailServers(2);
});
afterAll(async () => {
  await servers?.stop();
});

describe('IMAP IDLE push on Dovecot', () => {
  let t: TestDb;
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await t?.cleanup();
  });

  it('a message appended to Tandem pulls the run forward; one watcher per account; stops on needs_reconnect', async () => {
    t = await createTestDb('pglite');
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    const clock = new FakeClock(new Date());
    const hand = testEngine(t.db, vault, { features: [captureFeature()], clock });
    const user = servers.takeUser();
    const account = await connectImapAccount(t.db, vault, scope, userId, servers, user, clock.now());
    await t.db.repos.contacts.create(scope, { name: 'Margaret', emails: ['margaret@oakridge.example'] });
    expect(await hand.sync(account)).toMatchObject({ outcome: 'succeeded' }); // creates Tandem / Processed

    const providers = new ProviderAccess({ factories: { imap: imapProviderFactory }, endpoints: {}, oauthClients: {}, fetch: (i, init) => fetch(i, init), clock, logger: silent, limiter: new MailboxLimiter(() => 4) });
    const credentials = new CredentialService({ db: t.db, vault, clock, oauthFor: () => undefined });
    const calls: { process: string; account: AccountRef }[] = [];
    const watchers = (name: string) =>
      new LocalWatchers({ db: t.db, clock, logger: silent, credentials, providers, ownerId: name, refreshIntervalMs: 3_600_000, syncNow: async (a) => void calls.push({ process: name, account: a }) });
    const a = watchers('worker-a');
    const b = watchers('worker-b');
    stops.push(() => a.stop(), () => b.stop());
    await a.start();
    await b.start();
    expect(a.watching()).toEqual([account.id]);
    expect(b.watching()).toEqual([]); // worker-a holds the lease

    // On connect the watcher asks for one run (mail may have arrived while nobody listened).
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 5_000, interval: 20 });
    const client = await mailClient(servers, user);
    stops.push(() => client.logout());
    await client.drop('Tandem', rawMessage({ id: 'idle-1@test.example', from: 'margaret@oakridge.example', to: user.address }));
    await vi.waitFor(() => expect(calls).toHaveLength(2), { timeout: 5_000, interval: 20 });
    expect(calls.every((c) => c.process === 'worker-a' && c.account.id === account.id)).toBe(true);
    expect(await hand.sync(account)).toMatchObject({ outcome: 'succeeded', items: 1 });

    // worker-a stops renewing its lease (it died): after the lease runs out worker-b takes over.
    await a.stop();
    clock.advance(4 * 3_600_000);
    await b.refresh();
    expect(b.watching()).toEqual([account.id]);

    await t.db.repos.accounts.update(scope, account.id, { status: 'needs_reconnect', statusReason: 'auth_revoked' }, clock.now());
    await b.refresh();
    expect(b.watching()).toEqual([]);
    expect(await t.db.repos.pushSubscriptions.list(scope, account.id)).toEqual([]);
  }, 30_000);
});
