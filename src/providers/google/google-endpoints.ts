/**
 * Where the Google endpoints live. Each base URL is configurable so the same adapter runs against the
 * simulator (one host serving OAuth, Gmail and Calendar) and against Google, whose hosts differ: the
 * consent page is on accounts.google.com while tokens are redeemed at oauth2.googleapis.com (OAuth 2.0
 * web-server guide), and the OpenID userinfo endpoint is on openidconnect.googleapis.com (discovery doc).
 */
import type { ProviderEndpoints } from '../provider';

export const defaultGmailRootUrl = 'https://gmail.googleapis.com';
export const defaultCalendarRootUrl = 'https://www.googleapis.com';
export const defaultGoogleOAuthBaseUrl = 'https://oauth2.googleapis.com';

export interface GoogleUrls {
  /** Root for the generated clients (`rootUrl`, with a trailing slash as googleapis expects). */
  gmailRoot: string;
  calendarRoot: string;
  /** POST multipart/mixed here (Gmail batch guide). */
  gmailBatch: string;
  authorize: string;
  token: string;
  revoke: string;
  userinfo: string;
}

const trim = (url: string): string => url.replace(/\/+$/, '');

export function googleUrls(endpoints: ProviderEndpoints): GoogleUrls {
  const gmail = trim(endpoints.gmailRootUrl ?? defaultGmailRootUrl);
  const calendar = trim(endpoints.calendarRootUrl ?? defaultCalendarRootUrl);
  const oauth = trim(endpoints.googleOAuthBaseUrl ?? defaultGoogleOAuthBaseUrl);
  const real = oauth === defaultGoogleOAuthBaseUrl;
  return {
    gmailRoot: `${gmail}/`,
    calendarRoot: `${calendar}/`,
    gmailBatch: `${gmail}/batch/gmail/v1`,
    authorize: real ? 'https://accounts.google.com/o/oauth2/v2/auth' : `${oauth}/o/oauth2/v2/auth`,
    token: `${oauth}/token`,
    revoke: `${oauth}/revoke`,
    userinfo: real ? 'https://openidconnect.googleapis.com/v1/userinfo' : `${oauth}/oauth2/v3/userinfo`,
  };
}
