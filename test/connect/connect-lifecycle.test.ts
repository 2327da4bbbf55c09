/**
 * A connection's life through the API: 90 days on a fake clock with warnings and renewal at sign-in,
 * token death → needs reconnect → Reconnect resuming from the stored cursor, Disconnect deleting the
 * secrets but keeping history, and the admin's health page and Resync.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultRetryPolicyConfig } from '../../src/sync/retry-policy';
import { AccountSync } from '../../src/sync/account-sync';
import type { SyncFeature } from '../../src/sync/feature';
import { Scheduler } from '../../src/sync/scheduler';
import { call } from '../api/api-harness';
import { accountRows, connectMicrosoft, demoMailbox, expectNoSecretsLogged, reconnect, save, settings, signInAs, startConnectHarness, type ConnectHarness } from './connect-harness';

let h: ConnectHarness;
beforeAll(async () => {
  h = await startConnectHarness();
});
beforeEach(() => h.reset());
afterEach(() => expectNoSecretsLogged(h));
afterAll(() => h?.close());

const day = 86_400_000;
const login = (local: string) => ({ login: demoMailbox(local).address, password: demoMailbox(local).password });

async function settingsView(session: Parameters<typeof call>[1]) {
  const res = await call(h.app, session, 'GET', '/api/settings/sync');
  expect(res.statusCode).toBe(200);
  return res.json() as { account: { id: string; status: string; statusReason: string | null; expiresAt: string; expiryWarning: string } | null; provider: string | null };
}

/**
 * Lets days pass while the browser stays open: sessions slide (7-day TTL), a Tandem sign-in would
 * renew the connection, so the open session re-reads the settings at least every 6 days.
 */
async function passDays(days: number, session: Parameters<typeof call>[1]): Promise<void> {
  for (let left = days; left > 0; left -= 6) {
    h.clock.advance(Math.min(6, left) * day);
    await settingsView(session);
  }
}

/** A calendar feature that walks Graph delta from the stored cursor and stores the next one, remembering where it started. */
function deltaProbe(startedFrom: (string | null)[]): SyncFeature {
  return {
    name: 'calendar',
    enabled: () => true,
    async run({ account, scope, provider, db, clock }) {
      let cursor = await db.repos.syncState.getCursor(scope, account.id, 'calendar');
      startedFrom.push(cursor);
      const window = { start: new Date(clock.now().getTime() - 10 * day), end: new Date(clock.now().getTime() + 60 * day) };
      for (;;) {
        const page = await provider.calendar!.fetchChanges(cursor, window);
        cursor = page.nextCursor;
        await db.repos.syncState.setCursor(scope, account.id, 'calendar', cursor, clock.now());
        if (!page.more) return { items: page.upserts.length, errors: 0 };
      }
    },
  };
}

function accountSync(features: SyncFeature[]): AccountSync {
  return new AccountSync({
    db: h.db,
    clock: h.clock,
    logger: h.logger,
    credentials: h.credentials,
    providers: h.providers,
    features,
    retry: { ...defaultRetryPolicyConfig, random: () => 0.5 },
    scheduleAt: async () => {},
  });
}

describe('connection lifetime', () => {
  it('warns 14 and 3 days ahead, renews at each Tandem sign-in, and stops at 90 days without one', async () => {
    let session = await signInAs(h, h.admin);
    expect((await connectMicrosoft(h, session, login('ava'))).searchParams.get('connected')).toBe('1');
    const connectedAt = h.clock.now().getTime();
    expect((await settingsView(session)).account?.expiresAt).toBe(new Date(connectedAt + 90 * day).toISOString());

    await passDays(77, session);
    expect((await settingsView(session)).account?.expiryWarning).toBe('14d');
    await passDays(10, session);
    expect((await settingsView(session)).account?.expiryWarning).toBe('3d');

    // Signing in to Tandem renews the connection for another 90 days.
    session = await signInAs(h, h.admin);
    const renewed = await settingsView(session);
    expect(renewed.account).toMatchObject({ expiryWarning: 'none', expiresAt: new Date(h.clock.now().getTime() + 90 * day).toISOString(), status: 'active' });

    // 90 days without a sign-in: the scheduler stops the account, nothing is deleted.
    await passDays(90, session);
    h.clock.advance(60_000);
    const scheduler = new Scheduler({ db: h.db, clock: h.clock, logger: h.logger, enqueueSync: async () => {}, wakeOutbox: async () => {} });
    expect((await scheduler.tick()).expired).toBe(1);
    const expired = await settingsView(session);
    expect(expired.account).toMatchObject({ status: 'needs_reconnect', statusReason: 'connection_expired' });
    const [row] = await accountRows(h);
    expect(row?.credentialsSecret).toBeTruthy();

    // Reconnect: same account, renewed, active again.
    session = await signInAs(h, h.admin);
    expect((await connectMicrosoft(h, session, login('ava'), await reconnect(h, session))).searchParams.get('connected')).toBe('1');
    const back = await settingsView(session);
    expect(back.account).toMatchObject({ id: row!.id, status: 'active', statusReason: null, expiryWarning: 'none' });
    expect(back.account?.expiresAt).toBe(new Date(h.clock.now().getTime() + 90 * day).toISOString());
  });
});

