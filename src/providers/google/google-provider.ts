/**
 * The Google provider: Gmail v1 for identity and mail, Calendar v3 for the calendar, Gmail watch and
 * Calendar channels for push, and the OAuth 2.0 web-server flow for sign-in. Endpoints come from
 * configuration (gmailRootUrl, calendarRootUrl, googleOAuthBaseUrl) so the same code runs against the
 * simulator.
 */
import type { Provider, ProviderContext, ProviderFactory } from '../provider';
import { createGmailMail, type GmailMailOptions } from './gmail-mail';
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

export function createGoogleProvider(ctx: ProviderContext, options: GoogleProviderOptions = {}): Provider {
  const client = new GoogleClient(ctx, options);
  return {
    kind: 'google',
    identity: () => googleIdentity(client),
    mail: createGmailMail(client, options.mail),
    calendar: createGoogleCalendar(client, options.calendar),
    push: createGooglePush(client, ctx.mailbox, options.push),
  };
}

/** A factory with options (the Pub/Sub topic for Gmail push comes from configuration). */
export function createGoogleProviderFactory(options: GoogleProviderOptions = {}): ProviderFactory {
  return {
    kind: 'google',
    create: (ctx) => createGoogleProvider(ctx, options),
    oauth: (client, endpoints, deps) => createGoogleOAuth(client, endpoints, deps),
  };
}

export const googleProviderFactory: ProviderFactory = createGoogleProviderFactory();
