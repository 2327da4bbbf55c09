/**
 * One request through the simulator: route, authenticate, fault, count, charge quota, handle. The
 * same path serves top-level HTTP requests and the inner calls of a Gmail batch.
 */
import type { FaultDecision, FaultInjector, RequestCounters } from '../common/faults';
import { GoogleApiError, notFound, renderGoogleError, type SimRequest, type SimResponse } from './http-kit';
import type { OAuthStore } from './oauth-store';
import { gmailQuotaCosts, type QuotaMeter } from './quota';
import { matchRoute, type ApiRoute } from './router';
import type { GoogleMailbox, SimWorld } from './state';

export interface DispatchResult {
  response: SimResponse;
  /** A transport fault to carry out instead of answering (reset / timeout). */
  transport?: FaultDecision;
  /** drop_after_accept: the work is done, then the connection is destroyed unanswered. */
  dropAfter?: boolean;
}

export interface DispatchDeps {
  world: SimWorld;
  routes: ApiRoute[];
  oauth: OAuthStore;
  faults: FaultInjector;
  counters: RequestCounters;
  quota: QuotaMeter;
}

function faultError(decision: FaultDecision): GoogleApiError | undefined {
  switch (decision.kind) {
    case 'throttle':
      return new GoogleApiError(429, 'rateLimitExceeded', 'Too many concurrent requests for user.', {
        domain: 'usageLimits',
        status: 'RESOURCE_EXHAUSTED',
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      });
    case 'unavailable':
      return new GoogleApiError(503, 'backendError', 'The service is currently unavailable.', { status: 'UNAVAILABLE' });
    case 'server_error':
      return new GoogleApiError(500, 'backendError', 'Backend Error', { status: 'INTERNAL' });
    default:
      return undefined;
  }
}

const authError = new GoogleApiError(
  401,
  'authError',
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  { location: 'Authorization', locationType: 'header', status: 'UNAUTHENTICATED', headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' } },
);

export class Dispatcher {
  constructor(private readonly deps: DispatchDeps) {}

  private mailboxFor(req: SimRequest): GoogleMailbox | undefined {
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!token) return undefined;
    const at = this.deps.oauth.accessToken(token);
    return at ? this.deps.world.mailboxes.get(at.mailbox) : undefined;
  }

  /** `inner` requests (batch parts) cannot reset a socket: transport faults become a 503 part. */
  async dispatch(req: SimRequest, inner = false): Promise<DispatchResult> {
    const { counters, faults } = this.deps;
    let matched: ReturnType<typeof matchRoute>;
    try {
      matched = matchRoute(this.deps.routes, req.method, req.path);
    } catch {
      matched = undefined; // malformed %-escapes in the path
    }
    if (!matched || matched === 'method') {
      counters.record(undefined, 'unknown');
      return { response: renderGoogleError(notFound(`Not found: ${req.method} ${req.path}`)) };
    }
    const { route, params } = matched;
    // Public routes (OAuth, batch) still attribute counters and faults to a bearer's mailbox.
    const mailbox = this.mailboxFor(req);
    const decision = faults.decide(mailbox?.address, route.operation);
    if (decision && (decision.kind === 'reset' || decision.kind === 'timeout')) {
      counters.record(mailbox?.address, route.operation);
      if (!inner) return { response: { status: 0 }, transport: decision };
      return { response: renderGoogleError(new GoogleApiError(503, 'backendError', 'The service is currently unavailable.', { status: 'UNAVAILABLE' })) };
    }
    try {
      const response = await this.run(route, params, req, mailbox, decision);
      const dropAfter = decision?.kind === 'drop_after_accept' && !inner;
      if (decision?.kind === 'drop_after_accept' && inner) {
        return { response: renderGoogleError(new GoogleApiError(503, 'backendError', 'The service is currently unavailable.', { status: 'UNAVAILABLE' })) };
      }
      return { response, dropAfter };
    } catch (e) {
      if (e instanceof GoogleApiError) return { response: renderGoogleError(e) };
      const message = e instanceof Error ? e.message : String(e);
      return { response: renderGoogleError(new GoogleApiError(500, 'backendError', `Backend Error: ${message}`, { status: 'INTERNAL' })) };
    }
  }

  private async run(route: ApiRoute, params: Record<string, string>, req: SimRequest, mailbox: GoogleMailbox | undefined, decision: FaultDecision | null): Promise<SimResponse> {
    const { counters, quota, world } = this.deps;
    if (route.auth === 'none') {
      counters.record(mailbox?.address, route.operation);
      const err = decision && faultError(decision);
      if (err) throw err;
      return route.handle({ req, params });
    }
    if (!mailbox) {
      counters.record(undefined, route.operation);
      throw authError;
    }
    const err = decision && faultError(decision);
    if (err) {
      counters.record(mailbox.address, route.operation);
      throw err;
    }
    checkOwner(route.api, params, mailbox);
    const units = route.api === 'gmail' ? (gmailQuotaCosts[route.operation] ?? 0) : 0;
    try {
      quota.charge(mailbox.address, route.api === 'gmail' ? units : 0, world.clock.now().getTime());
    } catch (e) {
      counters.record(mailbox.address, route.operation);
      throw e;
    }
    counters.record(mailbox.address, route.operation, units);
    return route.handle({ req, params, mailbox });
  }
}

/** `users/{userId}` accepts "me" or the user's own address; `calendars/{id}` "primary" or the address. */
function checkOwner(api: 'gmail' | 'calendar', params: Record<string, string>, mailbox: GoogleMailbox): void {
  if (api === 'gmail' && params.userId !== undefined && params.userId !== 'me' && params.userId.toLowerCase() !== mailbox.address) {
    throw new GoogleApiError(403, 'forbidden', `Delegation denied for ${mailbox.address}`, { status: 'PERMISSION_DENIED' });
  }
  if (api === 'calendar' && params.calendarId !== undefined && params.calendarId !== 'primary' && params.calendarId.toLowerCase() !== mailbox.address) {
    throw notFound('Not Found');
  }
}
