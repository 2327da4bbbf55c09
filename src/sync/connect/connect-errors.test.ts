import { describe, expect, it } from 'vitest';
import { ProviderError, type ProviderErrorKind } from '../../providers/errors';
import { LoginCheckError, type CheckedServer, type LoginFailureReason } from '../../providers/imap/imap-verify';
import { connectErrorFrom } from './connect-errors';

describe('connectErrorFrom', () => {
  it.each<[ProviderErrorKind, string | undefined, string]>([
    ['consent_required', 'AADSTS65001', 'admin_consent_required'],
    ['unsupported_mailbox', 'ErrorNonExistentMailbox', 'unsupported_mailbox'],
    ['auth_revoked', 'invalid_grant', 'invalid_credentials'],
    ['auth_expired', '401', 'invalid_credentials'],
    ['permission', 'access_denied', 'access_denied'],
    ['throttled', 'ErrorServerBusy', 'provider_unavailable'],
    ['transient', 'ECONNRESET', 'provider_unavailable'],
    ['not_found', 'autodiscover_failed', 'autodiscover_failed'],
    ['not_found', 'ErrorItemNotFound', 'provider_error'],
    ['permanent', undefined, 'provider_error'],
  ])('%s (%s) → %s', (kind, code, expected) => {
    expect(connectErrorFrom(new ProviderError(kind, 'x', code ? { code } : {})).code).toBe(expected);
  });

  it('carries the admin-consent link only for consent_required', () => {
    const link = 'https://login.microsoftonline.com/t1/adminconsent?client_id=c';
    expect(connectErrorFrom(new ProviderError('consent_required', 'x', { adminConsentUrl: link })).toStep()).toMatchObject({ type: 'error', adminConsentUrl: link });
    expect(connectErrorFrom(new ProviderError('permission', 'x', { adminConsentUrl: link })).toStep()).not.toHaveProperty('adminConsentUrl');
  });

  it('never passes the provider message through (it may name internals)', () => {
    const step = connectErrorFrom(new ProviderError('permanent', 'raw SOAP fault text')).toStep();
    expect(step.type === 'error' ? step.message : '').not.toContain('SOAP');
  });

  it.each<[CheckedServer, LoginFailureReason, string]>([
    ['imap', 'credentials', 'invalid_credentials'],
    ['imap', 'unreachable', 'provider_unavailable'],
    ['imap', 'tls', 'imap_tls_failed'],
    ['smtp', 'credentials', 'smtp_invalid_credentials'],
    ['smtp', 'unreachable', 'smtp_unreachable'],
    ['smtp', 'tls', 'smtp_tls_failed'],
    ['smtp', 'refused', 'smtp_refused'],
    ['caldav', 'credentials', 'caldav_invalid_credentials'],
    ['caldav', 'unreachable', 'caldav_unreachable'],
    ['caldav', 'tls', 'caldav_tls_failed'],
    ['caldav', 'no_calendar', 'caldav_no_calendar'],
    ['caldav', 'refused', 'caldav_refused'],
  ])('a failed %s login check (%s) → %s, whatever the kind underneath', (server, reason, expected) => {
    const step = connectErrorFrom(new LoginCheckError(server, reason, new ProviderError('auth_revoked', 'x'))).toStep();
    expect(step).toMatchObject({ type: 'error', code: expected });
    expect(step.type === 'error' ? step.message : '').toMatch(server === 'smtp' ? /SMTP/ : server === 'caldav' ? /CalDAV/ : /./);
  });
});
