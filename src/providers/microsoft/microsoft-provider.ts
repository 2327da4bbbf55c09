/**
 * The Microsoft 365 provider: Graph v1.0 for identity, mail, calendar and change notifications, and
 * msal-node for the sign-in flow. Endpoints come from configuration (graphBaseUrl,
 * microsoftAuthorityHost) so the same code runs against the simulator.
 */
import { ProviderError } from '../errors';
import type { Provider, ProviderContext, ProviderFactory } from '../provider';
import { retryLogger, type RetryOptions } from '../retry';
import { createGraphCalendar, type GraphCalendarOptions } from './graph-calendar';
import { GraphClient } from './graph-client';
import { graphIdentity } from './graph-identity';
import { createGraphMail } from './graph-mail';
import { createGraphPush } from './graph-push';
import { createMicrosoftOAuth } from './microsoft-oauth';

export const defaultGraphBaseUrl = 'https://graph.microsoft.com/v1.0';

export interface MicrosoftProviderOptions {
  calendar?: GraphCalendarOptions;
  /** Per-request timeout for Graph calls. */
  timeoutMs?: number;
  /** In-run retries of idempotent Graph requests (tests inject sleep and random). */
  retry?: RetryOptions;
}

export function createMicrosoftProvider(ctx: ProviderContext, options: MicrosoftProviderOptions = {}): Provider {
  if (ctx.credentials.kind !== 'oauth') throw new ProviderError('permanent', 'Microsoft 365 needs OAuth credentials', { code: 'wrong_credentials' });
  const graph = new GraphClient({
    baseUrl: ctx.endpoints.graphBaseUrl ?? defaultGraphBaseUrl,
    accessToken: ctx.credentials.accessToken,
    fetch: ctx.fetch,
    clock: ctx.clock,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    retry: { onRetry: retryLogger(ctx.logger, 'graph'), ...options.retry },
  });
  return {
    kind: 'microsoft',
    identity: () => graphIdentity(graph),
    mail: createGraphMail(graph),
    calendar: createGraphCalendar(graph, options.calendar),
    push: createGraphPush(graph),
  };
}

export const microsoftProviderFactory: ProviderFactory = {
  kind: 'microsoft',
  create: (ctx) => createMicrosoftProvider(ctx),
  oauth: (client, endpoints, deps) => createMicrosoftOAuth(client, endpoints, deps),
};
