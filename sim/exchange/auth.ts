/**
 * Sign-in as on-premises Exchange offers it: a 401 advertising Negotiate, NTLM and Basic, and Basic
 * credentials (DOMAIN\user or UPN) checked against the mailbox's current password. ews-javascript-api's
 * ExchangeCredentials / WebCredentials send Basic preemptively on every request, so Basic is the path
 * the adapter uses. NTLM / Negotiate tokens are not verified: they get the same 401 (documented gap).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Mailbox } from './model';
import type { ExchangeStore } from './store';

export function authenticate(store: ExchangeStore, req: IncomingMessage): Mailbox | null {
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const mb = store.byUsername(decoded.slice(0, colon));
  return mb && mb.password === decoded.slice(colon + 1) ? mb : null;
}

export function challenge(res: ServerResponse, host: string): void {
  res.statusCode = 401;
  res.setHeader('WWW-Authenticate', ['Negotiate', 'NTLM', `Basic realm="${host}"`]);
  res.setHeader('Content-Length', '0');
  res.end();
}
