/**
 * Exchange (on-premises) connect through the API against the EWS simulator: verified with real EWS
 * calls (Autodiscover when no URL is given, then identity) before anything is stored.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { openCredentials } from '../../src/sync/credentials';
import { call } from '../api/api-harness';
import { accountRows, demoMailbox, expectNoSecretsLogged, reconnect, save, settings, signInAs, startConnectHarness, type ConnectHarness } from './connect-harness';

let h: ConnectHarness;
beforeAll(async () => {
  h = await startConnectHarness();
});
beforeEach(() => h.reset());
afterEach(() => expectNoSecretsLogged(h));
afterAll(() => h?.close());

const ava = demoMailbox('ava');
const exchangeForm = (over: Partial<{ email: string; username: string; password: string; ewsUrl: string }> = {}) => ({
  email: ava.address,
  username: ava.exchangeUsername,
  password: ava.password,
  ...over,
});

describe('Exchange', () => {
  it('connects with the EWS URL given: password sealed, folders created, first run asked for', async () => {
    const session = await signInAs(h, h.admin);
    const next = await save(h, session, settings('exchange', { exchange: exchangeForm({ ewsUrl: h.sims.exchange.handle.ewsUrl }) }));
    expect(next).toEqual({ type: 'done' });
    const [row] = await accountRows(h);
    expect(row).toMatchObject({ provider: 'exchange', mailboxAddress: ava.address, status: 'active', endpoints: { ewsUrl: h.sims.exchange.handle.ewsUrl } });
    expect(openCredentials(h.vault, row!)).toEqual({ kind: 'password', username: ava.exchangeUsername, password: ava.password });
    expect(row!.credentialsSecret).not.toContain(ava.password);
    expect(row!.captureFolderId).toBeTruthy();
    expect(h.syncNowCalls).toEqual([{ accountId: row!.id, reason: 'connect' }]);
    const view = await call(h.app, session, 'GET', '/api/settings/sync');
    expect(view.body).not.toContain(ava.password);
  });

  it('finds the EWS URL with Autodiscover when none is given', async () => {
    const session = await signInAs(h, h.admin);
    expect(await save(h, session, settings('exchange', { exchange: exchangeForm() }))).toEqual({ type: 'done' });
    const [row] = await accountRows(h);
    expect(row?.endpoints.ewsUrl).toBe(h.sims.exchange.handle.ewsUrl);
    expect(h.sims.exchange.handle.counters.count(undefined, 'Autodiscover')).toBeGreaterThan(0);
  });

  it('a wrong password is a clear error and nothing is stored', async () => {
    const session = await signInAs(h, h.admin);
    const wrong = 'not-the-Password-1';
    h.secrets.add(wrong);
    const next = await save(h, session, settings('exchange', { exchange: exchangeForm({ password: wrong, ewsUrl: h.sims.exchange.handle.ewsUrl }) }));
    expect(next).toMatchObject({ type: 'error', code: 'invalid_credentials' });
    expect(await accountRows(h)).toEqual([]);
    expect(h.syncNowCalls).toEqual([]);
    // The same with Autodiscover: Exchange authenticates it too.
    expect(await save(h, session, settings('exchange', { exchange: exchangeForm({ password: wrong }) }))).toMatchObject({ type: 'error', code: 'invalid_credentials' });
    expect(await accountRows(h)).toEqual([]);
  });

  it("refuses a shared mailbox reached with a delegate's credentials", async () => {
    const session = await signInAs(h, h.admin);
    const next = await save(h, session, settings('exchange', { exchange: exchangeForm({ email: 'office@greenleaf.example', ewsUrl: h.sims.exchange.handle.ewsUrl }) }));
    expect(next).toMatchObject({ type: 'error', code: 'unsupported_mailbox' });
    expect(await accountRows(h)).toEqual([]);
  });

  it('refuses a distribution list', async () => {
    const crew = demoMailbox('crew');
    const session = await signInAs(h, h.admin);
    const next = await save(
      h,
      session,
      settings('exchange', { exchange: { email: crew.address, username: crew.exchangeUsername, password: crew.password, ewsUrl: h.sims.exchange.handle.ewsUrl } }),
    );
    expect(next).toMatchObject({ type: 'error', code: 'unsupported_mailbox' });
    expect(await accountRows(h)).toEqual([]);
  });

  it('after a password change: Reconnect asks for the password, Save with the new one keeps the account', async () => {
    const session = await signInAs(h, h.admin);
    await save(h, session, settings('exchange', { exchange: exchangeForm({ ewsUrl: h.sims.exchange.handle.ewsUrl }) }));
    const [before] = await accountRows(h);
    await h.db.repos.syncState.setCursor({ companyId: h.companyId }, before!.id, 'calendar', 'sync-state-7', h.clock.now());
    await h.db.repos.accounts.setStatus({ companyId: h.companyId }, before!.id, 'needs_reconnect', 'auth_revoked', h.clock.now());

    const fresh = 'ava-New-Password-2027';
    h.secrets.add(fresh);
    h.sims.exchange.handle.changePassword(ava.address, fresh);
    // The simulators live for the whole file: give the demo mailbox its password back afterwards.
    onTestFinished(() => h.sims.exchange.handle.changePassword(ava.address, ava.password));
    expect(await reconnect(h, session)).toMatchObject({ type: 'error', code: 'password_required' });
    expect(await save(h, session, settings('exchange', { exchange: exchangeForm({ password: fresh, ewsUrl: h.sims.exchange.handle.ewsUrl }) }))).toEqual({ type: 'done' });

    const rows = await accountRows(h);
    expect(rows.map((r) => [r.id, r.status])).toEqual([[before!.id, 'active']]);
    expect(openCredentials(h.vault, rows[0]!)).toMatchObject({ password: fresh });
    expect(await h.db.repos.syncState.getCursor({ companyId: h.companyId }, before!.id, 'calendar')).toBe('sync-state-7');
  });

  it('Save on a connected account changes its options and the calendar privacy without asking for the password', async () => {
    const session = await signInAs(h, h.admin);
    await save(h, session, settings('exchange', { exchange: exchangeForm({ ewsUrl: h.sims.exchange.handle.ewsUrl }) }));
    const [before] = await accountRows(h);
    const next = await save(h, session, { ...settings('exchange'), syncCalendar: false, calendarPrivacy: 'private' });
    expect(next).toEqual({ type: 'done' });
    const [after] = await accountRows(h);
    expect(after).toMatchObject({ id: before!.id, syncCalendar: false, syncEmail: true, credentialsSecret: before!.credentialsSecret });
    expect(h.syncNowCalls.map((c) => c.reason)).toEqual(['connect', 'settings']);
    const view = (await call(h.app, session, 'GET', '/api/settings/sync')).json();
    expect(view).toMatchObject({ calendarPrivacy: 'private', syncCalendar: false, provider: 'exchange' });
  });

  it('Reconnect with stored credentials that still work reactivates the account; Sync now asks for a run', async () => {
    const session = await signInAs(h, h.admin);
    await save(h, session, settings('exchange', { exchange: exchangeForm({ ewsUrl: h.sims.exchange.handle.ewsUrl }) }));
    const [account] = await accountRows(h);
    // e.g. a transient 401 during an outage stopped it; the password itself was never changed.
    await h.db.repos.accounts.setStatus({ companyId: h.companyId }, account!.id, 'needs_reconnect', 'auth_revoked', h.clock.now());
    expect(await reconnect(h, session)).toEqual({ type: 'done' });
    expect((await accountRows(h))[0]).toMatchObject({ id: account!.id, status: 'active', statusReason: null });

    const res = await call(h.app, session, 'POST', '/api/settings/sync/sync-now', {});
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ account: { id: account!.id, status: 'active' } });
    expect(h.syncNowCalls.map((c) => c.reason)).toEqual(['connect', 'reconnect', 'user']);
  });

  it('Save with a box ticked but no provider is a field error', async () => {
    const session = await signInAs(h, h.admin);
    const res = await call(h.app, session, 'PUT', '/api/settings/sync', settings(null));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ path: 'body.provider' }] } });
  });
});
