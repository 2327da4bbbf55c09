/** Route table types for the Google simulator: each route names the operation counters and faults see. */
import type { SimRequest, SimResponse } from './http-kit';
import type { GoogleMailbox } from './state';

export interface PublicContext {
  req: SimRequest;
  params: Record<string, string>;
}

export interface AuthedContext extends PublicContext {
  mailbox: GoogleMailbox;
}

interface RouteBase {
  method: string;
  pattern: RegExp;
  /** Operation name for counters and fault matching, e.g. "messages.get", "events.list". */
  operation: string;
}

export type ApiRoute =
  | (RouteBase & { auth: 'none'; handle(ctx: PublicContext): SimResponse | Promise<SimResponse> })
  | (RouteBase & { auth: 'bearer'; api: 'gmail' | 'calendar'; handle(ctx: AuthedContext): SimResponse | Promise<SimResponse> });

/** '/gmail/v1/users/:userId/messages/:id' → a RegExp with named groups. */
export function pathPattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((seg) => (seg.startsWith(':') ? `(?<${seg.slice(1)}>[^/]+)` : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

export function matchRoute(routes: ApiRoute[], method: string, path: string): { route: ApiRoute; params: Record<string, string> } | 'method' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
    return { route, params };
  }
  return pathMatched ? 'method' : undefined;
}
