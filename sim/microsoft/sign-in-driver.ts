/**
 * Drives the simulator's sign-in pages with fetch, the way a user clicks through them, and returns
 * the redirect the browser would follow (with `code` or `error`). For tests and the demo.
 */
import type { FetchLike } from '../../src/providers/provider';
import { toSimUrl } from './identity/metadata';

export interface SignInOptions {
  login: string;
  password?: string;
  /** MFA code, when the mailbox requires one. */
  otc?: string;
  /** What to do on the consent / admin-approval page (default accept). */
  consent?: 'accept' | 'cancel';
  fetch?: FetchLike;
}

export class SignInPageError extends Error {
  override name = 'SignInPageError';
}

function field(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

function decode(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

/** Returns the final redirect URL (the app's redirect_uri with code/state or error). */
export async function signIn(simUrl: string, authorizeUrl: string, opts: SignInOptions): Promise<URL> {
  const f = opts.fetch ?? fetch;
  let res = await f(toSimUrl(authorizeUrl, simUrl), { redirect: 'manual' });
  for (let step = 0; step < 8; step++) {
    const location = res.headers.get('location');
    if (res.status === 302 && location) return new URL(location);
    const html = await res.text();
    if (res.status !== 200) throw new SignInPageError(decode(/id="error">([^<]*)</.exec(html)?.[1] ?? `HTTP ${res.status}`));
    const action = decode(/<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '');
    const flow = decode(field(html, 'flow') ?? '');
    const kind = field(html, 'step');
    const form = new URLSearchParams({ flow, step: kind ?? '' });
    if (kind === 'signin') {
      if (step > 0 && html.includes('id="error"')) throw new SignInPageError(decode(/id="error">([^<]*)</.exec(html)?.[1] ?? 'sign-in failed'));
      form.set('login', opts.login);
      if (opts.password !== undefined) form.set('password', opts.password);
    } else if (kind === 'mfa') {
      if (html.includes('id="error"')) throw new SignInPageError('MFA code rejected');
      form.set('otc', opts.otc ?? '');
    } else if (kind === 'consent' || kind === 'adminconsent') {
      form.set(opts.consent === 'cancel' ? 'cancel' : 'accept', '1');
    } else if (kind === 'admin') {
      form.set('cancel', '1');
    } else {
      throw new SignInPageError('unexpected page');
    }
    res = await f(new URL(action, simUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  }
  throw new SignInPageError('too many sign-in steps');
}
