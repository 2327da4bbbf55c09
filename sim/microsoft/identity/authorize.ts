/**
 * The interactive half of the auth-code flow (v2-oauth2-auth-code-flow docs): sign in, optional MFA,
 * consent, then a redirect carrying `code` and `state` — or `error` and `error_description`.
 * Choices where Entra's exact answer is not documented:
 * - Cancel anywhere → `error=access_denied` with AADSTS65004 (user declined consent).
 * - Tenant requiring admin approval → the "Need admin approval" page (AADSTS90094); leaving it returns
 *   `error=consent_required` with AADSTS90094 in error_description. With prompt=none and no grant
 *   the answer is `consent_required` / AADSTS65001.
 */
import type { SimState } from '../state';
import { adminApprovalPage, adminConsentPage, consentPage, errorPage, formPostPage, mfaPage, signInPage } from './pages';
import type { TokenStore } from './token-store';

export interface PageResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Flow {
  kind: 'authorize' | 'adminconsent';
  tenantPath: string;
  params: URLSearchParams;
  mailbox?: string;
  /** The user reached the "Need admin approval" page. */
  adminBlocked?: boolean;
  expiresAt: number;
}

const html = (body: string, status = 200): PageResult => ({ status, headers: { 'content-type': 'text/html; charset=utf-8' }, body });

export class AuthorizeFlows {
  private flows = new Map<string, Flow>();

  constructor(
    private readonly state: SimState,
    private readonly store: TokenStore,
  ) {}

  private redirect(flow: Flow, values: Record<string, string>): PageResult {
    const p = flow.params;
    const redirectUri = p.get('redirect_uri') ?? '';
    const out = new URLSearchParams(values);
    const state = p.get('state');
    if (state !== null) out.set('state', state);
    const mode = p.get('response_mode') ?? 'query';
    if (mode === 'form_post') return html(formPostPage(redirectUri, out));
    const sep = mode === 'fragment' ? '#' : redirectUri.includes('?') ? '&' : '?';
    return { status: 302, headers: { location: `${redirectUri}${sep}${out.toString()}` }, body: '' };
  }

  private fail(flow: Flow, error: string, code: number, text: string): PageResult {
    return this.redirect(flow, { error, error_description: `AADSTS${code}: ${text}`, error_uri: `https://login.microsoftonline.com/error?code=${code}` });
  }

  private action(flow: Flow): string {
    return flow.kind === 'authorize' ? `/${flow.tenantPath}/oauth2/v2.0/authorize` : `/${flow.tenantPath}/v2.0/adminconsent`;
  }

  private appName(flow: Flow): string {
    return this.store.apps.get(flow.params.get('client_id') ?? '')?.displayName ?? 'Application';
  }

