import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodeChallengeMethod } from 'google-auth-library';
import type { FakeClock } from '../../src/domain/clock';
import type { SimServer } from '../common/sim-server';
import type { GoogleSimHandle } from './index';
import { connect, gmailScopes, googleError, oauthClient, redirectUri, startWith } from './test-kit';

const ava = 'ava@greenleaf.example';
const day = 24 * 3600_000;

describe('Google OAuth simulator', () => {
  let sim: SimServer<GoogleSimHandle>;
  let clock: FakeClock;

  beforeEach(async () => {
    ({ sim, clock } = await startWith([]));
    sim.handle.addMailbox({ address: ava, password: 'pw-ava' });
  });
  afterEach(() => sim.close());

  async function authUrl(extra: { prompt?: string; challenge?: string } = {}): Promise<string> {
    return oauthClient(sim.url).generateAuthUrl({
      access_type: 'offline',
      prompt: extra.prompt,
      scope: gmailScopes,
      state: 'xyz',
      login_hint: ava,
      code_challenge: extra.challenge ?? 'unused-challenge-value-unused-challenge-value-123',
      code_challenge_method: CodeChallengeMethod.S256,
    });
  }

  it('renders the sign-in page and redirects with code and state after the form is posted', async () => {
    const page = await fetch(await authUrl({ prompt: 'consent' }));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/o/oauth2/v2/auth">');
    expect(html).toContain(`<option value="${ava}" selected>`);
    const request = /name="request" value="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const wrong = await fetch(`${sim.url}/o/oauth2/v2/auth`, {
      method: 'POST',
      body: new URLSearchParams({ request, account: ava, password: 'nope', action: 'allow' }),
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong password');
    const ok = await fetch(`${sim.url}/o/oauth2/v2/auth`, {
      method: 'POST',
      body: new URLSearchParams({ request, account: ava, password: 'pw-ava', action: 'allow' }),
      redirect: 'manual',
    });
    expect(ok.status).toBe(302);
    const location = new URL(ok.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('code')).toMatch(/^4\/0A/);
  });

  it('answers Cancel with error=access_denied', async () => {
    const location = new URL(sim.handle.signIn(await authUrl(), { deny: true }));
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('exchanges a code with the PKCE verifier; a wrong verifier or a reused code is invalid_grant', async () => {
    const client = oauthClient(sim.url);
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const code = () => new URL(sim.handle.signIn(url, { address: ava, password: 'pw-ava' })).searchParams.get('code') ?? '';
    const url = await authUrl({ prompt: 'consent', challenge: codeChallenge });
    const first = code();
    await expect(client.getToken({ code: first, codeVerifier: 'x'.repeat(64) })).rejects.toMatchObject({ response: { data: { error: 'invalid_grant' } } });
    const second = code();
    const { tokens } = await client.getToken({ code: second, codeVerifier });
    expect(tokens.refresh_token).toMatch(/^1\/\/0g/);
    expect(tokens.access_token).toMatch(/^ya29\./);
    expect(tokens.id_token).toBeTruthy();
    await expect(client.getToken({ code: second, codeVerifier })).rejects.toMatchObject({ response: { data: { error: 'invalid_grant' } } });
    const info = await client.getTokenInfo(tokens.access_token ?? '');
    expect(info.email).toBe(ava);
  });

  it('gives a refresh token again only with prompt=consent', async () => {
    const client = oauthClient(sim.url);
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const exchange = async (prompt?: string) => {
      const location = new URL(sim.handle.signIn(await authUrl({ prompt, challenge: codeChallenge }), { address: ava, password: 'pw-ava' }));
      return (await client.getToken({ code: location.searchParams.get('code') ?? '', codeVerifier })).tokens;
    };
    expect((await exchange()).refresh_token).toBeTruthy();
    expect((await exchange()).refresh_token).toBeUndefined();
    expect((await exchange('consent')).refresh_token).toBeTruthy();
  });

  it('refreshes; the refresh token dies after the configured lifetime (90 days default, 7 days when set)', async () => {
    const { auth } = await connect(sim, ava, 'pw-ava');
    const { credentials } = await auth.refreshAccessToken();
    expect(credentials.access_token).toMatch(/^ya29\./);
    clock.advance(89 * day);
    await auth.refreshAccessToken();
    clock.advance(2 * day);
    const err = await auth.refreshAccessToken().catch((e: unknown) => e);
    expect(err).toMatchObject({ response: { status: 400, data: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } } });

    sim.handle.setRefreshTokenLifetime(7 * day);
    const again = await connect(sim, ava, 'pw-ava');
    clock.advance(6 * day);
    await again.auth.refreshAccessToken();
    clock.advance(2 * day);
    await expect(again.auth.refreshAccessToken()).rejects.toMatchObject({ response: { data: { error: 'invalid_grant' } } });
  });

  it('revoking (endpoint or admin) kills refresh and access tokens; a password change kills refresh tokens', async () => {
    const a = await connect(sim, ava, 'pw-ava');
    await a.auth.revokeToken(a.auth.credentials.refresh_token ?? '');
    await expect(a.auth.refreshAccessToken()).rejects.toMatchObject({ response: { data: { error: 'invalid_grant' } } });
    await expect(fetch(`${sim.url}/revoke?token=unknown`, { method: 'POST' }).then((r) => r.status)).resolves.toBe(400);

    const b = await connect(sim, ava, 'pw-ava');
    await b.gmail.users.getProfile({ userId: 'me' });
    sim.handle.revokeTokens(ava);
    const err = await b.gmail.users.getProfile({ userId: 'me' }).catch((e: unknown) => e);
    // The client refreshed on the 401 and got invalid_grant.
    expect(err).toMatchObject({ response: { data: { error: 'invalid_grant' } } });

    const c = await connect(sim, ava, 'pw-ava');
    clock.advance(1000);
    sim.handle.changePassword(ava, 'new-pw');
    await expect(c.auth.refreshAccessToken()).rejects.toMatchObject({ response: { data: { error: 'invalid_grant' } } });
    expect(() => sim.handle.signIn('http://x.invalid/?client_id=a&redirect_uri=http://r.invalid/&scope=s&response_type=code', { address: ava, password: 'pw-ava' })).toThrow(/HTTP 401/);
  });

  it('answers an expired access token with 401 authError, which the client recovers from by refreshing', async () => {
    const { gmail, auth } = await connect(sim, ava, 'pw-ava');
    const token = auth.credentials.access_token ?? '';
    clock.advance(3600_000);
    const raw = await fetch(`${sim.url}/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${token}` } });
    expect(raw.status).toBe(401);
    expect(googleError({ response: { status: 401, data: await raw.json() } }).reason).toBe('authError');
    const before = sim.handle.counters.count(undefined, 'oauth.token');
    const profile = await gmail.users.getProfile({ userId: 'me' });
    expect(profile.data.emailAddress).toBe(ava);
    expect(sim.handle.counters.count(undefined, 'oauth.token')).toBe(before + 1);
  });

  it('serves userinfo for the token holder', async () => {
    const { auth } = await connect(sim, ava, 'pw-ava');
    const res = await fetch(`${sim.url}/oauth2/v3/userinfo`, { headers: { authorization: `Bearer ${auth.credentials.access_token ?? ''}` } });
    expect(await res.json()).toMatchObject({ email: ava, email_verified: true });
    expect((await fetch(`${sim.url}/oauth2/v3/userinfo`)).status).toBe(401);
  });
});
