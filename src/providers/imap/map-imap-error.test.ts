import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { davErrorConditions, mapDavError, mapImapError, mapSmtpError } from './map-imap-error';

const now = new Date('2026-11-02T09:00:00Z');

describe('mapImapError', () => {
  const cases: [string, unknown, string, string | undefined][] = [
    ['wrong password', { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' }, 'auth_revoked', 'AUTHENTICATIONFAILED'],
    ['auth failure without a code', { authenticationFailed: true }, 'auth_revoked', 'AUTHENTICATIONFAILED'],
    ['connection refused', { code: 'ECONNREFUSED' }, 'transient', 'ECONNREFUSED'],
    ['connection reset', { code: 'ECONNRESET' }, 'transient', 'ECONNRESET'],
    ['imapflow socket timeout', { code: 'ETIMEOUT' }, 'transient', 'ETIMEOUT'],
    ['imapflow greeting timeout', { code: 'GREETING_TIMEOUT' }, 'transient', 'GREETING_TIMEOUT'],
    ['connection gone', { code: 'NoConnection' }, 'transient', 'NoConnection'],
    ['over quota', { responseStatus: 'NO', serverResponseCode: 'OVERQUOTA' }, 'permanent', 'OVERQUOTA'],
    ['target mailbox missing', { responseStatus: 'NO', serverResponseCode: 'TRYCREATE' }, 'not_found', 'TRYCREATE'],
    ['no permission', { responseStatus: 'NO', serverResponseCode: 'NOPERM' }, 'permission', 'NOPERM'],
    ['backend unavailable', { responseStatus: 'NO', serverResponseCode: 'UNAVAILABLE' }, 'transient', 'UNAVAILABLE'],
    ['too many connections', { responseStatus: 'NO', serverResponseCode: 'LIMIT' }, 'throttled', 'LIMIT'],
    ['lower-case code', { responseStatus: 'NO', serverResponseCode: 'overquota' }, 'permanent', 'OVERQUOTA'],
    ['missing mailbox', { mailboxMissing: true }, 'not_found', 'NONEXISTENT'],
    ['bad command', { responseStatus: 'BAD' }, 'invalid_input', 'BAD'],
    ['fetch layer refusal', { cause: { code: 'ECONNREFUSED' } }, 'transient', 'ECONNREFUSED'],
    ['unknown', new Error('weird'), 'permanent', undefined],
  ];
  it.each(cases)('%s', (_name, input, kind, code) => {
    const e = mapImapError(input);
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(code);
  });

  it('throttle keeps the server back-off', () => {
    expect(mapImapError({ code: 'ETHROTTLE', throttleReset: 7_000 }).retryAfterMs).toBe(7_000);
  });

  it('does not look at message text', () => {
    expect(mapImapError(new Error('AUTHENTICATIONFAILED invalid password')).kind).toBe('permanent');
  });

  it('passes a ProviderError through', () => {
    const e = new ProviderError('cursor_expired', 'x');
    expect(mapImapError(e)).toBe(e);
  });
});

describe('mapSmtpError', () => {
  const cases: [string, unknown, string, boolean][] = [
    ['bad credentials', { code: 'EAUTH', responseCode: 535 }, 'auth_revoked', false],
    ['greylisted', { code: 'EMESSAGE', responseCode: 451 }, 'transient', false],
    ['service closing', { responseCode: 421 }, 'transient', false],
    ['message too big', { code: 'EMESSAGE', responseCode: 552 }, 'permanent', false],
    ['recipient refused', { code: 'EENVELOPE', responseCode: 550 }, 'invalid_input', false],
    ['refused before data', { code: 'ECONNECTION', command: 'CONN' }, 'transient', false],
    ['cut after the body went out', { code: 'ETIMEDOUT', command: 'DATA' }, 'transient', true],
  ];
  it.each(cases)('%s', (_name, input, kind, ambiguous) => {
    const e = mapSmtpError(input);
    expect(e.kind).toBe(kind);
    expect(e.ambiguous).toBe(ambiguous);
  });
});

describe('mapDavError', () => {
  const syncTokenBody = `<?xml version='1.0' encoding='utf-8'?>\n<error xmlns="DAV:"><valid-sync-token /></error>`;
  const uidConflict = `<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:no-uid-conflict><D:href>/a.ics</D:href></C:no-uid-conflict></D:error>`;
  const cases: [string, { status: number; body?: string; retryAfter?: string }, string][] = [
    ['expired sync token (403, RFC 6578)', { status: 403, body: syncTokenBody }, 'cursor_expired'],
    ['expired sync token on another 4xx', { status: 409, body: syncTokenBody }, 'cursor_expired'],
    ['uid already used', { status: 403, body: uidConflict }, 'conflict'],
    ['wrong password', { status: 401 }, 'auth_revoked'],
    ['forbidden', { status: 403 }, 'permission'],
    ['gone', { status: 404 }, 'not_found'],
    ['precondition failed (If-Match)', { status: 412 }, 'conflict'],
    ['conflict', { status: 409 }, 'conflict'],
    ['bad calendar data', { status: 415 }, 'invalid_input'],
    ['rate limited', { status: 429, retryAfter: '5' }, 'throttled'],
    ['server error', { status: 500 }, 'transient'],
    ['bad gateway', { status: 502 }, 'transient'],
    ['insufficient storage', { status: 507 }, 'permanent'],
  ];
  it.each(cases)('%s', (_name, input, kind) => {
    expect(mapDavError(input, now).kind).toBe(kind);
  });

  it('reads Retry-After', () => {
    expect(mapDavError({ status: 429, retryAfter: '5' }, now).retryAfterMs).toBe(5_000);
    expect(mapDavError({ status: 503, retryAfter: '2' }, now)).toMatchObject({ kind: 'throttled', retryAfterMs: 2_000 });
  });

  it('lists DAV conditions from an error body', () => {
    expect(davErrorConditions(uidConflict)).toEqual(['no-uid-conflict']);
    expect(davErrorConditions('Access forbidden')).toEqual([]);
  });
});
