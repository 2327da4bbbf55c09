/**
 * The Google provider: Gmail v1 for identity and mail, Calendar v3 for the calendar, Gmail watch and
 * Calendar channels for push, and the OAuth 2.0 web-server flow for sign-in. Endpoints come from
 * configuration (gmailRootUrl, calendarRootUrl, googleOAuthBaseUrl) so the same code runs against the
 * simulator.
 */
import type { Provider, ProviderContext, ProviderFactory } from '../provider';
import { createGmailMail, gmailShared, type GmailMailOptions, type GmailShared } from './gmail-mail';
import { createGoogleCalendar, type GoogleCalendarOptions } from './google-calendar';
import { GoogleClient, type GoogleClientOptions } from './google-client';
import { googleIdentity } from './google-identity';
import { createGoogleOAuth } from './google-oauth';
import { createGooglePush, type GooglePushOptions } from './google-push';

export interface GoogleProviderOptions extends GoogleClientOptions {
  mail?: GmailMailOptions;
  calendar?: GoogleCalendarOptions;
  push?: GooglePushOptions;
}

/**
 * `shared` holds what outlives one run: Gmail quota buckets and paid raw bytes. The factory passes one
 * for the whole process; a provider made on its own gets a fresh one.
 */
export function createGoogleProvider(ctx: ProviderContext, options: GoogleProviderOptions = {}, shared: GmailShared = gmailShared(options.mail)): Provider {
  const client = new GoogleClient(ctx, options);
  // One Gmail user at one endpoint (the simulators of parallel tests share addresses, not ids).
  const userKey = `${client.urls.gmailRoot}${ctx.mailbox.toLowerCase()}`;
  // Quota waits use the client's injected sleep and shutdown signal, like its in-run retries.
  const quota = shared.pacer.forRun(userKey, { clock: ctx.clock, sleep: client.retry.sleep, ...(client.retry.signal ? { signal: client.retry.signal } : {}) });
  return {
    kind: 'google',
    identity: () => googleIdentity(client),
    mail: createGmailMail(client, userKey, quota, shared.rawCache),
    calendar: createGoogleCalendar(client, options.calendar),
    push: createGooglePush(client, ctx.mailbox, options.push),
  };
}

/** A factory with options (the Pub/Sub topic for Gmail push comes from configuration). */
export function createGoogleProviderFactory(options: GoogleProviderOptions = {}): ProviderFactory {
  const shared = gmailShared(options.mail);
  return {
    kind: 'google',
    create: (ctx) => createGoogleProvider(ctx, options, shared),
    oauth: (client, endpoints, deps) => createGoogleOAuth(client, endpoints, deps),
  };
}

export const googleProviderFactory: ProviderFactory = createGoogleProviderFactory();
