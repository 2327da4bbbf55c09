import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signIn, simDefaultApp } from '../../../sim/microsoft/index';
import { isProviderError } from '../errors';
import { connect, failure, pkcePair, redirectUri, startMicrosoftTestEnv, testMailbox, testPassword, type MicrosoftTestEnv } from './microsoft-test-harness';
import { createMicrosoftOAuth } from './microsoft-oauth';

let env: MicrosoftTestEnv;
beforeEach(async () => {
  env = await startMicrosoftTestEnv();
});
afterEach(() => env.close());


describe('Microsoft sign-in through msal-node', () => {
  it('builds the documented authorize URL with PKCE, offline_access and our state', () => {
    const url = new URL(env.oauth.authorizeUrl({ state: 'xyz', codeChallenge: 'ch', redirectUri, loginHint: testMailbox }));
    expect(`${url.origin}${url.pathname}`).toBe(`${env.sim.url}/organizations/oauth2/v2.0/authorize`);
    const p = url.searchParams;
    expect([p.get('response_type'), p.get('state'), p.get('code_challenge'), p.get('code_challenge_method'), p.get('login_hint')]).toEqual(['code', 'xyz', 'ch', 'S256', testMailbox]);
    expect(p.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'openid', 'User.Read', 'Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite']));
  });

  it('exchanges the code for credentials, then refreshes with a rotated refresh token', async () => {
    const creds = await connect(env);
    expect(creds.accessToken).toMatch(/^EwBsim/);
    expect(creds.refreshToken).toMatch(/^M\.C5sim/);
    expect(creds.tenantId).toBeTruthy();
    // Expiry follows the injected clock and the server's expires_in (3599 s).
    expect(creds.accessTokenExpiresAt).toBe('2026-11-02T09:59:59.000Z');

    env.clock.advance(3_600_000);
    const fresh = await env.oauth.refresh(creds);
    expect(fresh.accessToken).not.toBe(creds.accessToken);
    expect(fresh.refreshToken).not.toBe(creds.refreshToken);
    expect(fresh.tenantId).toBe(creds.tenantId);
    expect(fresh.accessTokenExpiresAt).toBe('2026-11-02T10:59:59.000Z');
    // One token call per grant: offline metadata means no discovery requests.
    expect(env.sim.handle.counters.count(undefined, 'oauth.token')).toBe(2);
    const me = await fetch(`${env.sim.url}/v1.0/me`, { headers: { authorization: `Bearer ${fresh.accessToken}` } });
    expect(me.status).toBe(200);
  });

  it('a code cannot be redeemed twice', async () => {
    const { verifier, challenge } = pkcePair();
    const back = await signIn(env.sim.url, env.oauth.authorizeUrl({ state: 's', codeChallenge: challenge, redirectUri }), { login: testMailbox, password: testPassword });
    const { code, state } = env.oauth.parseRedirect(back.searchParams);
    expect(state).toBe('s');
    await env.oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri });
    const e = await failure(env.oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri }));
    expect([e.kind, e.code]).toEqual(['auth_revoked', 'AADSTS54005']);
  });

  it('revoked sessions make refresh auth_revoked (AADSTS50173)', async () => {
    const creds = await connect(env);
    env.sim.handle.revokeRefreshTokens(testMailbox);
    const e = await failure(env.oauth.refresh(creds));
    expect([e.kind, e.code, e.status]).toEqual(['auth_revoked', 'AADSTS50173', 400]);
  });

  it('a refresh token idle past its lifetime is auth_revoked (AADSTS700082)', async () => {
    const creds = await connect(env);
    env.sim.handle.setRefreshTokenLifetime(90 * 86_400_000);
    env.clock.advance(91 * 86_400_000);
    expect((await failure(env.oauth.refresh(creds))).code).toBe('AADSTS700082');
  });

  it('a tenant that requires admin approval is consent_required with the admin-consent link, which then unblocks sign-in', async () => {
    env.sim.handle.setTenantConsent('contoso.example', 'admin_required');
    const { challenge } = pkcePair();
    const back = await signIn(env.sim.url, env.oauth.authorizeUrl({ state: 's', codeChallenge: challenge, redirectUri }), { login: testMailbox, password: testPassword });
    let caught: unknown;
    try {
      env.oauth.parseRedirect(back.searchParams);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ kind: 'consent_required', code: 'AADSTS90094' });
    const link = isProviderError(caught) ? (caught.adminConsentUrl ?? '') : '';
    expect(link).toBe(`${env.sim.url}/organizations/adminconsent?client_id=${simDefaultApp.clientId}`);

    const tenantLink = env.oauth.adminConsentUrl('contoso.example');
    const approved = await signIn(env.sim.url, `${tenantLink}&redirect_uri=${encodeURIComponent(redirectUri)}`, { login: testMailbox, password: testPassword });
    expect(approved.searchParams.get('admin_consent')).toBe('True');
    expect((await connect(env)).refreshToken).toBeTruthy();
  });

  it('runs the MFA step at the provider', async () => {
    env.sim.handle.requireMfa(testMailbox, '424242');
    const creds = await connect(env, testMailbox, { otc: '424242' });
    expect(creds.accessToken).toBeTruthy();
  });

  it('an unreachable token endpoint is transient, a wrong client secret permanent', async () => {
    const creds = await connect(env);
    const down = createMicrosoftOAuth({ clientId: 'x', clientSecret: 'y' }, env.endpoints, {
      fetch: () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
      clock: env.clock,
    });
    expect((await failure(down.refresh(creds))).kind).toBe('transient');
    const wrong = createMicrosoftOAuth({ clientId: simDefaultApp.clientId, clientSecret: 'wrong' }, env.endpoints, { fetch: (i, init) => fetch(i, init), clock: env.clock });
    const e = await failure(wrong.refresh(creds));
    expect([e.kind, e.code, e.status]).toEqual(['permanent', 'AADSTS7000215', 401]);
  });
});
