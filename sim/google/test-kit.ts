/** Helpers for tests that drive the Google simulator through the official clients. */
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { FakeClock } from '../../src/domain/clock';
import { startGoogleSim, type GoogleSimHandle, type GoogleSimOptions } from './index';
import type { SimServer } from '../common/sim-server';

export const clientId = 'tandem-test.apps.googleusercontent.com';
export const clientSecret = 'sim-secret';
export const redirectUri = 'http://127.0.0.1:9/oauth/google/callback';
export const gmailScopes = ['openid', 'email', 'https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/calendar'];

export function oauthClient(url: string): OAuth2Client {
  return new OAuth2Client({
    clientId,
    clientSecret,
    redirectUri,
    // The simulator's clock is fake while the client computes expiry from real time: refresh on 401.
    forceRefreshOnFailure: true,
    endpoints: {
      oauth2AuthBaseUrl: `${url}/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${url}/token`,
      oauth2RevokeUrl: `${url}/revoke`,
      tokenInfoUrl: `${url}/tokeninfo`,
    },
  });
}

export interface Connected {
  auth: OAuth2Client;
  gmail: gmail_v1.Gmail;
  calendar: calendar_v3.Calendar;
}

/** Signs `address` in (code + PKCE) and returns clients bound to its tokens. Retries are off. */
export async function connect(sim: SimServer<GoogleSimHandle>, address: string, password?: string): Promise<Connected> {
  const auth = oauthClient(sim.url);
  const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
  const authUrl = auth.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope: gmailScopes,
    state: 'st',
    code_challenge: codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
  });
  const location = new URL(sim.handle.signIn(authUrl, { address, password }));
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location.toString()}`);
  const { tokens } = await auth.getToken({ code, codeVerifier });
  auth.setCredentials(tokens);
  const rootUrl = `${sim.url}/`;
  return {
    auth,
    gmail: gmail({ version: 'v1', auth, rootUrl, retry: false }),
    calendar: calendar({ version: 'v3', auth, rootUrl, retry: false }),
  };
}

export async function startWith(addresses: string[], options: GoogleSimOptions = {}): Promise<{ sim: SimServer<GoogleSimHandle>; clock: FakeClock }> {
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const sim = await startGoogleSim({ clock, ...options });
  for (const address of addresses) sim.handle.addMailbox({ address });
  return { sim, clock };
}

/** A small RFC 5322 message. */
export function mime(input: { from?: string; to?: string; subject: string; messageId?: string; body?: string; date?: string }): string {
  return [
    `From: ${input.from ?? 'Carl Customer <carl@customer.example>'}`,
    `To: ${input.to ?? 'ava@greenleaf.example'}`,
    `Subject: ${input.subject}`,
    `Date: ${input.date ?? 'Mon, 02 Nov 2026 08:00:00 +0000'}`,
    `Message-ID: ${input.messageId ?? `<${input.subject.replace(/\W/g, '')}@customer.example>`}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    input.body ?? `Body of ${input.subject}`,
    '',
  ].join('\r\n');
}

export interface GoogleFailure {
  status: number;
  reason?: string;
  headers: Headers | undefined;
}

/** Status, reason and headers of a failed client call; a call that succeeds fails the test. */
export async function failure(call: Promise<unknown>): Promise<GoogleFailure> {
  try {
    await call;
  } catch (e) {
    return googleError(e);
  }
  throw new Error('expected the call to fail');
}

/** The Google error body of a failed client call. */
export function googleError(e: unknown): GoogleFailure {
  const err = e as { status?: number; response?: { status?: number; data?: unknown; headers?: Headers } };
  const data = err.response?.data as { error?: { errors?: Array<{ reason?: string }> } } | undefined;
  return { status: err.response?.status ?? err.status ?? 0, reason: data?.error?.errors?.[0]?.reason, headers: err.response?.headers };
}
