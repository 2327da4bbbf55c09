/**
 * Graph subscription lifecycle on the Microsoft 365 simulator, driven by hand on the fake clock:
 * renewal before expiry, recreation after subscriptionRemoved, reauthorization, removal when the
 * account stops, and the webhook's refusal of anything that does not carry the stored clientState.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testMailbox } from '../../src/providers/microsoft/microsoft-test-harness';
import { startPushWorld, type PushWorld } from './push-harness';

const hour = 3600_000;
const day = 24 * hour;

describe('Graph subscriptions kept alive by the push manager', () => {
  let w: PushWorld;
  beforeEach(async () => {
    w = await startPushWorld('manual');
    expect(await w.syncByHand()).toMatchObject({ outcome: 'succeeded' }); // creates Tandem / Processed
    expect(await w.manager.ensure(w.account)).toMatchObject({ created: ['capture', 'calendar'], failed: [] });
  });
  afterEach(async () => {
    await w.close();
  });

  const rows = () => w.t.db.repos.pushSubscriptions.list(w.scope, w.account.id);
  const captureRow = async () => (await rows()).find((r) => r.resource === 'capture');
  const simSubs = () => w.env.sim.handle.subscriptions(testMailbox);
  const post = (path: string, body: unknown) => fetch(`${w.appUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('renews before expiry, so notifications keep coming past the first lifetime', async () => {
    const first = await captureRow();
    w.env.clock.advance(5 * day);
    expect(await w.manager.sweep()).toEqual([]);
    expect(await w.manager.ensure(w.account)).toMatchObject({ created: [], renewed: [] });

    w.env.clock.advance(1 * day + hour); // under a day left of the 10,075 minutes
    expect(await w.manager.sweep()).toEqual([{ id: w.account.id, companyId: w.account.companyId }]); // inline ensure (no queue)
    const renewed = await captureRow();
    expect(renewed?.providerSubscriptionId).toBe(first?.providerSubscriptionId);
    expect(renewed?.clientState).toBe(first?.clientState);
    expect(renewed!.expiresAt.getTime() - w.env.clock.now().getTime()).toBeGreaterThan(6 * day);

    w.env.clock.advance(2 * day); // past the first expiry
    await w.drop('late@test.example');
    await w.env.sim.handle.flushNotifications();
    expect(w.syncCalls.map((c) => c.reason)).toEqual(['push']);
  });

  it('recreates a subscription Graph removed and syncs what may have been missed', async () => {
    const old = await captureRow();
    w.env.sim.handle.subscriptionLifecycle(old?.providerSubscriptionId ?? '', 'subscriptionRemoved');
    await w.env.sim.handle.flushNotifications();
    expect(w.syncCalls).toEqual([{ account: { id: w.account.id, companyId: w.account.companyId }, reason: 'push' }]);
    const fresh = await captureRow();
    expect(fresh?.providerSubscriptionId).toBeDefined();
    expect(fresh?.providerSubscriptionId).not.toBe(old?.providerSubscriptionId);
    expect(simSubs().map((s) => s.id)).toContain(fresh?.providerSubscriptionId);
    expect(simSubs()).toHaveLength(2);

    await w.drop('after-recreate@test.example');
    await w.env.sim.handle.flushNotifications();
    expect(w.syncCalls).toHaveLength(2);
  });

  it('renews at once when Graph asks for reauthorization', async () => {
    w.env.clock.advance(2 * day);
    const before = await captureRow();
    w.env.sim.handle.subscriptionLifecycle(before?.providerSubscriptionId ?? '', 'reauthorizationRequired');
    await w.env.sim.handle.flushNotifications();
    const after = await captureRow();
    expect(after?.providerSubscriptionId).toBe(before?.providerSubscriptionId);
    expect(after!.expiresAt.getTime()).toBeGreaterThan(before!.expiresAt.getTime() + day);
    expect(w.syncCalls).toEqual([]);
  });

  it('ignores notifications without the stored clientState, and unknown subscriptions, with the same 202', async () => {
    const row = await captureRow();
    const item = { subscriptionId: row?.providerSubscriptionId, changeType: 'created', resource: 'Users/x/Messages/y', resourceData: { id: 'y' } };
    const wrong = await post('/api/webhooks/microsoft', { value: [{ ...item, clientState: 'guessed' }] });
    const missing = await post('/api/webhooks/microsoft', { value: [item] });
    const unknown = await post('/api/webhooks/microsoft', { value: [{ ...item, subscriptionId: 'no-such-subscription', clientState: row?.clientState }] });
    const garbage = await post('/api/webhooks/microsoft/lifecycle', { hello: 'world' });
    expect([wrong.status, missing.status, unknown.status, garbage.status]).toEqual([202, 202, 202, 202]);
    expect(w.syncCalls).toEqual([]);
    // The same item with the right secret is acted on (the test above is not vacuous).
    expect((await post('/api/webhooks/microsoft', { value: [{ ...item, clientState: row?.clientState }] })).status).toBe(202);
    expect(w.syncCalls).toHaveLength(1);
  });

  it('echoes the validation token as text/plain', async () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 1 + 2 & 3';
    const res = await fetch(`${w.appUrl}/api/webhooks/microsoft/lifecycle?validationToken=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(token);
  });

  it('removes the subscriptions when the account is disconnected', async () => {
    await w.t.db.repos.accounts.disconnect(w.scope, w.account.id, w.env.clock.now());
    expect(await w.manager.sweep()).toHaveLength(1);
    expect(await rows()).toEqual([]);
    // Disconnecting drops the credentials: the subscriptions lapse at Graph on their own.
    await w.drop('after-disconnect@test.example');
    await w.env.sim.handle.flushNotifications();
    expect(w.syncCalls).toEqual([]);
  });

  it('unsubscribes a resource the user turned off', async () => {
    await w.t.db.repos.accounts.update(w.scope, w.account.id, { syncCalendar: false }, w.env.clock.now());
    expect(await w.manager.ensure(w.account)).toMatchObject({ removed: ['calendar'] });
    expect(simSubs().map((s) => s.target.kind)).toEqual(['messages']);
  });
});
