/** The simulated Google sign-in and consent page: plain, accessible HTML a browser test can drive. */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface SignInPageInput {
  /** The original authorize query string, carried through the form. */
  request: string;
  clientId: string;
  scopes: string[];
  mailboxes: string[];
  loginHint?: string;
  error?: string;
}

export function renderSignInPage(input: SignInPageInput): string {
  const options = input.mailboxes
    .map((m) => `<option value="${escapeHtml(m)}"${m === input.loginHint ? ' selected' : ''}>${escapeHtml(m)}</option>`)
    .join('');
  const scopes = input.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  const error = input.error ? `<p role="alert" class="error">${escapeHtml(input.error)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Google Accounts (simulated)</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto}label{display:block;margin-top:1rem}.error{color:#b00}</style>
</head><body>
<main>
<h1>Sign in with Google (simulated)</h1>
<p>to continue to <strong>${escapeHtml(input.clientId)}</strong></p>
${error}
<form method="post" action="/o/oauth2/v2/auth">
<input type="hidden" name="request" value="${escapeHtml(input.request)}">
<label for="account">Choose an account</label>
<select id="account" name="account"><option value="">(type an address below)</option>${options}</select>
<label for="email">Or type an email address</label>
<input id="email" name="email" type="email" autocomplete="username" value="">
<label for="password">Password (if the account has one)</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<h2>This app wants to</h2>
<ul>${scopes}</ul>
<button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny">Cancel</button>
</form>
</main>
</body></html>`;
}

export function renderErrorPage(title: string, detail: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(detail)}</p></main></body></html>`;
}
