/**
 * The Exchange (on-premises) provider over EWS: password credentials (DOMAIN\user or UPN), the EWS URL
 * from settings or POX Autodiscover, mail and calendar abilities, and pull notifications. It has no
 * `push` ability: the interface's push is a webhook (a URL the provider calls), while EWS pull
 * subscriptions are polled — exposed here as `pull` for a scheduler that polls them.
 */
import { ProviderError } from '../errors';
import type { Provider, ProviderContext, ProviderFactory } from '../provider';
import { retryLogger, type RetryOptions } from '../retry';
import { discoverEwsUrl } from './autodiscover';
import { EwsClient } from './ews-client';
import { createEwsCalendar, type EwsCalendarOptions } from './ews-calendar';
import { resolveIdentity } from './ews-identity';
import { createEwsMail, type EwsMailOptions } from './ews-mail';
import { EwsPull } from './ews-pull';

export interface ExchangeProviderOptions extends EwsMailOptions, EwsCalendarOptions {
  /** Autodiscover candidates when the endpoints carry no ewsUrl (default: the documented https forms). */
  autodiscoverUrls?: string[];
  timeoutMs?: number;
  /** Pull subscription Timeout in minutes (1–1440, default 30). */
  pullTimeoutMinutes?: number;
  /** In-run retries of EWS operations that are not writes (tests inject sleep and random). */
  retry?: RetryOptions;
}

export interface ExchangeProvider extends Provider {
  readonly kind: 'exchange';
  readonly pull: EwsPull;
}

export function createExchangeProvider(ctx: ProviderContext, options: ExchangeProviderOptions = {}): ExchangeProvider {
  const creds = ctx.credentials;
  if (creds.kind !== 'password') throw new ProviderError('invalid_input', 'Exchange needs a user name and password', { code: 'wrong_credentials_kind' });
  const configured = ctx.endpoints.ewsUrl;
  const ews = new EwsClient({
    ewsUrl:
      configured ??
      (() =>
        discoverEwsUrl(ctx.mailbox, {
          fetch: ctx.fetch,
          username: creds.username,
          password: creds.password,
          clock: ctx.clock,
          ...(options.autodiscoverUrls ? { autodiscoverUrls: options.autodiscoverUrls } : {}),
        })),
    username: creds.username,
    password: creds.password,
    mailbox: ctx.mailbox,
    fetch: ctx.fetch,
    clock: ctx.clock,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    retry: { onRetry: retryLogger(ctx.logger, 'ews'), ...options.retry },
  });
  return {
    kind: 'exchange',
    // ResolveNames is a real authenticated call: a wrong password fails here with auth_revoked.
    identity: () => resolveIdentity(ews, ctx.mailbox, creds.username),
    mail: createEwsMail(ews, options),
    calendar: createEwsCalendar(ews, options),
    pull: new EwsPull(ews, options.pullTimeoutMinutes),
  };
}

export const exchangeProviderFactory: ProviderFactory = {
  kind: 'exchange',
  create: (ctx) => createExchangeProvider(ctx),
};
