import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../errors';
import { googleProviderFactory } from './google-provider';
import { googleApiScopes } from './google-oauth';
import { connect, pkcePair, providerFor, redirectUri, startGoogleTestEnv, testClient, testMailbox, testPassword, type GoogleTestEnv } from './google-test-harness';

async function kindOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (isProviderError(e) ? `${e.kind}:${e.code ?? ''}` : `not a ProviderError: ${String(e)}`),
  );
}

describe('google OAuth on the simulator', () => {
  let env: GoogleTestEnv;
  beforeEach(async () => {
    env = await startGoogleTestEnv();
  });
  afterEach(() => env.close());

  it('asks for offline access, fresh consent, PKCE S256 and the scopes Tandem needs', () => {
    const { challenge } = pkcePair();
    const oauth = googleProviderFactory.oauth?.(testClient, env.endpoints, { fetch: env.fetch, clock: env.clock });
    const url = new URL(oauth?.authorizeUrl({ state: 's-9', codeChallenge: challenge, redirectUri, loginHint: testMailbox }) ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(`${env.sim.url}/o/oauth2/v2/auth`);
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 's-9',
      redirect_uri: redirectUri,
      client_id: testClient.clientId,
      response_type: 'code',
      login_hint: testMailbox,
    });
    expect(q.scope?.split(' ').sort()).toEqual(['email', 'openid', ...googleApiScopes].sort());
  });

  it('the real endpoints: consent on accounts.google.com, tokens at oauth2.googleapis.com', () => {
    const oauth = googleProviderFactory.oauth?.(testClient, {}, { fetch: env.fetch, clock: env.clock });
    const url = new URL(oauth?.authorizeUrl({ state: 's', codeChallenge: 'c', redirectUri }) ?? '');
    expect(url.host).toBe('accounts.google.com');
  });

  it('sign-in → credentials with a refresh token; refresh keeps it and moves the expiry on the injected clock', async () => {
    const creds = await connect(env);
    expect(creds.refreshToken).not.toBe('');
    // Google answers expires_in ≈ 3599 s; the expiry follows the injected clock, not the wall clock.
    const lifetime = (iso: string) => Date.parse(iso) - env.clock.now().getTime();
    expect(lifetime(creds.accessTokenExpiresAt)).toBeGreaterThan(3500_000);
    expect(lifetime(creds.accessTokenExpiresAt)).toBeLessThanOrEqual(3600_000);
    expect(creds.scope?.split(' ')).toEqual(expect.arrayContaining(googleApiScopes));

    env.clock.advance(2 * 3600_000);
    const renewed = await env.oauth.refresh(creds);
    expect(renewed.refreshToken).toBe(creds.refreshToken);
    expect(renewed.accessToken).not.toBe(creds.accessToken);
    expect(lifetime(renewed.accessTokenExpiresAt)).toBeGreaterThan(3500_000);
    const id = await providerFor(env, renewed).identity();
    expect(id).toMatchObject({ address: testMailbox, type: 'user', displayName: 'Ava Green' });
    expect(id.providerUserId).not.toBe(testMailbox);
  });

  it('a revoked grant or a password change is auth_revoked', async () => {
    const creds = await connect(env);
    env.sim.handle.revokeTokens(testMailbox);
    expect(await kindOf(env.oauth.refresh(creds))).toBe('auth_revoked:invalid_grant');

    const again = await connect(env);
    env.clock.advance(1000);
    env.sim.handle.changePassword(testMailbox);
    expect(await kindOf(env.oauth.refresh(again))).toBe('auth_revoked:invalid_grant');
  });

  it('a code redeemed twice, a wrong verifier or a denied consent are clear errors', async () => {
    const { verifier, challenge } = pkcePair();
    const url = env.oauth.authorizeUrl({ state: 's', codeChallenge: challenge, redirectUri });
    const { code } = env.oauth.parseRedirect(new URL(env.sim.handle.signIn(url, { address: testMailbox, password: testPassword })).searchParams);
    expect(await kindOf(env.oauth.exchangeCode({ code, codeVerifier: pkcePair().verifier, redirectUri }))).toBe('auth_revoked:invalid_grant');
    expect(await kindOf(env.oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri }))).toBe('resolved');
    expect(await kindOf(env.oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri }))).toBe('auth_revoked:invalid_grant');

    const denied = new URL(env.sim.handle.signIn(url, { address: testMailbox, deny: true }));
    expect(() => env.oauth.parseRedirect(denied.searchParams)).toThrow(expect.objectContaining({ kind: 'permission', code: 'access_denied' }));
  });

  it('scopes the user unticked are refused at connect', async () => {
    const { verifier, challenge } = pkcePair();
    const full = new URL(env.oauth.authorizeUrl({ state: 's', codeChallenge: challenge, redirectUri }));
    full.searchParams.set('scope', 'openid email https://www.googleapis.com/auth/gmail.modify');
    const { code } = env.oauth.parseRedirect(new URL(env.sim.handle.signIn(full.toString(), { address: testMailbox, password: testPassword })).searchParams);
    expect(await kindOf(env.oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri }))).toBe('permission:scopes_not_granted');
  });

  it('a wrong client secret is permanent (configuration), not a dead grant', async () => {
    // The simulator accepts any client unless clients are registered; register ours to check.
    const strict = await startGoogleTestEnv({ clients: [{ clientId: testClient.clientId, clientSecret: testClient.clientSecret, redirectUris: [redirectUri] }] });
    try {
      const strictCreds = await connect(strict);
      const bad = googleProviderFactory.oauth?.({ ...testClient, clientSecret: 'nope' }, strict.endpoints, { fetch: strict.fetch, clock: strict.clock });
      expect(await kindOf(bad?.refresh(strictCreds) ?? Promise.resolve())).toBe('permanent:invalid_client');
    } finally {
      await strict.close();
    }
  });
});
