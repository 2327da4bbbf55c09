/**
 * A small typed EWS SOAP 1.1 client on the injected `fetch`, reading answers with ews-xml.ts.
 *
 * DECISION: our own client, not ews-javascript-api (0.15.3). Measured against the simulator on
 * Node 24, the library (a) throws on every extended-property read or write because it calls
 * util.isNullOrUndefined, removed in Node 23 — fixable only by patching a Node built-in at runtime;
 * (b) crashes with an uncaught TypeError when an HTTP 500 has a non-XML body, which IIS sends under
 * load, so a throttled server could take a worker down; (c) derives Autodiscover hosts itself, so it
 * cannot be pointed at configured URLs; (d) does its own HTTP (axios-style XHR), so it would bypass
 * the injected fetch, the abort signal and our timeouts; (e) hides HTTP status and Retry-After, which
 * the error mapper needs. The operations Tandem needs are few and their wire shapes are fixed
 * (see sim/exchange/README.md and the EWS reference), so a typed client is smaller than the shims.
 *
 * Transport: Basic auth on every request (preemptive, as Exchange on-premises accepts over HTTPS;
 * NTLM cannot work on Node 24, whose OpenSSL has no MD4). Every answer goes through map-ews-error.
 * Operations that are not writes (FindItem, GetItem, MoveItem by id…) are repeated inside the run after
 * ErrorServerBusy / 5xx / resets, honouring BackOffMilliseconds up to a cap (retry.ts).
 */
import type { Clock } from '../../domain/clock';
import { ProviderError } from '../errors';
import type { FetchLike } from '../provider';
import { retrySettings, withRetry, type RetryOptions, type RetrySettings } from '../retry';
import { child, children, parseXml, path, textOf, type XNode } from './ews-xml';
import { mapEwsError, type EwsFailure } from './map-ews-error';
import { distinguishedFolderXml, type DistinguishedFolder } from './ews-requests';

export const NS_MESSAGES = 'http://schemas.microsoft.com/exchange/services/2006/messages';
export const NS_TYPES = 'http://schemas.microsoft.com/exchange/services/2006/types';
const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';

export interface EwsClientOptions {
  /** The EWS endpoint, or how to find it once (Autodiscover) when settings do not name it. */
  ewsUrl: string | (() => Promise<string>);
  username: string;
  password: string;
  fetch: FetchLike;
  clock: Clock;
  signal?: AbortSignal;
  /** Per-request timeout; Exchange gives up on a batch after about a minute (default 100 s). */
  timeoutMs?: number;
  /** The connected address; well-known folders are addressed in this mailbox (see distinguishedFolderXml). */
  mailbox?: string;
  /** RequestServerVersion; Exchange2013_SP1 is the newest schema on-premises servers accept. */
  serverVersion?: string;
  /** In-run retries of operations that are not writes (tests inject sleep and random). */
  retry?: RetryOptions;
}

/** One `m:{Op}ResponseMessage`: the item's payload on success, or its own error. */
export type ResponseMessage = { ok: true; node: XNode; warning?: string } | { ok: false; error: ProviderError; node: XNode };

export interface CallOptions {
  /** The request changes state and is not safe to repeat blindly (CreateItem send): made once. */
  write?: boolean;
}

function backOff(node: XNode | undefined): number | undefined {
  const v = children(node, 'Value').find((x) => x.attrs.Name === 'BackOffMilliseconds');
  const n = Number(v?.text.trim());
  return v && Number.isFinite(n) ? n : undefined;
}

/** The fault code of a SOAP fault body ("a:ErrorServerBusy" → ErrorServerBusy), from detail or faultcode. */
function faultOf(doc: XNode | null): { code: string; backOffMs?: number } | undefined {
  const fault = path(doc, 'Body', 'Fault');
  if (!fault) return undefined;
  const detail = child(fault, 'detail');
  const code = textOf(detail, 'ResponseCode') ?? textOf(fault, 'faultcode')?.replace(/^.*:/, '');
  if (!code) return undefined;
  const ms = backOff(child(detail, 'MessageXml'));
  return ms === undefined ? { code } : { code, backOffMs: ms };
}

/** An HTTP 200 that is not the SOAP answer asked for (a proxy's page, a truncated body): retry later. */
function malformed(): ProviderError {
  return new ProviderError('transient', 'EWS answer is not the expected SOAP response', { code: 'malformed_response', status: 200 });
}