describe('token death and reconnect', () => {
  it('a revoked refresh token puts the account in needs-reconnect; Reconnect resumes from the stored cursor', async () => {
    const session = await signInAs(h, h.member);
    expect((await connectMicrosoft(h, session, login('ben'))).searchParams.get('connected')).toBe('1');
    const [account] = await accountRows(h);
    const scope = { companyId: h.companyId };
    const startedFrom: (string | null)[] = [];
    const sync = accountSync([deltaProbe(startedFrom)]);

    expect(await sync.run({ accountId: account!.id, companyId: h.companyId, reason: 'connect' })).toMatchObject({ outcome: 'succeeded' });
    const cursor = await h.db.repos.syncState.getCursor(scope, account!.id, 'calendar');
    expect(cursor).toBeTruthy();

    // The user's sessions are revoked at Microsoft; once the access token runs out, refresh fails (AADSTS50173).
    h.sims.microsoft.handle.revokeRefreshTokens('ben@greenleaf.example');
    h.clock.advance(2 * 3600_000);
    expect(await sync.run({ accountId: account!.id, companyId: h.companyId, reason: 'schedule' })).toMatchObject({ outcome: 'failed', action: 'needs_reconnect' });
    const stopped = await settingsView(session);
    expect(stopped.account).toMatchObject({ id: account!.id, status: 'needs_reconnect' });
    expect(stopped.account?.statusReason).toBeTruthy();
    // A stopped account does not run at all.
    expect(await sync.run({ accountId: account!.id, companyId: h.companyId, reason: 'schedule' })).toEqual({ outcome: 'skipped', why: 'stopped' });

    const next = await reconnect(h, session);
    expect(next.type === 'redirect' && new URL(next.url).searchParams.get('login_hint')).toBe('ben@greenleaf.example');
    expect((await connectMicrosoft(h, session, login('ben'), next)).searchParams.get('connected')).toBe('1');
    const rows = await accountRows(h);
    expect(rows.map((r) => [r.id, r.status])).toEqual([[account!.id, 'active']]);
    // The cursor survived the reconnect, and the next run starts from it.
    expect(await h.db.repos.syncState.getCursor(scope, account!.id, 'calendar')).toBe(cursor);
    expect(await sync.run({ accountId: account!.id, companyId: h.companyId, reason: 'reconnect' })).toMatchObject({ outcome: 'succeeded' });
    // The failed run never reached the feature (refresh failed first); the one after reconnect resumed.
    expect(startedFrom).toEqual([null, cursor]);
    expect(h.syncNowCalls.map((c) => c.reason)).toEqual(['connect', 'connect']);
  });
});

