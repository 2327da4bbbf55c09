/**
 * Runs one Graph call against the route table: path normalisation (/users/{id|upn}/… → /me/…),
 * route match, handler, and Graph-shaped errors. Used for direct requests and for $batch items;
 * throttling, faults and counting are applied by the callers, which know which of the two they serve.
 */
import type { Clock } from '../../../src/domain/clock';
import { GraphError, graphErrorBody, parsePrefer } from '../http';
import type { IdFactory } from '../ids';
import type { SimMailbox } from '../types';
import { type GraphContext, type GraphResult, type GraphRoute, type GraphServices, matchRoute } from './context';

export interface GraphCall {
  method: string;
  /** Path under /v1.0 with its query string, e.g. "/me/messages?$top=5". */
  url: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface ResolvedCall {
  route: GraphRoute;
  params: Record<string, string>;
  path: string;
  query: URLSearchParams;
}

function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export class GraphEngine {
  constructor(
    readonly services: GraphServices,
    readonly routes: GraphRoute[],
    private readonly clock: Clock,
    private readonly ids: IdFactory,
  ) {}

  /** Matches a call; unknown paths are 400 "Resource not found for the segment" as Graph answers. */
  resolve(call: GraphCall, mailbox: SimMailbox): ResolvedCall {
    const q = call.url.indexOf('?');
    const rawPath = q < 0 ? call.url : call.url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : call.url.slice(q + 1));
    const segments = segmentsOf(rawPath);
    if (segments[0]?.toLowerCase() === 'users' && segments[1]) {
      const who = segments[1].toLowerCase();
      // Delegated tokens reach only the signed-in user's mailbox.
      if (who !== mailbox.id && who !== mailbox.address) throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
      segments.splice(0, 2, 'me');
    }
    const match = matchRoute(this.routes, call.method.toUpperCase(), segments);
    if (!match) {
      const last = segments[segments.length - 1] ?? '';
      throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${last}'.`);
    }
    return { route: match.route, params: match.params, path: `/${segments.join('/')}`, query };
  }

  /** Best-effort operation name for counters before/without a match. */
  opName(call: GraphCall, mailbox: SimMailbox | undefined): string {
    if (!mailbox) return 'unauthenticated';
    try {
      return this.resolve(call, mailbox).route.op;
    } catch {
      return 'unknown';
    }
  }

  async run(call: GraphCall, mailbox: SimMailbox, baseUrl: string, resolved?: ResolvedCall): Promise<GraphResult> {
    try {
      const r = resolved ?? this.resolve(call, mailbox);
      const ctx: GraphContext = {
        ...this.services,
        mailbox,
        method: call.method.toUpperCase(),
        path: r.path,
        params: r.params,
        query: r.query,
        headers: call.headers,
        body: call.body,
        prefer: parsePrefer(call.headers.prefer),
        baseUrl,
      };
      const result = await r.route.handle(ctx);
      if (ctx.prefer.immutableId) result.headers = { ...result.headers, 'Preference-Applied': 'IdType="ImmutableId"' };
      return result;
    } catch (e) {
      if (e instanceof GraphError) return this.error(e.status, e.code, e.message, call.headers['client-request-id'], e.headers);
      // Never crash on bad input: anything unexpected is a Graph-shaped 500.
      return this.error(500, 'generalException', 'An internal server error occurred.', call.headers['client-request-id']);
    }
  }

  error(status: number, code: string, message: string, clientRequestId?: string, headers: Record<string, string> = {}): GraphResult {
    const requestId = this.ids.guid();
    return { status, headers, json: graphErrorBody(code, message, this.clock.now(), requestId, clientRequestId) };
  }

  throttled(message: string, retryAfterSeconds: number, clientRequestId?: string): GraphResult {
    return this.error(429, 'ApplicationThrottled', message, clientRequestId, { 'Retry-After': String(retryAfterSeconds) });
  }
}
