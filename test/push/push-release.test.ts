/**
 * Push subscriptions follow what the user does, through the product's routes (buildRoutes) on the
 * Microsoft 365 simulator, on both drivers: a Graph lifecycle event re-subscribes at once (the manager
 * never sweeps here, so nothing else could), turning Sync Calendar off unsubscribes the calendar, and
 * a disconnect deletes the subscriptions at Graph before the credentials go — or, when Graph fails,
 * goes ahead anyway and leaves them to expire. Connecting another mailbox in place of the connected
 * one ends the old mailbox's subscriptions the same way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signIn as microsoftSignIn } from '../../sim/microsoft/index';
import { testMailbox, testPassword } from '../../src/providers/microsoft/microsoft-test-harness';
import { call } from '../api/api-harness';
import { testDrivers } from '../support/test-db';
import { startPushWorld, type PushWorld } from './push-harness';

describe.each(testDrivers())('push subscriptions follow the account (%s)', (driver) => {
  let w: PushWorld;
  beforeEach(async () => {
    w = await startPushWorld('manual', driver);
    expect(await w.syncByHand()).toMatchObject({ outcome: 'succeeded' }); // creates Tandem / Processed
    expect(await w.manager.ensure(w.account)).toMatchObject({ created: ['capture', 'calendar'], failed: [] });
  });
  afterEach(async () => {
    await w.close();
  });

  const rows = () => w.t.db.repos.pushSubscriptions.list(w.scope, w.account.id);
  const simSubs = () => w.env.sim.handle.subscriptions(testMailbox);
  const settings = { syncEmail: true, syncCalendar: true, syncCaptureFolder: true, calendarPrivacy: 'public', provider: 'microsoft' };

  it('re-subscribes at once when Graph removes a subscription', async () => {
    const old = (await rows()).find((r) => r.resource === 'capture');
    w.env.sim.handle.subscriptionLifecycle(old?.providerSubscriptionId ?? '', 'subscriptionRemoved');
    await w.env.sim.handle.flushNotifications();
    const fresh = (await rows()).find((r) => r.resource === 'capture');
    expect(fresh?.providerSubscriptionId).toBeDefined();
    expect(fresh?.providerSubscriptionId).not.toBe(old?.providerSubscriptionId);
    expect(simSubs().map((s) => s.id).sort()).toEqual((await rows()).map((r) => r.providerSubscriptionId).sort());
  });

  it('unsubscribes the calendar when the user turns Sync Calendar off', async () => {
    const session = await w.signIn();
    const res = await call(w.app, session, 'PUT', '/api/settings/sync', { ...settings, syncCalendar: false });
    expect(res.statusCode).toBe(200);
    expect((await rows()).map((r) => r.resource)).toEqual(['capture']);
    expect(simSubs().map((s) => s.target.kind)).toEqual(['messages']);
  });

  it('deletes the subscriptions at Graph and in the store on disconnect', async () => {
    expect(simSubs()).toHaveLength(2);
    const res = await call(w.app, await w.signIn(), 'POST', '/api/settings/sync/disconnect');
    expect(res.statusCode).toBeLessThan(300);
    expect(simSubs()).toEqual([]);
    expect(await rows()).toEqual([]);
    expect((await w.t.db.repos.accounts.get(w.scope, w.account.id))?.disconnectedAt).not.toBeNull();
  });

  it('disconnects even when Graph refuses to delete, and the subscriptions are left to expire', async () => {
    w.env.sim.handle.faults.add({ kind: 'server_error', match: 'subscriptions.delete' });
    const res = await call(w.app, await w.signIn(), 'POST', '/api/settings/sync/disconnect');
    expect(res.statusCode).toBeLessThan(300);
    expect(w.env.sim.handle.faults.fired()).toBeGreaterThan(0);
    expect(simSubs()).toHaveLength(2);
    expect(await rows()).toEqual([]);
    const account = await w.t.db.repos.accounts.get(w.scope, w.account.id);
    expect(account?.disconnectedAt).not.toBeNull();
    expect(account?.credentialsSecret).toBeNull();
    // Graph still delivers until expiry; nothing is synced for a disconnected account.
    await w.drop('after-disconnect@test.example');
    await w.env.sim.handle.flushNotifications();
    expect(w.syncCalls).toEqual([]);
  });

  it('ends the old mailbox’s subscriptions and subscribes the new one when the user connects another mailbox in its place', async () => {
    const other = 'ben@contoso.example';
    w.env.sim.handle.addMailbox({ address: other, type: 'user', password: testPassword, displayName: 'Ben' });
    expect(simSubs()).toHaveLength(2);
    const session = await w.signIn();
    const res = await call(w.app, session, 'POST', '/api/settings/sync/reconnect', {});
    const next = (res.json() as { next: { type: string; url?: string } }).next;
    if (next.type !== 'redirect' || !next.url) throw new Error(`expected a redirect, got ${res.body}`);
    // At Microsoft's sign-in page the user signs in with the other mailbox.
    const back = await microsoftSignIn(w.env.sim.url, next.url, { login: other, password: testPassword });
    const landed = await w.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { cookie: session.cookie } });
    expect(landed.statusCode).toBe(302);
    expect(new URL(String(landed.headers.location), 'https://tandem.example').searchParams.get('connected')).toBe('1');

    const accounts = await w.t.db.repos.accounts.listForUser(w.scope, w.account.userId);
    expect(accounts.map((a) => a.mailboxAddress)).toEqual([other]);
    expect((await w.t.db.repos.accounts.get(w.scope, w.account.id))?.disconnectedAt).not.toBeNull();
    // The replaced mailbox's subscriptions are gone at Graph and in the store, not left to notify for days.
    expect(simSubs()).toEqual([]);
    expect(await rows()).toEqual([]);
    // The new one is subscribed at once (this manager never sweeps): push works from the first drop.
    expect(w.env.sim.handle.subscriptions(other).map((s) => s.target.kind).sort()).toEqual(['events', 'messages']);
  });
});
