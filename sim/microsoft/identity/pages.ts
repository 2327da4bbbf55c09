/** The sign-in, MFA, consent and admin-approval pages: deliberately plain HTML forms a test can drive with fetch. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f2f2f2}main{max-width:420px;margin:60px auto;background:#fff;padding:32px;box-shadow:0 2px 6px #0003}
.err{color:#a80000}button{margin:8px 8px 0 0;padding:6px 18px}input[type=text],input[type=password]{width:100%;padding:6px;margin:4px 0}</style>
</head><body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

function form(action: string, flow: string, inner: string): string {
  return `<form method="post" action="${esc(action)}"><input type="hidden" name="flow" value="${esc(flow)}">${inner}</form>`;
}

export interface SignInPage {
  action: string;
  flow: string;
  mailboxes: string[];
  loginHint?: string;
  error?: string;
  needsPassword?: boolean;
}

export function signInPage(p: SignInPage): string {
  const list = p.mailboxes.map((m) => `<li><button type="submit" name="login" value="${esc(m)}">${esc(m)}</button></li>`).join('');
  return layout(
    'Sign in',
    `${p.error ? `<p class="err" id="error">${esc(p.error)}</p>` : ''}` +
      form(
        p.action,
        p.flow,
        `<input type="hidden" name="step" value="signin">
<label>Email, phone, or Skype <input type="text" name="login" value="${esc(p.loginHint ?? '')}"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Sign in</button><button type="submit" name="cancel" value="1">Cancel</button>
<p>Pick an account:</p><ul>${list}</ul>`,
      ),
  );
}

export function mfaPage(action: string, flow: string, address: string, error?: string): string {
  return layout(
    'Enter code',
    `<p>${esc(address)}</p>${error ? `<p class="err" id="error">${esc(error)}</p>` : ''}` +
      form(
        action,
        flow,
        `<input type="hidden" name="step" value="mfa"><label>Code <input type="text" name="otc" autocomplete="one-time-code"></label>
<button type="submit">Verify</button><button type="submit" name="cancel" value="1">Cancel</button>`,
      ),
  );
}

export function consentPage(action: string, flow: string, appName: string, scopes: string[]): string {
  const items = scopes.map((s) => `<li>${esc(s)}</li>`).join('');
  return layout(
    'Permissions requested',
    `<p>${esc(appName)} would like to:</p><ul>${items}</ul>` +
      form(action, flow, `<input type="hidden" name="step" value="consent"><button type="submit" name="accept" value="1">Accept</button><button type="submit" name="cancel" value="1">Cancel</button>`),
  );
}

export function adminApprovalPage(action: string, flow: string, appName: string): string {
  return layout(
    'Need admin approval',
    `<p id="error">AADSTS90094: ${esc(appName)} needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>` +
      form(action, flow, `<input type="hidden" name="step" value="admin"><button type="submit" name="cancel" value="1">Return to the application without granting consent</button>`),
  );
}

export function adminConsentPage(action: string, flow: string, appName: string): string {
  return layout(
    'Permissions requested — accept for your organization',
    `<p>${esc(appName)} needs permission to access resources in your organization.</p>` +
      form(action, flow, `<input type="hidden" name="step" value="adminconsent"><button type="submit" name="accept" value="1">Accept</button><button type="submit" name="cancel" value="1">Cancel</button>`),
  );
}

export function errorPage(code: number, message: string): string {
  return layout('Sorry, but we\u2019re having trouble signing you in.', `<p class="err" id="error">AADSTS${code}: ${esc(message)}</p>`);
}

/** response_mode=form_post: the browser posts code and state to the redirect URI. */
export function formPostPage(redirectUri: string, params: URLSearchParams): string {
  const inputs = [...params].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  return `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${esc(redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
