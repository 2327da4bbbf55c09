/**
 * EWS pull subscriptions as push on the Exchange simulator: the worker's poller subscribes to the
 * Tandem folder and the calendar, sees a new message or event on its next GetEvents and pulls the
 * run forward; when the account is disconnected the watcher unsubscribes at the server and stops. A
 * push ensure (what connect and disconnect ask for) brings the watcher in line at once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exchangeProviderFactory } from '../../src/providers/exchange';
import { ALICE, ALICE_LOGIN, ALICE_PASSWORD, startExchangeTestEnv, type ExchangeTestEnv } from '../../src/providers/exchange/exchange-test-harness';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { CredentialService, sealCredentials } from '../../src/sync/credentials';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { ProviderAccess } from '../../src/sync/provider-access';
import { LocalWatchers } from '../../src/sync/push/local-watchers';
import { PushManager } from '../../src/sync/push/push-manager';
import { rawMessage, silent, testEngine, testVault } from '../capture/capture-harness';
import { createTestCompany, createTestDb, type TestDb } from '../support/test-db';

describe('EWS pull push on the Exchange simulator', () => {
  let env: ExchangeTestEnv;
  let t: TestDb;
  let watchers: LocalWatchers | undefined;
  afterEach(async () => {
    await watchers?.stop();
    await t?.cleanup();
    await env?.close();
  });

  /** Alice's Exchange account, its folders made by a first run, and what watchers need to reach it. */
  async function connectedAlice() {
    env = await startExchangeTestEnv();
    t = await createTestDb('pglite');
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    const created = await t.db.repos.accounts.create(scope, { userId, provider: 'exchange', mailboxAddress: ALICE, endpoints: { ewsUrl: env.handle.ewsUrl }, now: env.clock.now() });
    await t.db.repos.accounts.setCredentials(scope, created.id, sealCredentials(vault, created.id, { kind: 'password', username: ALICE_LOGIN, password: ALICE_PASSWORD }), env.clock.now());
    const hand = testEngine(t.db, vault, { features: [captureFeature()], factory: exchangeProviderFactory, clock: env.clock });
    expect(await hand.sync((await t.db.repos.accounts.get(scope, created.id)) ?? created)).toMatchObject({ outcome: 'succeeded' }); // creates Tandem / Processed
    const providers = new ProviderAccess({ factories: { exchange: exchangeProviderFactory }, endpoints: {}, oauthClients: {}, fetch: (i, init) => fetch(i, init), clock: env.clock, logger: silent, limiter: new MailboxLimiter(() => 4) });
    const credentials = new CredentialService({ db: t.db, vault, clock: env.clock, oauthFor: () => undefined });
    return { scope, created, providers, credentials };
  }

  it('a message in Tandem or a calendar change is seen on the next poll and pulls the run forward', async () => {
    const { scope, created, providers, credentials } = await connectedAlice();
    const calls: string[] = [];
    watchers = new LocalWatchers({ db: t.db, clock: env.clock, logger: silent, credentials, providers, refreshIntervalMs: 3_600_000, pullIntervalMs: 20, syncNow: async (a) => void calls.push(a.id) });
    await watchers.start();
    expect(watchers.watching()).toEqual([created.id]);
    // A few polls with nothing new ask for no run.
    const polls = () => env.handle.counters.count(undefined, 'GetEvents');
    await vi.waitFor(() => expect(polls()).toBeGreaterThanOrEqual(6), { timeout: 5_000, interval: 10 });
    expect(calls).toEqual([]);

    env.handle.placeMessage(ALICE, 'Tandem', rawMessage({ id: 'ews-pull@test.example', from: 'carol@client.test', to: ALICE }));
    await vi.waitFor(() => expect(calls).toEqual([created.id]), { timeout: 5_000, interval: 10 });
    env.handle.createProviderEvent(ALICE, { subject: 'Site visit', start: '2026-11-04T10:00:00', end: '2026-11-04T11:00:00', timeZone: 'GMT Standard Time' });
    await vi.waitFor(() => expect(calls).toHaveLength(2), { timeout: 5_000, interval: 10 });

    expect(env.handle.counters.count(undefined, 'Unsubscribe')).toBe(0);
    await t.db.repos.accounts.disconnect(scope, created.id, env.clock.now());
    await watchers.refresh();
    expect(watchers.watching()).toEqual([]);
    // The watcher ends both pull subscriptions at the server (with the credentials it started with) and drops its lease.
    expect(env.handle.counters.count(undefined, 'Unsubscribe')).toBe(2);
    expect(await t.db.repos.pushSubscriptions.list(scope, created.id)).toEqual([]);
  }, 30_000);

  it('the push ensure that connect and disconnect ask for starts and stops the watcher at once', async () => {
    const { scope, created, providers, credentials } = await connectedAlice();
    // Never started: its hourly refresh would not come during the test, so only the ensure can act.
    const local = new LocalWatchers({ db: t.db, clock: env.clock, logger: silent, credentials, providers, refreshIntervalMs: 3_600_000, pullIntervalMs: 20, syncNow: async () => undefined });
    watchers = local;
    const manager = new PushManager({ db: t.db, clock: env.clock, logger: silent, credentials, providers, publicUrl: 'https://tandem.example', afterEnsure: () => local.refresh() });

    await manager.requestEnsure(created);
    expect(local.watching()).toEqual([created.id]);
    await t.db.repos.accounts.disconnect(scope, created.id, env.clock.now());
    await manager.requestEnsure(created);
    expect(local.watching()).toEqual([]);
    expect(env.handle.counters.count(undefined, 'Unsubscribe')).toBe(2);
  }, 30_000);
});
