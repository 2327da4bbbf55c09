import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import { msalAuthOptions, msalNetworkClient, signIn, simDefaultApp, startMicrosoftSim } from './index';
import type { SimServer } from '../common/sim-server';
import type { MicrosoftSimHandle } from './handle';
import { obtainTokens } from './testing';

const redirectUri = 'http://localhost:3000/auth/microsoft/callback';
const scopes = ['https://graph.microsoft.com/Mail.ReadWrite', 'https://graph.microsoft.com/Calendars.ReadWrite'];

let sim: SimServer<MicrosoftSimHandle>;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock('2026-11-02T09:00:00Z');
  sim = await startMicrosoftSim({ clock, seed: 7 });
  sim.handle.addMailbox({ address: 'ava@contoso.example', displayName: 'Ava Stone', type: 'user', password: 'pw-ava' });
});
afterEach(() => sim.close());

function msal(tenant = 'common'): ConfidentialClientApplication {
  const config: Configuration = {
    auth: { clientId: simDefaultApp.clientId, clientSecret: simDefaultApp.clientSecret, ...msalAuthOptions(tenant) },
    system: { networkClient: msalNetworkClient(sim.url) },
  };
  return new ConfidentialClientApplication(config);
}

async function tokenForm(body: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}/common/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: simDefaultApp.clientId, client_secret: simDefaultApp.clientSecret, ...body }).toString(),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('identity through msal-node', () => {
  it('runs auth code + PKCE, then refreshes with a rotated refresh token', async () => {
    const app = msal();
    const { verifier, challenge } = await new (await import('@azure/msal-node')).CryptoProvider().generatePkceCodes();
    const url = await app.getAuthCodeUrl({ scopes, redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256', state: 'xyz' });
    const back = await signIn(sim.url, url, { login: 'ava@contoso.example', password: 'pw-ava' });
    expect(back.searchParams.get('state')).toBe('xyz');
    const code = back.searchParams.get('code') ?? '';
    const result = await app.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: verifier });
    expect(result.accessToken).toMatch(/^EwBsim/);
    expect(result.account?.username).toBe('ava@contoso.example');

    const me = await fetch(`${sim.url}/v1.0/me`, { headers: { authorization: `Bearer ${result.accessToken}` } });
    expect(((await me.json()) as { mail: string }).mail).toBe('ava@contoso.example');

    const silent = await app.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true });
    expect(silent.accessToken).not.toBe(result.accessToken);
    expect(sim.handle.counters.count(undefined, 'oauth.token')).toBe(2);

    // A code is single-use.
    await expect(app.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: verifier })).rejects.toMatchObject({ errorCode: 'invalid_grant' });
  });

  it('rejects a wrong PKCE verifier with AADSTS501481', async () => {
    const app = msal();
    const url = await app.getAuthCodeUrl({ scopes, redirectUri, codeChallenge: 'a'.repeat(43), codeChallengeMethod: 'S256' });
    const back = await signIn(sim.url, url, { login: 'ava@contoso.example', password: 'pw-ava' });
    const r = await tokenForm({ grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: redirectUri, code_verifier: 'b'.repeat(43) });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
  });

  it('asks for the MFA code when required', async () => {
    sim.handle.requireMfa('ava@contoso.example', '424242');
    const app = msal();
    const url = await app.getAuthCodeUrl({ scopes, redirectUri });
    await expect(signIn(sim.url, url, { login: 'ava@contoso.example', password: 'pw-ava', otc: '000000' })).rejects.toThrow(/MFA/);
    const back = await signIn(sim.url, url, { login: 'ava@contoso.example', password: 'pw-ava', otc: '424242' });
    expect(back.searchParams.get('code')).toBeTruthy();
  });

  it('reports a wrong password on the page and a cancelled consent as access_denied / AADSTS65004', async () => {
    const app = msal();
    const url = await app.getAuthCodeUrl({ scopes, redirectUri, state: 'st' });
    await expect(signIn(sim.url, url, { login: 'ava@contoso.example', password: 'nope' })).rejects.toThrow(/50126/);
    const back = await signIn(sim.url, url, { login: 'ava@contoso.example', password: 'pw-ava', consent: 'cancel' });
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toMatch(/^AADSTS65004/);
    expect(back.searchParams.get('state')).toBe('st');
  });

  it('answers an admin-approval tenant with consent_required / AADSTS90094 until an admin consents', async () => {
    sim.handle.setTenantConsent('contoso.example', 'admin_required');
    const app = msal('organizations');
    const url = await app.getAuthCodeUrl({ scopes, redirectUri });
    const refused = await signIn(sim.url, url, { login: 'ava@contoso.example', password: 'pw-ava' });
    expect(refused.searchParams.get('error')).toBe('consent_required');
    expect(refused.searchParams.get('error_description')).toMatch(/^AADSTS90094/);

    const consentUrl = `${sim.url}/contoso.example/v2.0/adminconsent?client_id=${simDefaultApp.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=a&scope=https://graph.microsoft.com/.default`;
    const granted = await signIn(sim.url, consentUrl, { login: 'ava@contoso.example', password: 'pw-ava' });
    expect(granted.searchParams.get('admin_consent')).toBe('True');
    const ok = await signIn(sim.url, url, { login: 'ava@contoso.example', password: 'pw-ava' });
    expect(ok.searchParams.get('code')).toBeTruthy();
  });
});

