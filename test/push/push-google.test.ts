/**
 * Google push through the simulator, on both drivers: a Gmail watch on the Tandem label publishing to
 * a Pub/Sub topic whose authenticated push subscription delivers to our webhook (an OIDC token signed
 * by the simulator's keys, checked against its JWKS), and a Calendar channel with our token. A push
 * pulls the run forward; the run (by hand here) files the message. Forged pushes are refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { generateKeyPairSync, createSign } from 'node:crypto';
import { createGoogleProviderFactory } from '../../src/providers/google';
import { PubSubPushVerifier } from '../../src/providers/google/pubsub-push';
import { connect, startGoogleTestEnv, testMailbox, type GoogleTestEnv } from '../../src/providers/google/google-test-harness';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { CredentialService, sealCredentials } from '../../src/sync/credentials';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { ProviderAccess } from '../../src/sync/provider-access';
import type { AccountRef } from '../../src/sync/push/push-due';
import { PushManager } from '../../src/sync/push/push-manager';
import { rawMessage, silent, testEngine, testVault } from '../capture/capture-harness';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../support/test-db';
import { contactAddress, publicUrl, serveWebhooks } from './push-harness';

const topic = 'projects/tandem-test/topics/gmail-push';
const serviceAccountEmail = 'gmail-push@tandem-test.iam.gserviceaccount.com';
const gmailHook = `${publicUrl}/api/webhooks/google/gmail`;

describe.each(testDrivers())('push on the Google simulator (%s)', (driver) => {
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
    t = await createTestDb(driver);
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
    const gmailAuth = new PubSubPushVerifier({ audience: gmailHook, serviceAccountEmail, jwksUrl: env.sim.handle.pubsubJwksUrl }, { fetch: env.fetch, clock: env.clock });
    const served = await serveWebhooks({ db: t.db, clock: env.clock, gmailAuth, syncNow: async (a, reason) => void syncCalls.push({ account: a, reason }) });
    app = served.app;
    appUrl = served.url;
    env.sim.handle.setPubSubEndpoint(topic, gmailHook, undefined, { serviceAccountEmail });
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

  const pubsub = (emailAddress: string) => JSON.stringify({ message: { data: Buffer.from(JSON.stringify({ emailAddress, historyId: '1' })).toString('base64'), messageId: '1' }, subscription: 's' });
  const post = (path: string, headers: Record<string, string>, body?: string) => fetch(`${appUrl}${path}`, { method: 'POST', headers, ...(body ? { body } : {}) });
  const gmailPost = (authorization: string | undefined, mailbox = testMailbox) =>
    post('/api/webhooks/google/gmail', { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, pubsub(mailbox));
  const claims = (over: Record<string, unknown> = {}) => {
    const iat = Math.floor(env.clock.now().getTime() / 1000);
    return { iss: 'https://accounts.google.com', aud: gmailHook, email: serviceAccountEmail, email_verified: true, sub: '1', iat, exp: iat + 3600, ...over };
  };
  const bearer = (over: Record<string, unknown> = {}) => `Bearer ${env.sim.handle.signPubSubClaims(claims(over))}`;

  it('refuses Gmail pushes without a valid Google token (401) or with one for someone else (403)', async () => {
    const kid = (JSON.parse(Buffer.from(env.sim.handle.signPubSubClaims({}).split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
    // Signed with the right kid but another key: a forger who read the JWKS.
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forgedInput = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}`;
    const forged = `Bearer ${forgedInput}.${createSign('RSA-SHA256').update(forgedInput).sign(forger).toString('base64url')}`;
    const unsigned = `Bearer ${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    const statuses = [
      (await gmailPost(undefined)).status,
      (await gmailPost('Basic dXNlcjpwYXNz')).status,
      (await gmailPost(forged)).status,
      (await gmailPost(unsigned)).status,
      (await gmailPost(bearer({ exp: claims().iat - 3600 }))).status,
      (await gmailPost(bearer({ iss: 'https://evil.example' }))).status,
      (await gmailPost(bearer({ aud: 'https://tandem.example/other' }))).status,
      (await gmailPost(bearer({ email: 'someone@evil.iam.gserviceaccount.com' }))).status,
      (await gmailPost(bearer({ email_verified: false }))).status,
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 403, 403, 403]);
    expect(syncCalls).toEqual([]);
    // The same push with Google's token is acted on (the refusals above are not vacuous).
    expect((await gmailPost(bearer())).status).toBe(202);
    expect(syncCalls).toEqual([{ account: ref(), reason: 'push' }]);
    // A verified push for a mailbox we do not hold is acknowledged, so Pub/Sub does not redeliver it.
    expect((await gmailPost(bearer(), 'someone@else.example')).status).toBe(202);
    expect(syncCalls).toHaveLength(1);
  });

  it('refuses Calendar notifications without the channel token (401) or with a wrong one (403)', async () => {
    const [row] = (await t.db.repos.pushSubscriptions.list(scope, account.id)).filter((r) => r.resource === 'calendar');
    const resourceId = (JSON.parse(row?.data ?? '{}') as { resourceId?: string }).resourceId ?? '';
    const channel = (token?: string, channelId = row?.providerSubscriptionId ?? '') => ({
      'x-goog-channel-id': channelId,
      'x-goog-resource-id': resourceId,
      'x-goog-resource-state': 'exists',
      ...(token === undefined ? {} : { 'x-goog-channel-token': token }),
    });
    const statuses = [
      (await post('/api/webhooks/google/calendar', channel())).status,
      (await post('/api/webhooks/google/calendar', channel('guessed'))).status,
      (await post('/api/webhooks/google/calendar', channel(row?.clientState ?? '', 'tandem-no-such-channel'))).status,
    ];
    expect(statuses).toEqual([401, 403, 403]);
    expect(syncCalls).toEqual([]);
    expect((await post('/api/webhooks/google/calendar', channel(row?.clientState ?? ''))).status).toBe(202);
    expect(syncCalls).toEqual([{ account: ref(), reason: 'push' }]);
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
