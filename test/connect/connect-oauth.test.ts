/**
 * Microsoft 365 and Google connect end to end: Save → the provider's sign-in pages (simulators) →
 * our callback → an active account with sealed tokens, capture folders and a first run asked for.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCredentials } from '../../src/sync/credentials';
import { call } from '../api/api-harness';
import {
  accountRows,
  connectGoogle,
  connectMicrosoft,
  demoMailbox,
  expectNoSecretsLogged,
  followCallback,
  otherTenantMailbox,
  publicUrl,
  save,
  settings,
  signInAs,
  startConnectHarness,
  type ConnectHarness,
} from './connect-harness';
import { signIn as microsoftSignIn } from '../../sim/microsoft/index';

let h: ConnectHarness;
beforeAll(async () => {
  h = await startConnectHarness();
});
beforeEach(() => h.reset());
afterEach(() => expectNoSecretsLogged(h));
afterAll(() => h?.close());

const ava = demoMailbox('ava');
const msLogin = (local: string) => ({ login: demoMailbox(local).address, password: demoMailbox(local).password });

describe('Microsoft 365', () => {
  it('connects through the sign-in page: state + PKCE, sealed tokens, capture folders, first run', async () => {
    const session = await signInAs(h, h.admin);
    const next = await save(h, session, settings('microsoft'));
    if (next.type !== 'redirect') throw new Error(JSON.stringify(next));
    const authorize = new URL(next.url);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${publicUrl}/api/oauth/microsoft/callback`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite']));
    expect(authorize.searchParams.get('login_hint')).toBe(h.admin.email);

    const landed = await connectMicrosoft(h, session, msLogin('ava'), next);
    expect(landed.pathname).toBe('/settings/sync');
    expect(landed.searchParams.get('connected')).toBe('1');

    const [row] = await accountRows(h);
    expect(row).toMatchObject({ provider: 'microsoft', mailboxAddress: ava.address, status: 'active', userId: h.admin.id, disconnectedAt: null });
    const creds = openCredentials(h.vault, row!);
    expect(creds.kind).toBe('oauth');
    // Sealed, not stored in clear.
    expect(row!.credentialsSecret).not.toContain(creds.kind === 'oauth' ? creds.refreshToken : '');
    expect(row!.captureFolderId).toBeTruthy();
    expect(row!.processedFolderId).toBeTruthy();
    expect(h.sims.microsoft.handle.webmail.folders(ava.address).map((f) => f.name)).toEqual(expect.arrayContaining(['Tandem', 'Processed']));
    expect(h.syncNowCalls).toEqual([{ accountId: row!.id, reason: 'connect' }]);

    const view = (await call(h.app, session, 'GET', '/api/settings/sync')).json();
    expect(view).toMatchObject({ provider: 'microsoft', syncEmail: true, account: { id: row!.id, status: 'active', mailboxAddress: ava.address, expiryWarning: 'none' } });
    expect(JSON.stringify(view)).not.toMatch(/credentials|accessToken|refreshToken/);
  });

  it('refuses a replayed callback and one arriving in another browser session', async () => {
    const session = await signInAs(h, h.admin);
    const next = await save(h, session, settings('microsoft'));
    if (next.type !== 'redirect') throw new Error(JSON.stringify(next));
    const back = await microsoftSignIn(h.sims.microsoft.url, next.url, msLogin('ava'));
    const other = await signInAs(h, h.member);
    expect((await followCallback(h, other, back)).searchParams.get('error')).toBe('invalid_state');
    // The foreign attempt consumed the state: the real one cannot be completed with it either.
    expect((await followCallback(h, session, back)).searchParams.get('error')).toBe('invalid_state');
    expect(await accountRows(h)).toEqual([]);
  });

  it('a sign-in that comes back after the 10 minutes the state lives is refused', async () => {
    const session = await signInAs(h, h.admin);
    const next = await save(h, session, settings('microsoft'));
    if (next.type !== 'redirect') throw new Error(JSON.stringify(next));
    const back = await microsoftSignIn(h.sims.microsoft.url, next.url, msLogin('ava'));
    h.clock.advance(10 * 60_000 + 1000);
    expect((await followCallback(h, session, back)).searchParams.get('error')).toBe('invalid_state');
    expect(await accountRows(h)).toEqual([]);
  });

  it('"admin approval required" becomes admin_consent_required with the tenant admin-consent link', async () => {
    h.sims.microsoft.handle.setTenantConsent('fabrikam.example', 'admin_required');
    const session = await signInAs(h, h.admin);
    const dora = { login: otherTenantMailbox.address, password: otherTenantMailbox.password };
    const landed = await connectMicrosoft(h, session, dora);
    expect(landed.searchParams.get('error')).toBe('admin_consent_required');
    expect(landed.searchParams.get('message')).toMatch(/administrator/);
    const link = new URL(landed.searchParams.get('adminConsentUrl') ?? '');
    expect(`${link.origin}${link.pathname}`).toMatch(new RegExp(`^${h.sims.microsoft.url}/[^/]+/adminconsent$`));
    expect(await accountRows(h)).toEqual([]);

    // Once an administrator approved, the same Save goes through.
    h.sims.microsoft.handle.setTenantConsent('fabrikam.example', 'granted');
    expect((await connectMicrosoft(h, session, dora)).searchParams.get('connected')).toBe('1');
  });

  it('MFA happens at Microsoft: the code is asked for on its pages, then the connection completes', async () => {
    h.sims.microsoft.handle.requireMfa('cara@greenleaf.example', '246810');
    const session = await signInAs(h, h.admin);
    await expect(connectMicrosoft(h, session, { ...msLogin('cara'), otc: '000000' })).rejects.toThrow(/MFA/);
    expect(await accountRows(h)).toEqual([]);
    const landed = await connectMicrosoft(h, session, { ...msLogin('cara'), otc: '246810' });
    expect(landed.searchParams.get('connected')).toBe('1');
    expect((await accountRows(h))[0]?.mailboxAddress).toBe('cara@greenleaf.example');
  });

  it.each([
    ['shared mailbox', 'office'],
    ['distribution list', 'crew'],
  ])('refuses a %s (unsupported_mailbox) and stores nothing', async (_what, local) => {
    const session = await signInAs(h, h.admin);
    const landed = await connectMicrosoft(h, session, msLogin(local));
    expect(landed.searchParams.get('error')).toBe('unsupported_mailbox');
    expect(await accountRows(h)).toEqual([]);
    expect(h.syncNowCalls).toEqual([]);
  });

  it('refuses a second Tandem user on a mailbox already connected (mailbox_in_use)', async () => {
    const first = await signInAs(h, h.admin);
    expect((await connectMicrosoft(h, first, msLogin('ava'))).searchParams.get('connected')).toBe('1');
    const second = await signInAs(h, h.member);
    const landed = await connectMicrosoft(h, second, msLogin('ava'));
    expect(landed.searchParams.get('error')).toBe('mailbox_in_use');
    const rows = await accountRows(h);
    expect(rows.map((r) => r.userId)).toEqual([h.admin.id]);
  });
});

describe('Google', () => {
  it('connects with offline access and consent, creates the labels, asks for a first run', async () => {
    const session = await signInAs(h, h.member);
    const next = await save(h, session, settings('google'));
    if (next.type !== 'redirect') throw new Error(JSON.stringify(next));
    const q = new URL(next.url).searchParams;
    expect([q.get('access_type'), q.get('prompt'), q.get('code_challenge_method'), q.get('redirect_uri')]).toEqual([
      'offline',
      'consent',
      'S256',
      `${publicUrl}/api/oauth/google/callback`,
    ]);
    const ben = demoMailbox('ben');
    const landed = await connectGoogle(h, session, { address: ben.address, password: ben.password }, next);
    expect(landed.searchParams.get('connected')).toBe('1');
    const [row] = await accountRows(h);
    expect(row).toMatchObject({ provider: 'google', mailboxAddress: ben.address, status: 'active', userId: h.member.id });
    expect(row!.captureFolderId).toBeTruthy();
    expect(h.syncNowCalls.map((c) => c.reason)).toEqual(['connect']);
  });

  it('a denied consent lands back on the settings with access_denied', async () => {
    const session = await signInAs(h, h.member);
    const next = await save(h, session, settings('google'));
    if (next.type !== 'redirect') throw new Error(JSON.stringify(next));
    const landed = await followCallback(h, session, new URL(h.sims.google.handle.signIn(next.url, { deny: true })));
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(await accountRows(h)).toEqual([]);
  });
});

describe('without client credentials configured', () => {
  it('explains what the administrator must register, with the exact redirect URI', async () => {
    const bare = await h.withoutOAuthClients();
    try {
      const session = await signInAs(h, h.admin);
      const res = await call(bare, session, 'PUT', '/api/settings/sync', settings('microsoft'));
      const next = (res.json() as { next: { type: string; code?: string; message?: string } }).next;
      expect(next).toMatchObject({ type: 'error', code: 'not_configured' });
      expect(next.message).toContain(`${publicUrl}/api/oauth/microsoft/callback`);
      expect(next.message).toContain('MICROSOFT_CLIENT_ID');
      expect(await accountRows(h)).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