describe('refresh token death', () => {
  it('rotates refresh tokens and keeps the previous one alive', async () => {
    const t = await obtainTokens(sim.url, { login: 'ava@contoso.example', password: 'pw-ava' });
    const r1 = await tokenForm({ grant_type: 'refresh_token', refresh_token: t.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.json.refresh_token).not.toBe(t.refreshToken);
    expect(r1.json.expires_in).toBe(3599);
    expect((await tokenForm({ grant_type: 'refresh_token', refresh_token: t.refreshToken })).status).toBe(200);
  });

  it('answers revoked and password-changed grants with invalid_grant 50173', async () => {
    const t1 = await obtainTokens(sim.url, { login: 'ava@contoso.example', password: 'pw-ava' });
    sim.handle.revokeRefreshTokens('ava@contoso.example');
    expect((await tokenForm({ grant_type: 'refresh_token', refresh_token: t1.refreshToken })).json).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
    const t2 = await obtainTokens(sim.url, { login: 'ava@contoso.example', password: 'pw-ava' });
    sim.handle.changePassword('ava@contoso.example');
    expect((await tokenForm({ grant_type: 'refresh_token', refresh_token: t2.refreshToken })).json).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });

  it('expires an inactive refresh token after the lifetime on the injected clock (700082) and access tokens after 3599 s', async () => {
    const t = await obtainTokens(sim.url, { login: 'ava@contoso.example', password: 'pw-ava' });
    clock.advance(3600_000);
    const me = await fetch(`${sim.url}/v1.0/me`, { headers: { authorization: `Bearer ${t.accessToken}` } });
    expect(me.status).toBe(401);
    expect(((await me.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
    clock.advance(90 * 86_400_000);
    const r = await tokenForm({ grant_type: 'refresh_token', refresh_token: t.refreshToken });
    expect(r.json).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
    sim.handle.setRefreshTokenLifetime(86_400_000);
    const t2 = await obtainTokens(sim.url, { login: 'ava@contoso.example', password: 'pw-ava' });
    clock.advance(86_400_001);
    expect((await tokenForm({ grant_type: 'refresh_token', refresh_token: t2.refreshToken })).json).toMatchObject({ error_codes: [700082] });
  });

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const res = await fetch(`${sim.url}/common/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: simDefaultApp.clientId, client_secret: 'wrong', grant_type: 'refresh_token', refresh_token: 'x' }).toString(),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });
});