describe('disconnect', () => {
  it.each([
    ['the Disconnect button', 'button'],
    ['clearing every checkbox and saving', 'save'],
  ])('via %s: stops sync, deletes the stored credentials, keeps every activity', async (_how, how) => {
    const session = await signInAs(h, h.admin);
    await connectMicrosoft(h, session, login('ava'));
    const [account] = await accountRows(h);
    const scope = { companyId: h.companyId };
    const { activity } = await h.db.repos.activities.create(scope, {
      type: 'email',
      direction: 'inbound',
      subject: 'Quote for the spring clean-up',
      from: { address: 'client@customer.example' },
      to: [{ address: 'ava@greenleaf.example' }],
      cc: [],
      occurredAt: h.clock.now(),
      contactIds: [],
      status: 'unmatched',
      dedupeKey: '<quote-1@customer.example>',
      accountId: account!.id,
    });

    if (how === 'button') expect((await call(h.app, session, 'POST', '/api/settings/sync/disconnect', {})).statusCode).toBe(204);
    else expect(await save(h, session, { ...settings('microsoft'), syncEmail: false, syncCalendar: false, syncCaptureFolder: false })).toEqual({ type: 'done' });

    const raw = await h.db.orm.execute(sql`select credentials_secret, status, disconnected_at from connected_accounts where id = ${account!.id}`);
    const rows = (raw as unknown as { rows: { credentials_secret: string | null; status: string; disconnected_at: unknown }[] }).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.credentials_secret).toBeNull();
    expect(rows[0]?.status).toBe('disabled');
    expect(rows[0]?.disconnected_at).not.toBeNull();
    expect(await h.db.repos.activities.get(scope, activity.id)).toMatchObject({ id: activity.id, subject: 'Quote for the spring clean-up' });
    expect((await settingsView(session)).account).toBeNull();
    expect((await call(h.app, session, 'POST', '/api/settings/sync/sync-now', {})).json()).toMatchObject({ error: { code: 'not_connected' } });
    // The mailbox is free again: the resync recipe (clear, save, re-select, sign in, save) ends healthy.
    expect((await connectMicrosoft(h, session, login('ava'))).searchParams.get('connected')).toBe('1');
    expect((await settingsView(session)).account).toMatchObject({ status: 'active' });
  });
});

describe('admin', () => {
  it('sync health lists every account with runs; resync clears the cursors and asks for a run', async () => {
    const member = await signInAs(h, h.member);
    await connectMicrosoft(h, member, login('ben'));
    const [account] = await accountRows(h);
    const scope = { companyId: h.companyId };
    const run = await h.db.repos.syncState.startRun(scope, account!.id, 'calendar', h.clock.now());
    await h.db.repos.syncState.finishRun(scope, run.id, { now: h.clock.now(), items: 3, errors: 1, errorKind: 'throttled', message: 'Graph asked to wait 30 s' });
    await h.db.repos.syncState.setCursor(scope, account!.id, 'calendar', 'delta-1', h.clock.now());
    await h.db.repos.syncState.setCursor(scope, account!.id, 'capture', 'capture-1', h.clock.now());

    expect((await call(h.app, member, 'GET', '/api/admin/sync-health')).statusCode).toBe(403);
    const admin = await signInAs(h, h.admin);
    const health = (await call(h.app, admin, 'GET', '/api/admin/sync-health')).json() as { items: Record<string, unknown>[] };
    expect(health.items).toEqual([
      expect.objectContaining({
        id: account!.id,
        provider: 'microsoft',
        mailboxAddress: 'ben@greenleaf.example',
        status: 'active',
        user: { id: h.member.id, name: 'ben (Tandem)' },
        runs: [expect.objectContaining({ feature: 'calendar', items: 3, errors: 1, errorKind: 'throttled', message: 'Graph asked to wait 30 s' })],
      }),
    ]);

    const res = await call(h.app, admin, 'POST', `/api/admin/accounts/${account!.id}/resync`, {});
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ account: { id: account!.id }, requestedAt: h.clock.now().toISOString(), progress: { state: 'queued' } });
    expect(await h.db.repos.syncState.getCursor(scope, account!.id, 'calendar')).toBeNull();
    expect(await h.db.repos.syncState.getCursor(scope, account!.id, 'capture')).toBeNull();
    expect(h.syncNowCalls.at(-1)).toEqual({ accountId: account!.id, reason: 'resync' });

    // Another company's admin cannot see or resync it.
    await h.reset();
    const stranger = await signInAs(h, h.admin);
    expect((await call(h.app, stranger, 'GET', '/api/admin/sync-health')).json()).toEqual({ items: [] });
    expect((await call(h.app, stranger, 'POST', `/api/admin/accounts/${account!.id}/resync`, {})).statusCode).toBe(404);
  });
});
