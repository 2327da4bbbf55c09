/**
 * Google push through the simulator: a Gmail watch on the Tandem label publishing to a Pub/Sub topic
 * whose push subscription delivers to our webhook, and a Calendar channel. A push pulls the run
 * forward; the run (by hand here) files the message. Forged pushes are ignored.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createGoogleProviderFactory } from '../../src/providers/google';
import { connect, startGoogleTestEnv, testMailbox, type GoogleTestEnv } from '../../src/providers/google/google-test-harness';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { CredentialService, sealCredentials } from '../../src/sync/credentials';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { ProviderAccess } from '../../src/sync/provider-access';
import type { AccountRef } from '../../src/sync/push/push-due';
import { PushManager } from '../../src/sync/push/push-manager';
import { rawMessage, silent, testEngine, testVault } from '../capture/capture-harness';
import { createTestCompany, createTestDb, type TestDb } from '../support/test-db';
import { contactAddress, publicUrl, serveWebhooks } from './push-harness';

const topic = 'projects/tandem-test/topics/gmail-push';

describe('push on the Google simulator', () => {
  let env: GoogleTestEnv;
  let t: TestDb;
  let app: FastifyInstance;
  let appUrl = '';
  let account: ConnectedAccount;
  let scope: { companyId: string };
  let manager: PushManager;
  let syncByHand: () => Promise<unknown>;
  const syncCalls: { account: AccountRef; reason: string }[] = [];

  beforeEach(async () => {
    syncCalls.length = 0;
    env = await startGoogleTestEnv({ notificationFetch: (input, init) => fetch(String(input).replace(publicUrl, appUrl), init) });
    t = await createTestDb('pglite');
    const company = await createTestCompany(t.db);
    scope = company.scope;
    const vault = testVault();
    await t.db.repos.contacts.create(scope, { name: 'Margaret Ellis', emails: [contactAddress] });
    const created = await t.db.repos.accounts.create(scope, { userId: company.userId, provider: 'google', mailboxAddress: testMailbox, endpoints: env.endpoints, now: env.clock.now() });
    await t.db.repos.accounts.setCredentials(scope, created.id, sealCredentials(vault, created.id, await connect(env)), env.clock.now());
    account = { ...created };
    // GOOGLE_PUBSUB_TOPIC reaches the adapter through its factory options.
    const factory = createGoogleProviderFactory({ push: { gmailTopic: topic } });
    const providers = new ProviderAccess({ factories: { google: factory }, endpoints: env.endpoints, oauthClients: {}, fetch: env.fetch, clock: env.clock, logger: silent, limiter: new MailboxLimiter(() => 4) });
    const credentials = new CredentialService({ db: t.db, vault, clock: env.clock, oauthFor: () => env.oauth });
    manager = new PushManager({ db: t.db, clock: env.clock, logger: silent, credentials, providers, publicUrl });
    const served = await serveWebhooks({ db: t.db, clock: env.clock, syncNow: async (a, reason) => void syncCalls.push({ account: a, reason }) });
    app = served.app;
    appUrl = served.url;
    env.sim.handle.setPubSubEndpoint(topic, `${publicUrl}/api/webhooks/google/gmail`);
    const hand = testEngine(t.db, vault, { features: [captureFeature()], factory, clock: env.clock, oauth: env.oauth });
    syncByHand = async () => hand.sync((await t.db.repos.accounts.get(scope, account.id)) ?? account);
    expect(await syncByHand()).toMatchObject({ outcome: 'succeeded' }); // creates the Tandem / Processed labels
    expect(await manager.ensure(account)).toMatchObject({ created: ['capture', 'calendar'], failed: [] });
    await env.sim.handle.flushNotifications(); // the channel's first `sync` message
  });
  afterEach(async () => {
    await app?.close();
    await t?.cleanup();
    await env?.close();
  });

  const ref = () => ({ id: account.id, companyId: account.companyId });

  it('a message labelled Tandem pushes through Pub/Sub, and the run it asks for files it', async () => {
    expect(syncCalls).toEqual([]); // `sync` on a new channel is not a change
    env.sim.handle.placeMessage(testMailbox, 'Tandem', rawMessage({ id: 'gmail-push@test.example', from: contactAddress, to: testMailbox }));
    await env.sim.handle.flushNotifications();
    expect(syncCalls).toEqual([{ account: ref(), reason: 'push' }]);
    expect(await syncByHand()).toMatchObject({ outcome: 'succeeded', items: 1 });
    expect(env.sim.handle.messagesWithLabel(testMailbox, 'Processed')).toHaveLength(1);
  });

  it('a calendar change arrives on the channel', async () => {
    env.sim.handle.createProviderEvent(testMailbox, { summary: 'Walkthrough', start: { dateTime: '2026-11-05T10:00:00', timeZone: 'Europe/Berlin' }, end: { dateTime: '2026-11-05T11:00:00', timeZone: 'Europe/Berlin' } });
    await env.sim.handle.flushNotifications();
    expect(syncCalls).toEqual([{ account: ref(), reason: 'push' }]);
  });

  it('ignores forged pushes: another mailbox, a wrong channel token', async () => {
    const pubsub = (emailAddress: string) => ({ message: { data: Buffer.from(JSON.stringify({ emailAddress, historyId: '1' })).toString('base64'), messageId: '1' }, subscription: 's' });
    const post = (path: string, init: RequestInit) => fetch(`${appUrl}${path}`, { method: 'POST', ...init });
    const json = { 'content-type': 'application/json' };
    const stranger = await post('/api/webhooks/google/gmail', { headers: json, body: JSON.stringify(pubsub('someone@else.example')) });
    const [row] = (await t.db.repos.pushSubscriptions.list(scope, account.id)).filter((r) => r.resource === 'calendar');
    const resourceId = (JSON.parse(row?.data ?? '{}') as { resourceId?: string }).resourceId ?? '';
    const channel = (token: string) => ({ 'x-goog-channel-id': row?.providerSubscriptionId ?? '', 'x-goog-resource-id': resourceId, 'x-goog-resource-state': 'exists', 'x-goog-channel-token': token });
    const forged = await post('/api/webhooks/google/calendar', { headers: channel('guessed') });
    expect([stranger.status, forged.status]).toEqual([202, 202]);
    expect(syncCalls).toEqual([]);
    // The same requests with the real address and token are acted on.
    await post('/api/webhooks/google/gmail', { headers: json, body: JSON.stringify(pubsub(testMailbox)) });
    await post('/api/webhooks/google/calendar', { headers: channel(row?.clientState ?? '') });
    expect(syncCalls).toHaveLength(2);
  });

  it('renews the Gmail watch daily and replaces the Calendar channel before it lapses', async () => {
    const before = await t.db.repos.pushSubscriptions.list(scope, account.id);
    env.clock.advance(25 * 3600_000);
    const report = await manager.ensure(account);
    expect(report.renewed).toEqual(['capture']);
    const channelLeft = before.find((r) => r.resource === 'calendar')!.expiresAt.getTime() - env.clock.now().getTime();
    env.clock.advance(Math.max(0, channelLeft - 3600_000));
    expect((await manager.ensure(account)).renewed).toContain('calendar');
    const after = await t.db.repos.pushSubscriptions.list(scope, account.id);
    const calendarBefore = before.find((r) => r.resource === 'calendar');
    const calendarAfter = after.find((r) => r.resource === 'calendar');
    expect(calendarAfter?.providerSubscriptionId).not.toBe(calendarBefore?.providerSubscriptionId);
    expect(calendarAfter?.clientState).toBe(calendarBefore?.clientState);
  });
});
