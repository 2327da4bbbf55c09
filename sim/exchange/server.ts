/**
 * The HTTP side: routes (EWS, POX and SOAP Autodiscover), sign-in, request counting per mailbox and
 * operation, and fault injection rendered as Exchange shows it — ErrorServerBusy SOAP fault with
 * BackOffMilliseconds (HTTP 500), IIS 503, ErrorInternalServerError (HTTP 500), and the shared
 * transport faults (timeout, reset, drop after the work is done).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultInjector, RequestCounters } from '../common/faults';
import { applyTransportFault, dropConnection } from '../common/sim-server';
import { authenticate, challenge } from './auth';
import { poxAutodiscover, soapAutodiscover } from './autodiscover';
import { answerEws, readEwsRequest } from './ews-endpoint';
import type { Mailbox } from './model';
import { serverBusyFault, soapFault } from './soap';
import type { ExchangeStore } from './store';
import { serveWebmail } from '../common/webmail';
import type { WebmailSource } from '../common/webmail-source';

export const EWS_PATH = '/EWS/Exchange.asmx';
const MAX_BODY = 64 * 1024 * 1024;

export interface ServerDeps {
  store: ExchangeStore;
  faults: FaultInjector;
  counters: RequestCounters;
  /** Filled in once the port is known. */
  baseUrl: () => string;
  /** The shared webmail page (sim/common/webmail.ts), served at /webmail. */
  webmail?: WebmailSource;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type = 'text/xml; charset=utf-8', extra: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  res.end(body);
}

/** Answers an injected HTTP-level fault; true when the request was consumed. */
function httpFault(res: ServerResponse, kind: string, retryAfterSeconds: number): boolean {
  switch (kind) {
    case 'throttle':
      send(res, 500, serverBusyFault(retryAfterSeconds * 1000));
      return true;
    case 'unavailable':
      // IIS answers 503 itself when the EWS application pool queue is full.
      send(res, 503, '<html><body><h1>Service Unavailable</h1><p>HTTP Error 503. The service is unavailable.</p></body></html>', 'text/html', { 'Retry-After': String(retryAfterSeconds) });
      return true;
    case 'server_error':
      send(res, 500, soapFault('ErrorInternalServerError', 'An internal server error occurred. The operation failed.'));
      return true;
    default:
      return false;
  }
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (deps.webmail && (await serveWebmail(deps.webmail, req, res))) return;
  const url = new URL(req.url ?? '/', 'http://sim.local');
  const route = url.pathname.toLowerCase();
  const ewsUrl = `${deps.baseUrl()}${EWS_PATH}`;
  const known = route === EWS_PATH.toLowerCase() || route === '/autodiscover/autodiscover.xml' || route === '/autodiscover/autodiscover.svc';
  if (!known) return send(res, 404, 'Not Found', 'text/plain');
  if (req.method !== 'POST') return send(res, 405, 'Method Not Allowed', 'text/plain', { Allow: 'POST' });
  const body = await readBody(req);
  if (body === null) return send(res, 413, 'Request Entity Too Large', 'text/plain');

  const mailbox: Mailbox | null = authenticate(deps.store, req);
  let operation: string;
  let ews: ReturnType<typeof readEwsRequest> | undefined;
  if (route === EWS_PATH.toLowerCase()) {
    ews = readEwsRequest(body);
    operation = ews.operation;
  } else {
    operation = route.endsWith('.xml') ? 'Autodiscover' : 'GetUserSettings';
  }
  deps.counters.record(mailbox?.address, operation);
  const decision = deps.faults.decide(mailbox?.address, operation);
  if (decision) {
    if (applyTransportFault(decision, req, res)) return;
    if (httpFault(res, decision.kind, decision.retryAfterSeconds)) return;
  }
  if (!mailbox) return challenge(res, req.headers.host ?? 'sim.local');

  let status = 200;
  let xml: string;
  if (ews) ({ status, xml } = answerEws(deps.store, mailbox, ews));
  else if (operation === 'Autodiscover') xml = poxAutodiscover(deps.store, body, ewsUrl);
  else ({ status, xml } = soapAutodiscover(deps.store, body, ewsUrl));

  // The work is done; the client never hears about it.
  if (decision?.kind === 'drop_after_accept') return dropConnection(req.socket);
  send(res, status, xml);
}

export function createEwsServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((e: unknown) => {
      if (res.headersSent) return res.destroy();
      send(res, 500, soapFault('ErrorInternalServerError', e instanceof Error ? e.message : 'internal error'));
    });
  });
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      if (addr && typeof addr === 'object') resolve(addr);
      else reject(new Error('no address'));
    });
  });
}
