/** One pure table from a provider failure during connect to what the user is told. */
import type { ProviderError } from '../../providers/errors';
import { LoginCheckError, type CheckedServer, type LoginFailureReason } from '../../providers/imap/imap-verify';
import { ConnectError, connectMessages, type ConnectErrorCode } from './connect-types';

const byKind: Record<ProviderError['kind'], ConnectErrorCode> = {
  consent_required: 'admin_consent_required',
  unsupported_mailbox: 'unsupported_mailbox',
  // At connect time a refused grant or password means the sign-in itself was wrong.
  auth_revoked: 'invalid_credentials',
  auth_expired: 'invalid_credentials',
  // Google maps access_denied / unticked scopes to permission (google-oauth.ts).
  permission: 'access_denied',
  throttled: 'provider_unavailable',
  transient: 'provider_unavailable',
  cursor_expired: 'provider_error',
  not_found: 'provider_error',
  conflict: 'provider_error',
  invalid_input: 'provider_error',
  permanent: 'provider_error',
};

/** Which server of the "other mailbox" form failed, and why → the code the form points with. */
const byServer: Record<CheckedServer, Record<LoginFailureReason, ConnectErrorCode>> = {
  imap: { credentials: 'invalid_credentials', unreachable: 'provider_unavailable', tls: 'imap_tls_failed', no_calendar: 'provider_error', refused: 'provider_error' },
  smtp: { credentials: 'smtp_invalid_credentials', unreachable: 'smtp_unreachable', tls: 'smtp_tls_failed', no_calendar: 'smtp_refused', refused: 'smtp_refused' },
  caldav: {
    credentials: 'caldav_invalid_credentials',
    unreachable: 'caldav_unreachable',
    tls: 'caldav_tls_failed',
    no_calendar: 'caldav_no_calendar',
    refused: 'caldav_refused',
  },
};

function codeFor(e: ProviderError): ConnectErrorCode {
  if (e instanceof LoginCheckError) return byServer[e.server][e.reason];
  return e.code === 'autodiscover_failed' ? 'autodiscover_failed' : byKind[e.kind];
}

export function connectErrorFrom(e: ProviderError): ConnectError {
  const code = codeFor(e);
  return new ConnectError(code, connectMessages[code], code === 'admin_consent_required' ? e.adminConsentUrl : undefined);
}
