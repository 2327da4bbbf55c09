/**
 * The HTTP front: identity under /{tenant}/…, Graph under /v1.0/…. For Graph it authenticates the
 * bearer token, counts the request, applies injected faults, enforces the per-mailbox limits and runs
 * the call (or a $batch of calls).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultInjector, RequestCounters } from '../common/faults';
import { applyTransportFault, dropConnection } from '../common/sim-server';
import { serveWebmail } from '../common/webmail';
import type { WebmailSource } from '../common/webmail-source';
import { graphErrorBody, headerValue, readBody, sendJson, sendText } from './http';
import type { SimState } from './state';
import type { SimMailbox } from './types';
import { runBatch } from './graph/batch';
import type { GraphResult } from './graph/context';
import type { GraphCall, GraphEngine } from './graph/engine';
import type { AuthorizeFlows, PageResult } from './identity/authorize';
import { instanceDiscovery, openIdConfiguration } from './identity/metadata';
import { tokenRequest } from './identity/token-endpoint';
import type { TokenStore } from './identity/token-store';
import type { MailboxThrottle, RequestGate } from './throttle';

export interface ServerParts {
  state: SimState;
  store: TokenStore;
  flows: AuthorizeFlows;
  engine: GraphEngine;
  throttle: MailboxThrottle;
  gate: RequestGate;
  faults: FaultInjector;
  counters: RequestCounters;
  webmail: WebmailSource;
  origin: () => string;
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of Object.keys(req.headers)) out[k] = headerValue(req, k);
  return out;
}

function writeResult(res: ServerResponse, result: GraphResult): void {
  if (result.raw) sendText(res, result.status, result.raw.contentType, result.raw.body, result.headers);
  else if (result.json !== undefined) sendJson(res, result.status, result.json, result.headers);
  else {
    res.writeHead(result.status, result.headers);
    res.end();
  }
}

function writePage(res: ServerResponse, page: PageResult): void {
  res.writeHead(page.status, page.headers);
  res.end(page.body);
}

export function createHandler(p: ServerParts) {
  /** Faults and limits for one Graph operation (a direct request or a batch item). */
  async function guarded(mailbox: SimMailbox, op: string, call: GraphCall, run: () => Promise<GraphResult>, req?: IncomingMessage, res?: ServerResponse): Promise<GraphResult | 'consumed'> {
    const fault = p.faults.decide(mailbox.address, op);
    if (fault && req && res && applyTransportFault(fault, req, res)) return 'consumed';
    const cid = call.headers['client-request-id'];
    if (fault?.kind === 'throttle') return p.engine.throttled('Application is over its MailboxConcurrency limit.', fault.retryAfterSeconds, cid);
    if (fault?.kind === 'unavailable') return p.engine.error(503, 'ServiceNotAvailable', 'The service is temporarily unavailable.', cid, { 'Retry-After': String(fault.retryAfterSeconds) });
    if (fault?.kind === 'server_error') return p.engine.error(500, 'InternalServerError', 'An internal server error occurred.', cid);
    const admission = p.throttle.admit(mailbox.address);
    if (!admission.ok) return p.engine.throttled(admission.message, admission.retryAfterSeconds, cid);
    try {
      await p.gate.pass();
      const result = await run();
      if (fault?.kind === 'drop_after_accept' && req) {
        dropConnection(req.socket);
        return 'consumed';
      }
      return result;
    } finally {
      admission.release();
    }
  }

  async function graph(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headers = headersOf(req);
    const body = await readBody(req);
    const call: GraphCall = { method: req.method ?? 'GET', url: `${url.pathname.slice('/v1.0'.length)}${url.search}`, headers, body };
    const auth = headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
    const access = token ? p.store.accessFor(token) : undefined;
    const mailbox = access ? p.state.mailboxes.get(access.mailbox) : undefined;
    if (!mailbox || !access) {
      p.counters.record(undefined, 'unauthenticated');
      const message = !token ? 'Access token is empty.' : p.store.access.has(token) ? 'Lifetime validation failed, the token is expired.' : 'IDX14100: JWT is not well formed.';
      writeResult(res, { ...p.engine.error(401, 'InvalidAuthenticationToken', message, headers['client-request-id']), headers: { 'WWW-Authenticate': 'Bearer realm=""' } });
      return;
    }
    const baseUrl = `${p.origin()}/v1.0`;
    if (call.url.split('?')[0]?.toLowerCase() === '/$batch' && call.method.toUpperCase() === 'POST') {
      p.counters.record(mailbox.address, 'batch');
      const fault = p.faults.decide(mailbox.address, 'batch');
      if (fault && applyTransportFault(fault, req, res)) return;
      const result = await runBatch(p.engine, mailbox, body, async (item, box) => {
        const op = p.engine.opName(item, box);
        p.counters.record(box.address, 'batch.item');
        const r = await guarded(box, `batch.item ${op}`, item, () => p.engine.run(item, box, baseUrl));
        return r === 'consumed' ? p.engine.error(500, 'InternalServerError', 'An internal server error occurred.') : r;
      });
      if (fault?.kind === 'drop_after_accept') return dropConnection(req.socket);
      writeResult(res, result);
      return;
    }
    const op = p.engine.opName(call, mailbox);
    p.counters.record(mailbox.address, op);
    const result = await guarded(mailbox, op, call, () => p.engine.run(call, mailbox, baseUrl), req, res);
    if (result !== 'consumed') writeResult(res, result);
  }

  async function identity(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.split('/').filter(Boolean);
    const tenant = parts[0] ?? '';
    const rest = parts.slice(1).join('/').toLowerCase();
    const method = req.method ?? 'GET';
    if (rest === 'discovery/instance') {
      sendJson(res, 200, instanceDiscovery(p.origin()));
      return true;
    }
    if (rest === 'v2.0/.well-known/openid-configuration') {
      sendJson(res, 200, openIdConfiguration(p.origin(), tenant));
      return true;
    }
    const isAuthorize = rest === 'oauth2/v2.0/authorize';
    const isAdminConsent = rest === 'v2.0/adminconsent' || rest === 'adminconsent';
    if (isAuthorize || isAdminConsent) {
      p.counters.record(undefined, isAuthorize ? 'oauth.authorize' : 'oauth.adminconsent');
      if (method === 'GET') writePage(res, p.flows.start(isAuthorize ? 'authorize' : 'adminconsent', tenant, url.searchParams));
      else writePage(res, p.flows.step(new URLSearchParams((await readBody(req)).toString('utf8'))));
      return true;
    }
    if (rest === 'oauth2/v2.0/token' && method === 'POST') {
      p.counters.record(undefined, 'oauth.token');
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      const out = tokenRequest(p.state, p.store, form, headerValue(req, 'authorization'));
      sendJson(res, out.status, out.body, { 'cache-control': 'no-store' });
      return true;
    }
    return false;
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      if (url.pathname === '/v1.0' || url.pathname.startsWith('/v1.0/')) return await graph(req, res, url);
      if (url.pathname === '/webmail' || url.pathname.startsWith('/webmail/')) {
        if (await serveWebmail(p.webmail, req, res)) return;
      }
      if (await identity(req, res, url)) return;
      sendJson(res, 404, graphErrorBody('NotFound', `No route for ${url.pathname}`, p.state.clock.now(), p.state.ids.guid()));
    } catch {
      if (!res.headersSent) sendJson(res, 500, graphErrorBody('generalException', 'An internal server error occurred.', p.state.clock.now(), p.state.ids.guid()));
      else res.destroy();
    }
  };
}