  /** GET …/authorize or …/adminconsent: checks the request, then shows the sign-in page. */
  start(kind: Flow['kind'], tenantPath: string, params: URLSearchParams): PageResult {
    const clientId = params.get('client_id') ?? '';
    const app = this.store.apps.get(clientId);
    if (!app) return html(errorPage(700016, `Application with identifier '${clientId}' was not found in the directory.`), 400);
    const redirectUri = params.get('redirect_uri');
    if (kind === 'authorize' && !redirectUri) return html(errorPage(900144, "The request body must contain the following parameter: 'redirect_uri'."), 400);
    if (redirectUri && app.redirectUris && !app.redirectUris.includes(redirectUri)) {
      return html(errorPage(50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`), 400);
    }
    const flow: Flow = { kind, tenantPath, params, expiresAt: this.store.now() + 60 * 60_000 };
    if (kind === 'authorize') {
      if (params.get('response_type') !== 'code') return this.fail(flow, 'unsupported_response_type', 70005, 'The response_type must be code.');
      if (!params.get('scope')) return this.fail(flow, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
      const method = params.get('code_challenge_method');
      if (method && method !== 'S256' && method !== 'plain') return this.fail(flow, 'invalid_request', 50148, 'Unsupported code_challenge_method.');
      // The simulator keeps no browser session, so silent sign-in cannot succeed.
      if (params.get('prompt') === 'none') return this.fail(flow, 'login_required', 50058, 'A silent sign-in request was sent but no user is signed in.');
    }
    const id = this.state.ids.secret('flow');
    this.flows.set(id, flow);
    return this.signIn(id, flow);
  }

  private signIn(id: string, flow: Flow, error?: string): PageResult {
    const mailboxes = [...this.state.mailboxes.keys()];
    return html(signInPage({ action: this.action(flow), flow: id, mailboxes, loginHint: flow.params.get('login_hint') ?? undefined, error }));
  }

  /** POST of one of the forms. */
  step(form: URLSearchParams): PageResult {
    const id = form.get('flow') ?? '';
    const flow = this.flows.get(id);
    if (!flow || flow.expiresAt <= this.store.now()) return html(errorPage(90014, 'The sign-in session has expired. Start again.'), 400);
    if (form.get('cancel')) {
      this.flows.delete(id);
      if (flow.kind === 'adminconsent') return this.fail(flow, 'access_denied', 65004, 'User declined to consent to access the app.');
      return flow.adminBlocked
        ? this.fail(flow, 'consent_required', 90094, 'Admin consent is required for the permissions requested by this application.')
        : this.fail(flow, 'access_denied', 65004, 'User declined to consent to access the app.');
    }
    switch (form.get('step')) {
      case 'signin': {
        const login = (form.get('login') ?? '').trim().toLowerCase();
        const m = this.state.mailboxes.get(login);
        if (!m) return this.signIn(id, flow, "AADSTS50034: We couldn't find an account with that username.");
        if (m.password !== undefined && form.get('password') !== m.password) {
          return this.signIn(id, flow, 'AADSTS50126: Your account or password is incorrect.');
        }
        flow.mailbox = m.address;
        if (m.mfaCode) return html(mfaPage(this.action(flow), id, m.address));
        return this.afterAuth(id, flow);
      }
      case 'mfa': {
        const m = flow.mailbox ? this.state.mailboxes.get(flow.mailbox) : undefined;
        if (!m) return this.signIn(id, flow);
        if (form.get('otc') !== m.mfaCode) return html(mfaPage(this.action(flow), id, m.address, "That code didn't work. Check the code and try again."));
        return this.afterAuth(id, flow);
      }
      case 'consent':
        if (!flow.mailbox || !form.get('accept')) return this.signIn(id, flow);
        this.store.grants.add(`${flow.mailbox}|${flow.params.get('client_id') ?? ''}`);
        return this.issue(id, flow);
      case 'adminconsent': {
        if (!flow.mailbox || !form.get('accept')) return this.signIn(id, flow);
        const tenant = this.state.tenant(this.state.mailbox(flow.mailbox).tenantId);
        tenant.consent = 'granted';
        this.flows.delete(id);
        return this.redirect(flow, { admin_consent: 'True', tenant: tenant.id, scope: flow.params.get('scope') ?? 'https://graph.microsoft.com/.default' });
      }
      default:
        return this.signIn(id, flow);
    }
  }

  private afterAuth(id: string, flow: Flow): PageResult {
    const address = flow.mailbox ?? '';
    if (flow.kind === 'adminconsent') return html(adminConsentPage(this.action(flow), id, this.appName(flow)));
    const tenant = this.state.tenant(this.state.mailbox(address).tenantId);
    const clientId = flow.params.get('client_id') ?? '';
    const granted = tenant.consent === 'granted' || this.store.grants.has(`${address}|${clientId}`);
    if (granted && flow.params.get('prompt') !== 'consent') return this.issue(id, flow);
    if (tenant.consent === 'admin_required' && !granted) {
      flow.adminBlocked = true;
      return html(adminApprovalPage(this.action(flow), id, this.appName(flow)));
    }
    const scopes = (flow.params.get('scope') ?? '').split(/\s+/).filter(Boolean);
    return html(consentPage(this.action(flow), id, this.appName(flow), scopes));
  }

  private issue(id: string, flow: Flow): PageResult {
    this.flows.delete(id);
    const p = flow.params;
    const code = this.store.issueCode({
      clientId: p.get('client_id') ?? '',
      redirectUri: p.get('redirect_uri') ?? '',
      codeChallenge: p.get('code_challenge') ?? undefined,
      codeChallengeMethod: p.get('code_challenge_method') ?? undefined,
      scope: p.get('scope') ?? '',
      nonce: p.get('nonce') ?? undefined,
      mailbox: flow.mailbox ?? '',
    });
    return this.redirect(flow, { code });
  }
}
