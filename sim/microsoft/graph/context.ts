/**
 * What a Graph handler sees and returns. The same handlers serve direct HTTP requests and the inner
 * requests of `$batch`, which is why they never touch sockets.
 */
import type { PreferOptions } from '../http';
import type { SimState } from '../state';
import type { SimMailbox } from '../types';
import type { DeltaStore } from './calendar-delta';
import type { SubscriptionService } from './subscriptions';

export interface GraphServices {
  state: SimState;
  delta: DeltaStore;
  subscriptions: SubscriptionService;
}

export interface GraphContext extends GraphServices {
  mailbox: SimMailbox;
  method: string;
  /** Normalised path under /v1.0, e.g. "/me/messages/AAMk…/move". */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Buffer;
  prefer: PreferOptions;
  /** e.g. http://127.0.0.1:40123/v1.0 — for @odata.nextLink / deltaLink. */
  baseUrl: string;
}

export interface GraphResult {
  status: number;
  json?: unknown;
  /**
   * A body sent as it is. Pieces are written one after another: a large answer (a $batch of raw
   * messages is over a megabyte) never becomes one string, which V8 would place in fresh pages of its
   * large-object space and flatten again to write.
   */
  raw?: { contentType: string; body: Uint8Array | string | readonly string[] };
  headers?: Record<string, string>;
}

export interface GraphRoute {
  method: string;
  /** Segments; ":name" captures. */
  pattern: string;
  /** Operation name for counters and fault matching. */
  op: string;
  handle(ctx: GraphContext): Promise<GraphResult> | GraphResult;
}

export function matchRoute(routes: GraphRoute[], method: string, segments: string[]): { route: GraphRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const parts = route.pattern.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      const s = segments[i] ?? '';
      if (p.startsWith(':')) params[p.slice(1)] = s;
      else if (p.toLowerCase() !== s.toLowerCase()) {
        ok = false;
        break;
      }
    }
    if (ok) return { route, params };
  }
  return undefined;
}

/** Whether any route has this path (to tell 405 from 400/404 — Graph answers unknown segments with 400). */
export function pathKnown(routes: GraphRoute[], segments: string[]): boolean {
  return routes.some((r) => matchRoute([{ ...r, method: 'ANY' }], 'ANY', segments) !== undefined);
}