export class EwsClient {
  private url: Promise<string> | undefined;
  /** How failed calls (and failed items of a multi-item call, ews-per-item.ts) are repeated inside a run. */
  readonly retry: RetrySettings;

  constructor(private readonly options: EwsClientOptions) {
    this.retry = retrySettings(options.retry, options.signal);
  }

  private ewsUrl(): Promise<string> {
    const { ewsUrl } = this.options;
    if (typeof ewsUrl === 'string') return Promise.resolve(ewsUrl);
    // A failed discovery is not cached: the next call tries again.
    this.url ??= ewsUrl().catch((e: unknown) => {
      this.url = undefined;
      throw e;
    });
    return this.url;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** A well-known folder of the connected mailbox. */
  folder(name: DistinguishedFolder): string {
    return distinguishedFolderXml(name, this.options.mailbox);
  }

  private fail(f: EwsFailure): ProviderError {
    return mapEwsError(f, this.options.clock.now());
  }

  private envelope(body: string): string {
    const version = this.options.serverVersion ?? 'Exchange2013_SP1';
    return (
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS_SOAP}" xmlns:m="${NS_MESSAGES}" xmlns:t="${NS_TYPES}">` +
      // Times we send carry Z and we read UTC back; the context zone only matters for unzoned times.
      `<soap:Header><t:RequestServerVersion Version="${version}"/><t:TimeZoneContext><t:TimeZoneDefinition Id="UTC"/></t:TimeZoneContext></soap:Header>` +
      `<soap:Body>${body}</soap:Body></soap:Envelope>`
    );
  }

  /** POSTs raw XML; returns the parsed document of an HTTP 200, or throws a mapped ProviderError. */
  async post(url: string, xml: string, options: CallOptions = {}): Promise<XNode> {
    const { username, password } = this.options;
    const signals = [AbortSignal.timeout(this.options.timeoutMs ?? 100_000)];
    if (this.options.signal) signals.push(this.options.signal);
    let res: Response;
    let text: string;
    try {
      res = await this.options.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          accept: 'text/xml',
          authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
        },
        body: xml,
        signal: AbortSignal.any(signals),
      });
      text = await res.text();
    } catch (e) {
      throw this.fail({ type: 'network', error: e, mayHaveRun: options.write === true });
    }
    const doc = parseXml(text);
    if (res.status !== 200) {
      const fault = faultOf(doc);
      throw this.fail({ type: 'http', status: res.status, retryAfter: res.headers.get('retry-after'), ...(fault ? { faultCode: fault.code, backOffMs: fault.backOffMs } : {}) });
    }
    if (!doc) throw malformed();
    return doc;
  }

  /**
   * Runs one EWS operation; `body` is the `m:{op}` element. Returns one ResponseMessage per requested
   * thing, in request order (EWS answers batches item by item inside one HTTP 200).
   */
  async call(op: string, body: string, options: CallOptions = {}): Promise<ResponseMessage[]> {
    const once = () => this.callOnce(op, body, options);
    return options.write === true ? once() : withRetry(once, this.retry);
  }

  private async callOnce(op: string, body: string, options: CallOptions): Promise<ResponseMessage[]> {
    const doc = await this.post(await this.ewsUrl(), this.envelope(body), options);
    const fault = faultOf(doc);
    if (fault) throw this.fail({ type: 'response', code: fault.code, ...(fault.backOffMs !== undefined ? { backOffMs: fault.backOffMs } : {}) });
    const messages = path(doc, 'Body', `${op}Response`, 'ResponseMessages');
    if (!messages) throw malformed();
    return messages.children.map((node): ResponseMessage => {
      const cls = node.attrs.ResponseClass;
      const code = textOf(node, 'ResponseCode') ?? 'NoError';
      if (cls === 'Error') {
        const ms = backOff(child(node, 'MessageXml'));
        return { ok: false, node, error: this.fail({ type: 'response', code, ...(ms !== undefined ? { backOffMs: ms } : {}) }) };
      }
      return cls === 'Warning' ? { ok: true, node, warning: code } : { ok: true, node };
    });
  }

  /** Like `call` for an operation on one thing: its payload, or its error thrown. */
  async callOne(op: string, body: string, options: CallOptions = {}): Promise<XNode> {
    const [first] = await this.call(op, body, options);
    if (!first) throw malformed();
    if (!first.ok) throw first.error;
    return first.node;
  }
}
