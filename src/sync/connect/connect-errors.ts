/** One pure table from a provider failure during connect to what the user is told. */
import type { ProviderError } from '../../providers/errors';
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

export function connectErrorFrom(e: ProviderError): ConnectError {
  const code: ConnectErrorCode = e.code === 'autodiscover_failed' ? 'autodiscover_failed' : byKind[e.kind];
  return new ConnectError(code, connectMessages[code], code === 'admin_consent_required' ? e.adminConsentUrl : undefined);
}
