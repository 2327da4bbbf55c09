import { describe, expect, it } from 'vitest';
import { ProviderError, type ProviderErrorKind } from '../errors';
import { LoginCheckError, loginFailureReason, verifyLogins, type CheckedServer, type LoginFailureReason } from './imap-verify';
import { mapImapError, mapSmtpError } from './map-imap-error';

const wire = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error('wire'), { code, ...extra });

describe('loginFailureReason', () => {
  it.each<[CheckedServer, ProviderError, LoginFailureReason]>([
    ['imap', mapImapError(Object.assign(new Error('x'), { authenticationFailed: true })), 'credentials'],
    ['imap', mapImapError(wire('ECONNREFUSED')), 'unreachable'],
    ['imap', mapImapError(wire('ENOTFOUND')), 'unreachable'],
    ['imap', mapImapError(Object.assign(new Error('x'), { tlsFailed: true })), 'tls'],
    ['smtp', mapSmtpError(wire('EAUTH', { responseCode: 535 })), 'credentials'],
    ['smtp', mapSmtpError(wire('ESOCKET', { originalCode: 'ECONNREFUSED' })), 'unreachable'],
    ['smtp', mapSmtpError(wire('ETLS')), 'tls'],
    // nodemailer keeps the socket's own code when it re-labels the error ESOCKET.
    ['smtp', mapSmtpError(wire('ESOCKET', { originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' })), 'tls'],
    ['smtp', mapSmtpError(wire('EPROTOCOL', { responseCode: 554 })), 'refused'],
    ['caldav', new ProviderError('auth_revoked', 'x', { status: 401 }), 'credentials'],
    ['caldav', new ProviderError('not_found', 'x', { code: 'NO_CALENDAR' }), 'no_calendar'],
    ['caldav', new ProviderError('not_found', 'x', { status: 404 }), 'no_calendar'],
    ['caldav', mapImapError(Object.assign(new TypeError('fetch failed'), { cause: wire('ECONNREFUSED') })), 'unreachable'],
    ['caldav', mapImapError(Object.assign(new TypeError('fetch failed'), { cause: wire('DEPTH_ZERO_SELF_SIGNED_CERT') })), 'tls'],
    ['caldav', new ProviderError('permanent', 'x'), 'refused'],
    // Only CalDAV looks for a calendar; elsewhere not_found is a refusal.
    ['imap', new ProviderError('not_found', 'x'), 'refused'],
  ])('%s: %s → %s', (server, error, expected) => {
    expect(loginFailureReason(server, error)).toBe(expected);
  });
});

describe('verifyLogins', () => {
  const fail = (kind: ProviderErrorKind) => () => Promise.reject(new ProviderError(kind, 'x'));
  const ok = () => Promise.resolve();

  it('names the server that failed, keeping the kind for the retry policy', async () => {
    const e: unknown = await verifyLogins({ imap: ok, smtp: fail('auth_revoked'), caldav: ok }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LoginCheckError);
    expect(e).toMatchObject({ server: 'smtp', reason: 'credentials', kind: 'auth_revoked' });
  });

  it('tries nothing else when the IMAP login fails (one wrong password, not three)', async () => {
    const tried: string[] = [];
    const e: unknown = await verifyLogins({
      imap: fail('auth_revoked'),
      smtp: async () => void tried.push('smtp'),
      caldav: async () => void tried.push('caldav'),
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ server: 'imap', reason: 'credentials' });
    expect(tried).toEqual([]);
  });

  it('reports SMTP before CalDAV when both fail, and resolves when every check passes', async () => {
    await expect(verifyLogins({ imap: ok, smtp: fail('transient'), caldav: fail('auth_revoked') })).rejects.toMatchObject({ server: 'smtp', reason: 'unreachable' });
    await expect(verifyLogins({ imap: ok, caldav: fail('not_found') })).rejects.toMatchObject({ server: 'caldav', reason: 'no_calendar' });
    await expect(verifyLogins({ imap: ok, smtp: ok, caldav: ok })).resolves.toBeUndefined();
  });

  it('lets a non-provider error (our bug) through unchanged', async () => {
    const bug = new TypeError('bug');
    await expect(verifyLogins({ imap: () => Promise.reject(bug) })).rejects.toBe(bug);
  });
});
