/**
 * What the connect flow takes and answers, independent of HTTP. Each outcome is a "next step" the
 * settings screen acts on: follow a redirect (OAuth sign-in at the provider), done, or an error with
 * a code the UI explains (and, for Microsoft's "admin approval required", the admin-consent link).
 */
import type { ProviderKind } from '../../providers/provider';

export interface ExchangeSettings {
  email: string;
  /** DOMAIN\user or the UPN. */
  username: string;
  password: string;
  /** Optional; Autodiscover finds it otherwise. */
  ewsUrl?: string;
}

export interface ServerSettingInput {
  host: string;
  port: number;
  secure: boolean;
}

export interface ImapSettings {
  email: string;
  username: string;
  password: string;
  imap: ServerSettingInput;
  smtp: ServerSettingInput;
  caldavUrl?: string;
}

export interface SyncSettingsInput {
  syncEmail: boolean;
  syncCalendar: boolean;
  syncCaptureFolder: boolean;
  calendarPrivacy: 'public' | 'private';
  provider: ProviderKind | null;
  exchange?: ExchangeSettings;
  imap?: ImapSettings;
}

/** The options carried across the OAuth redirect (stored in oauth_states.data). */
export interface ChosenOptions {
  syncEmail: boolean;
  syncCalendar: boolean;
  syncCaptureFolder: boolean;
}

export const connectErrorCodes = [
  'admin_consent_required',
  'unsupported_mailbox',
  'mailbox_in_use',
  'invalid_credentials',
  'not_configured',
  'invalid_state',
  'access_denied',
  'autodiscover_failed',
  'provider_unavailable',
  'provider_error',
  'not_connected',
  'password_required',
  // "Other mailbox": each server of the form is proved on its own (providers/imap/imap-verify.ts).
  'imap_tls_failed',
  'smtp_invalid_credentials',
  'smtp_unreachable',
  'smtp_tls_failed',
  'smtp_refused',
  'caldav_invalid_credentials',
  'caldav_unreachable',
  'caldav_tls_failed',
  'caldav_no_calendar',
  'caldav_refused',
  'caldav_not_found',
  'caldav_elsewhere',
] as const;
export type ConnectErrorCode = (typeof connectErrorCodes)[number];

export type NextStep =
  | { type: 'redirect'; url: string }
  | { type: 'done' }
  | { type: 'error'; code: ConnectErrorCode; message: string; adminConsentUrl?: string };

/** A refusal the user can act on; the flow turns it into `{type:'error'}`. */
export class ConnectError extends Error {
  override name = 'ConnectError';
  constructor(
    readonly code: ConnectErrorCode,
    message: string,
    readonly adminConsentUrl?: string,
  ) {
    super(message);
  }

  toStep(): NextStep {
    return { type: 'error', code: this.code, message: this.message, ...(this.adminConsentUrl ? { adminConsentUrl: this.adminConsentUrl } : {}) };
  }
}

export const connectMessages: Record<ConnectErrorCode, string> = {
  admin_consent_required: 'Your Microsoft 365 organisation requires an administrator to approve Tandem before you can connect. Send your administrator the approval link.',
  unsupported_mailbox: 'Shared mailboxes, distribution lists and groups cannot be connected; connect your own mailbox.',
  mailbox_in_use: 'This mailbox is already connected by another Tandem user (one Tandem user per mailbox).',
  invalid_credentials: 'The mail server did not accept the username or password.',
  not_configured: 'This provider is not set up on this Tandem server yet.',
  invalid_state: 'The sign-in link expired or was already used; press Save to start again.',
  access_denied: 'The sign-in was cancelled or Tandem was not given the access it needs.',
  autodiscover_failed: 'Tandem could not find the Exchange server for this address; enter the EWS URL.',
  provider_unavailable: 'The mail provider could not be reached; try again in a moment.',
  provider_error: 'The mail provider refused the connection.',
  not_connected: 'No mailbox is connected.',
  password_required: 'Enter the mailbox password again and press Save to reconnect.',
  imap_tls_failed: 'The secure (TLS) connection to the incoming mail (IMAP) server failed; check its port and encryption.',
  smtp_invalid_credentials: 'The outgoing mail (SMTP) server did not accept the username or password.',
  smtp_unreachable: 'The outgoing mail (SMTP) server could not be reached; check its name, port and encryption.',
  smtp_tls_failed: 'The secure (TLS) connection to the outgoing mail (SMTP) server failed; check its port and encryption.',
  smtp_refused: 'The outgoing mail (SMTP) server refused the connection; check its settings.',
  caldav_invalid_credentials: 'The calendar (CalDAV) server did not accept the username or password.',
  caldav_unreachable: 'The calendar (CalDAV) server could not be reached; check the CalDAV URL.',
  caldav_tls_failed: 'The secure (TLS) connection to the calendar (CalDAV) server failed; check the CalDAV URL.',
  caldav_no_calendar: 'No calendar with events was found for this account on the CalDAV server; create one there, or enter its URL.',
  caldav_refused: 'The CalDAV URL did not answer as a calendar server; check it, or leave it empty to sync mail only.',
  caldav_not_found: 'Tandem found no calendar server for this address; enter the CalDAV URL, or turn off Sync Calendar to sync mail only.',
  caldav_elsewhere: 'Your domain names a calendar server at another domain; if it is your host, enter it as the CalDAV URL.',
};

/** caldav_elsewhere with what DNS named, for the user to check before their password goes there. */
export function caldavElsewhereMessage(domain: string, url: string): string {
  return `The DNS of ${domain} names ${url} as its calendar server. If that is your email host, enter it as the CalDAV URL and press Save again; Tandem does not send your password to another domain on DNS's word alone.`;
}
