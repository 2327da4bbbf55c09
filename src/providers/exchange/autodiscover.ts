/**
 * POX Autodiscover ("Autodiscover for Exchange", Outlook request schema 2006 → response schema 2006a):
 * POST the address to each candidate URL in turn — https://{domain}/autodiscover/autodiscover.xml,
 * then https://autodiscover.{domain}/autodiscover/autodiscover.xml — and read the EWS URL from
 * Account/Protocol/EwsUrl, preferring EXPR (outside the firewall) over EXCH. Action redirectAddr
 * restarts with the new address, redirectUrl tries that URL (https only); redirects are capped.
 * A 401 anywhere ends the search: the credentials are wrong, and other hosts would say the same.
 * The candidate list is configurable so the connect form and tests can name the server directly.
 */
import { systemClock, type Clock } from '../../domain/clock';
import { isProviderError, ProviderError } from '../errors';
import type { FetchLike } from '../provider';
import { EwsClient } from './ews-client';
import { child, children, esc, textOf, type XNode } from './ews-xml';

const REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MAX_REDIRECTS = 10;

export interface AutodiscoverOptions {
  fetch: FetchLike;
  /** Sign-in name (DOMAIN\user or UPN) and password: Exchange authenticates Autodiscover too. */
  username: string;
  password: string;
  /** Candidate URLs to POST to, in order; defaults to the two documented https forms for the domain. */
  autodiscoverUrls?: string[];
  clock?: Clock;
  timeoutMs?: number;
}

export function defaultAutodiscoverUrls(email: string): string[] {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return [`https://${domain}/autodiscover/autodiscover.xml`, `https://autodiscover.${domain}/autodiscover/autodiscover.xml`];
}

function requestXml(email: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${REQUEST_NS}"><Request>` +
    `<EMailAddress>${esc(email)}</EMailAddress><AcceptableResponseSchema>${RESPONSE_SCHEMA}</AcceptableResponseSchema>` +
    `</Request></Autodiscover>`
  );
}

type Outcome = { ewsUrl: string } | { redirectAddr: string } | { redirectUrl: string } | { error: string };

/** Reads a POX answer; exported for table tests. */
export function readAutodiscoverResponse(doc: XNode): Outcome {
  const response = child(doc, 'Response');
  const errorCode = textOf(response, 'Error', 'ErrorCode');
  if (errorCode) return { error: `Autodiscover error ${errorCode}` };
  const account = child(response, 'Account');
  const action = textOf(account, 'Action');
  if (action === 'redirectAddr') return { redirectAddr: textOf(account, 'RedirectAddr') ?? '' };
  if (action === 'redirectUrl') return { redirectUrl: textOf(account, 'RedirectUrl') ?? '' };
  const protocols = children(account, 'Protocol');
  const urlOf = (type: string) => textOf(protocols.find((p) => textOf(p, 'Type') === type), 'EwsUrl');
  const ewsUrl = urlOf('EXPR') ?? urlOf('EXCH');
  return ewsUrl ? { ewsUrl } : { error: 'Autodiscover answered without an EWS URL' };
}

/** Finds the EWS URL for a mailbox; throws ProviderError (auth_revoked, or not_found with the reasons). */
export async function discoverEwsUrl(email: string, options: AutodiscoverOptions): Promise<string> {
  const client = new EwsClient({
    ewsUrl: '',
    username: options.username,
    password: options.password,
    fetch: options.fetch,
    clock: options.clock ?? systemClock,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  let address = email;
  let queue = options.autodiscoverUrls ?? defaultAutodiscoverUrls(address);
  const problems: string[] = [];
  for (let redirects = 0, i = 0; i < queue.length; i++) {
    const url = queue[i] ?? '';
    let outcome: Outcome;
    try {
      outcome = readAutodiscoverResponse(await client.post(url, requestXml(address)));
    } catch (e) {
      if (isProviderError(e) && e.kind === 'auth_revoked') throw e;
      problems.push(`${url}: ${isProviderError(e) ? (e.code ?? e.kind) : 'failed'}`);
      continue;
    }
    if ('ewsUrl' in outcome) return outcome.ewsUrl;
    if ('error' in outcome) {
      problems.push(`${url}: ${outcome.error}`);
      continue;
    }
    if (++redirects > MAX_REDIRECTS) break;
    if ('redirectAddr' in outcome && outcome.redirectAddr.includes('@')) {
      address = outcome.redirectAddr;
      queue = [...queue.slice(0, i + 1), ...(options.autodiscoverUrls ?? defaultAutodiscoverUrls(address))];
    } else if ('redirectUrl' in outcome && outcome.redirectUrl.startsWith('https://')) {
      queue.splice(i + 1, 0, outcome.redirectUrl);
    } else problems.push(`${url}: unusable redirect`);
  }
  throw new ProviderError('not_found', `Autodiscover found no EWS URL for ${email}; enter the EWS URL in the settings. Tried: ${problems.join('; ') || 'nothing'}`, {
    code: 'autodiscover_failed',
  });
}
