/**
 * accounts.google.com / oauth2.googleapis.com endpoints: the authorize page, /token, /revoke,
 * userinfo and tokeninfo. Paths match the real hosts' paths, so google-auth-library's OAuth2Client
 * works with `endpoints` pointed at the simulator.
 */
import { formBody, json, type SimRequest, type SimResponse } from './http-kit';
import { OAuthError, type OAuthStore } from './oauth-store';
import { renderErrorPage, renderSignInPage } from './oauth-page';
import { pathPattern, type ApiRoute } from './router';
import type { SimWorld } from './state';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris?: string[];
}

export interface SignInChoice {
  address?: string;
  password?: string;
  deny?: boolean;
}

function html(status: number, body: string): SimResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

function redirect(location: string): SimResponse {
  return { status: 302, headers: { location }, body: '' };
}

function oauthError(e: OAuthError): SimResponse {
  return json({ error: e.error, error_description: e.description }, e.status);
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export class OAuthEndpoints {
  constructor(
    private readonly world: SimWorld,
    private readonly store: OAuthStore,
    private readonly clients: OAuthClient[] | undefined,
  ) {}

  /** Checks an authorize request; returns the error page to show, or undefined when it is usable. */
  private validate(q: URLSearchParams): SimResponse | undefined {
    const clientId = q.get('client_id');
    const redirectUri = q.get('redirect_uri');
    if (!clientId) return html(400, renderErrorPage('Error 400: invalid_request', 'Missing required parameter: client_id'));
    if (!redirectUri) return html(400, renderErrorPage('Error 400: invalid_request', 'Missing required parameter: redirect_uri'));
    if (!URL.canParse(redirectUri)) return html(400, renderErrorPage('Error 400: invalid_request', 'Invalid parameter value for redirect_uri'));
    if (this.clients) {
      const client = this.clients.find((c) => c.clientId === clientId);
      if (!client) return html(401, renderErrorPage('Error 401: invalid_client', 'The OAuth client was not found.'));
      if (client.redirectUris && !client.redirectUris.includes(redirectUri)) {
        return html(400, renderErrorPage('Error 400: redirect_uri_mismatch', `The redirect URI ${redirectUri} is not registered for this client.`));
      }
    }
    if (!q.get('scope')) return html(400, renderErrorPage('Error 400: invalid_request', 'Missing required parameter: scope'));
    const method = q.get('code_challenge_method');
    if (method && method !== 'S256' && method !== 'plain') return html(400, renderErrorPage('Error 400: invalid_request', 'Invalid code_challenge_method'));
    return undefined;
  }

  private page(q: URLSearchParams, error?: string): SimResponse {
    return html(
      error ? 401 : 200,
      renderSignInPage({
        request: q.toString(),
        clientId: q.get('client_id') ?? '',
        scopes: (q.get('scope') ?? '').split(' ').filter(Boolean),
        mailboxes: [...this.world.mailboxes.keys()],
        loginHint: q.get('login_hint')?.toLowerCase(),
        error,
      }),
    );
  }

  /** The outcome of the consent page: a redirect with code (or error) and state, or the page again. */
  decide(q: URLSearchParams, choice: SignInChoice): SimResponse {
    const invalid = this.validate(q);
    if (invalid) return invalid;
    const redirectUri = q.get('redirect_uri') ?? '';
    const state = q.get('state') ?? undefined;
    if (choice.deny) return redirect(withParams(redirectUri, { error: 'access_denied', state }));
    if (q.get('response_type') !== 'code') return redirect(withParams(redirectUri, { error: 'unsupported_response_type', state }));
    const address = choice.address?.trim().toLowerCase() ?? '';
    const mb = this.world.mailboxes.get(address);
    if (!mb) return this.page(q, "Couldn't find your Google Account");
    if (mb.password !== undefined && mb.password !== choice.password) return this.page(q, 'Wrong password. Try again.');
    const challenge = q.get('code_challenge') ?? undefined;
    const scope = q.get('scope') ?? '';
    const code = this.store.issueCode({
      mailbox: mb.address,
      clientId: q.get('client_id') ?? '',
      redirectUri,
      scope,
      codeChallenge: challenge,
      codeChallengeMethod: q.get('code_challenge_method') === 'S256' ? 'S256' : 'plain',
      offline: q.get('access_type') === 'offline',
      forceConsent: (q.get('prompt') ?? '').split(' ').includes('consent'),
    });
    return redirect(withParams(redirectUri, { state, code, scope, authuser: '0', prompt: 'consent' }));
  }

  private clientFromRequest(req: SimRequest, form: URLSearchParams): { clientId: string; clientSecret?: string } {
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      return { clientId: decodeURIComponent(id ?? ''), clientSecret: decodeURIComponent(secret ?? '') };
    }
    return { clientId: form.get('client_id') ?? '', clientSecret: form.get('client_secret') ?? undefined };
  }

  private checkClient(clientId: string, clientSecret: string | undefined): void {
    if (!clientId) throw new OAuthError('invalid_request', 'Missing required parameter: client_id');
    if (!this.clients) return;
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!client || client.clientSecret !== clientSecret) throw new OAuthError('invalid_client', 'Unauthorized', 401);
  }

  token(req: SimRequest): SimResponse {
    const form = formBody(req);
    try {
      const { clientId, clientSecret } = this.clientFromRequest(req, form);
      this.checkClient(clientId, clientSecret);
      switch (form.get('grant_type')) {
        case 'authorization_code':
          return json(
            this.store.exchangeCode({
              code: form.get('code') ?? '',
              clientId,
              redirectUri: form.get('redirect_uri') ?? '',
              codeVerifier: form.get('code_verifier') ?? undefined,
            }),
          );
        case 'refresh_token':
          return json(this.store.refresh(form.get('refresh_token') ?? '', clientId));
        default:
          throw new OAuthError('unsupported_grant_type', 'Invalid grant_type: ' + (form.get('grant_type') ?? ''));
      }
    } catch (e) {
      if (e instanceof OAuthError) return oauthError(e);
      throw e;
    }
  }

  private bearerOrParam(req: SimRequest): string {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    return bearer ?? req.query.get('access_token') ?? formBody(req).get('access_token') ?? '';
  }

  routes(): ApiRoute[] {
    const authorizePaths = ['/o/oauth2/v2/auth', '/o/oauth2/auth'];
    const tokenPaths = ['/token', '/o/oauth2/token', '/oauth2/v4/token'];
    const revokePaths = ['/revoke', '/o/oauth2/revoke'];
    const userinfoPaths = ['/oauth2/v3/userinfo', '/oauth2/v2/userinfo', '/v1/userinfo'];
    const tokeninfoPaths = ['/tokeninfo', '/oauth2/v3/tokeninfo'];
    const routes: ApiRoute[] = [];
    for (const p of authorizePaths) {
      routes.push({
        method: 'GET',
        pattern: pathPattern(p),
        operation: 'oauth.authorize',
        auth: 'none',
        handle: ({ req }) => this.validate(req.query) ?? this.page(req.query),
      });
      routes.push({
        method: 'POST',
        pattern: pathPattern(p),
        operation: 'oauth.consent',
        auth: 'none',
        handle: ({ req }) => {
          const form = formBody(req);
          return this.decide(new URLSearchParams(form.get('request') ?? ''), {
            address: form.get('email') || form.get('account') || undefined,
            password: form.get('password') || undefined,
            deny: form.get('action') === 'deny',
          });
        },
      });
    }
    for (const p of tokenPaths) routes.push({ method: 'POST', pattern: pathPattern(p), operation: 'oauth.token', auth: 'none', handle: ({ req }) => this.token(req) });
    for (const p of revokePaths) {
      for (const method of ['POST', 'GET']) {
        routes.push({
          method,
          pattern: pathPattern(p),
          operation: 'oauth.revoke',
          auth: 'none',
          handle: ({ req }) => {
            const token = req.query.get('token') ?? formBody(req).get('token') ?? '';
            return this.store.revoke(token) ? json({}) : json({ error: 'invalid_token', error_description: 'Token expired or revoked' }, 400);
          },
        });
      }
    }
    for (const p of userinfoPaths) {
      for (const method of ['GET', 'POST']) {
        routes.push({ method, pattern: pathPattern(p), operation: 'oauth.userinfo', auth: 'none', handle: ({ req }) => this.userinfo(req) });
      }
    }
    for (const p of tokeninfoPaths) {
      for (const method of ['GET', 'POST']) {
        routes.push({ method, pattern: pathPattern(p), operation: 'oauth.tokeninfo', auth: 'none', handle: ({ req }) => this.tokeninfo(req) });
      }
    }
    return routes;
  }

  private userinfo(req: SimRequest): SimResponse {
    const at = this.store.accessToken(this.bearerOrParam(req));
    const mb = at && this.world.mailboxes.get(at.mailbox);
    if (!mb) return json({ error: 'invalid_request', error_description: 'Invalid Credentials' }, 401, { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' });
    return json({ sub: mb.sub, name: mb.displayName, email: mb.address, email_verified: true });
  }

  private tokeninfo(req: SimRequest): SimResponse {
    const at = this.store.accessToken(this.bearerOrParam(req));
    const mb = at && this.world.mailboxes.get(at.mailbox);
    if (!at || !mb) return json({ error: 'invalid_token', error_description: 'Invalid Value' }, 400);
    const expiresIn = Math.max(0, Math.floor((at.expiresAt - this.world.clock.now().getTime()) / 1000));
    return json({
      azp: at.clientId,
      aud: at.clientId,
      sub: mb.sub,
      scope: at.scope,
      exp: String(Math.floor(at.expiresAt / 1000)),
      expires_in: expiresIn,
      email: mb.address,
      email_verified: 'true',
      access_type: 'offline',
    });
  }
}
