import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { mapEwsError, type EwsFailure } from './map-ews-error';

const now = new Date('2026-11-02T09:00:00Z');

describe('mapEwsError', () => {
  const cases: [string, EwsFailure, string, string | undefined][] = [
    ['wrong or changed password', { type: 'http', status: 401 }, 'auth_revoked', 'http_401'],
    ['EWS disabled for the mailbox', { type: 'http', status: 403 }, 'permission', 'http_403'],
    ['server busy fault', { type: 'http', status: 500, faultCode: 'ErrorServerBusy', backOffMs: 30_000 }, 'throttled', 'ErrorServerBusy'],
    ['internal error fault', { type: 'http', status: 500, faultCode: 'ErrorInternalServerError' }, 'transient', 'ErrorInternalServerError'],
    ['schema validation fault', { type: 'http', status: 500, faultCode: 'ErrorSchemaValidation' }, 'invalid_input', 'ErrorSchemaValidation'],
    ['500 with an HTML body', { type: 'http', status: 500 }, 'transient', 'http_500'],
    ['IIS 503 without Retry-After', { type: 'http', status: 503 }, 'transient', 'http_503'],
    ['IIS 503 with Retry-After', { type: 'http', status: 503, retryAfter: '12' }, 'throttled', 'http_503'],
    ['429', { type: 'http', status: 429, retryAfter: '3' }, 'throttled', 'http_429'],
    ['bad request', { type: 'http', status: 400 }, 'invalid_input', 'http_400'],
    ['wrong EWS URL', { type: 'http', status: 404 }, 'permanent', 'http_404'],
    ['item gone', { type: 'response', code: 'ErrorItemNotFound' }, 'not_found', 'ErrorItemNotFound'],
    ['stale ChangeKey', { type: 'response', code: 'ErrorIrresolvableConflict' }, 'conflict', 'ErrorIrresolvableConflict'],
    ['ChangeKey missing', { type: 'response', code: 'ErrorChangeKeyRequiredForWriteOperations' }, 'conflict', 'ErrorChangeKeyRequiredForWriteOperations'],
    ['sync state expired', { type: 'response', code: 'ErrorInvalidSyncStateData' }, 'cursor_expired', 'ErrorInvalidSyncStateData'],
    ['no mailbox (distribution list)', { type: 'response', code: 'ErrorNonExistentMailbox' }, 'unsupported_mailbox', 'ErrorNonExistentMailbox'],
    ['access denied', { type: 'response', code: 'ErrorAccessDenied' }, 'permission', 'ErrorAccessDenied'],
    ['send as another mailbox refused', { type: 'response', code: 'ErrorSendAsDenied' }, 'permission', 'ErrorSendAsDenied'],
    ['malformed id', { type: 'response', code: 'ErrorInvalidIdMalformed' }, 'invalid_input', 'ErrorInvalidIdMalformed'],
    ['per-item busy', { type: 'response', code: 'ErrorServerBusy', backOffMs: 5_000 }, 'throttled', 'ErrorServerBusy'],
    ['internal error carrying a back-off', { type: 'response', code: 'ErrorInternalServerError', backOffMs: 2_000 }, 'throttled', 'ErrorInternalServerError'],
    ['connection limit', { type: 'response', code: 'ErrorExceededConnectionCount' }, 'throttled', 'ErrorExceededConnectionCount'],
    ['mailbox moving', { type: 'response', code: 'ErrorMailboxMoveInProgress' }, 'transient', 'ErrorMailboxMoveInProgress'],
    ['subscription lapsed', { type: 'response', code: 'ErrorExpiredSubscription' }, 'not_found', 'ErrorExpiredSubscription'],
    ['unknown code', { type: 'response', code: 'ErrorSomethingNew' }, 'permanent', 'ErrorSomethingNew'],
    ['connection reset', { type: 'network', error: new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }) }, 'transient', 'ECONNRESET'],
    ['socket closed by the server', { type: 'network', error: new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }) }, 'transient', 'UND_ERR_SOCKET'],
    ['refused', { type: 'network', error: { code: 'ECONNREFUSED' } }, 'transient', 'ECONNREFUSED'],
    ['our timeout', { type: 'network', error: new DOMException('timed out', 'TimeoutError') }, 'transient', 'TimeoutError'],
    ['a bug, not the network', { type: 'network', error: new RangeError('oops') }, 'permanent', undefined],
  ];
  it.each(cases)('%s', (_name, failure, kind, code) => {
    const e = mapEwsError(failure, now);
    expect(e.kind).toBe(kind);
    expect(e.code).toBe(code);
  });

  it('keeps the server back-off and Retry-After as retryAfterMs', () => {
    expect(mapEwsError({ type: 'http', status: 500, faultCode: 'ErrorServerBusy', backOffMs: 30_000 }, now).retryAfterMs).toBe(30_000);
    expect(mapEwsError({ type: 'http', status: 503, retryAfter: '12' }, now).retryAfterMs).toBe(12_000);
    expect(mapEwsError({ type: 'http', status: 503, retryAfter: 'Mon, 02 Nov 2026 09:01:00 GMT' }, now).retryAfterMs).toBe(60_000);
  });

  it('marks a dropped write as ambiguous, and only a write', () => {
    const error = new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } });
    expect(mapEwsError({ type: 'network', error, mayHaveRun: true }, now).ambiguous).toBe(true);
    expect(mapEwsError({ type: 'network', error }, now).ambiguous).toBe(false);
    // Refused before a connection existed: the write cannot have happened.
    expect(mapEwsError({ type: 'network', error: { code: 'ECONNREFUSED' }, mayHaveRun: true }, now).ambiguous).toBe(false);
  });

  it('passes a ProviderError through', () => {
    const e = new ProviderError('cursor_expired', 'x');
    expect(mapEwsError({ type: 'network', error: e }, now)).toBe(e);
  });
});
