/**
 * Test conveniences: a signed-in Graph caller without msal (PKCE + sign-in pages + token endpoint
 * over fetch), so Graph tests start from a real token issued by the simulator.
 */
import { createHash, randomBytes } from 'node:crypto';
import { signIn, type SignInOptions } from './sign-in-driver';
import { simDefaultApp, type SimApp } from './identity/token-store';

export interface SimTokens {
  accessToken: string;
  refreshToken: string;
}

export const graphTestScopes = 'openid profile offline_access https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Calendars.ReadWrite';

export async function obtainTokens(simUrl: string, who: SignInOptions, app: SimApp = simDefaultApp, tenant = 'common'): Promise<SimTokens> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirectUri = 'http://localhost/callback';
  const url = new URL(`${simUrl}/${tenant}/oauth2/v2.0/authorize`);
  url.search = new URLSearchParams({
    client_id: app.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: graphTestScopes,
    state: 's',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const back = await signIn(simUrl, url.toString(), who);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`sign-in failed: ${back.searchParams.get('error_description') ?? back.toString()}`);
  const res = await fetch(`${simUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: app.clientId,
      client_secret: app.clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
  const body = (await res.json()) as { access_token?: string; refresh_token?: string };
  if (!body.access_token || !body.refresh_token) throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** fetch bound to the simulator's Graph root with a bearer token. */
export function graphClient(simUrl: string, accessToken: string) {
  return (path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${accessToken}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const url = path.startsWith('http') ? path : `${simUrl}/v1.0${path}`;
    return fetch(url, { ...init, headers, body });
  };
}
