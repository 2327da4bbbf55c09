import { describe, expect, it } from 'vitest';
import type { ProviderErrorKind } from '../errors';
import { graphErrorCodes, mapGraphError, mapTransportError } from './map-graph-error';

const now = new Date('2026-11-02T09:00:00Z');

describe('mapGraphError', () => {
  const table: { name: string; status: number; code?: string; innerCode?: string; retryAfter?: string; kind: ProviderErrorKind; retryAfterMs?: number }[] = [
    { name: 'expired token', status: 401, code: 'InvalidAuthenticationToken', kind: 'auth_expired' },
    { name: 'access denied', status: 403, code: 'ErrorAccessDenied', kind: 'permission' },
    { name: 'item gone', status: 404, code: 'ErrorItemNotFound', kind: 'not_found' },
    { name: 'mailbox not on REST', status: 404, code: 'MailboxNotEnabledForRESTAPI', kind: 'unsupported_mailbox' },
    { name: 'delta token evicted', status: 410, code: 'SyncStateNotFound', kind: 'cursor_expired' },
    { name: 'resync required without 410', status: 400, code: 'resyncRequired', kind: 'cursor_expired' },
    { name: 'sync state in innerError', status: 400, code: 'BadRequest', innerCode: 'syncStateNotFound', kind: 'cursor_expired' },
    { name: 'stale etag', status: 412, code: 'ErrorIrresolvableConflict', kind: 'conflict' },
    { name: 'folder exists', status: 409, code: 'ErrorFolderExists', kind: 'conflict' },
    { name: 'throttled with Retry-After', status: 429, code: 'ApplicationThrottled', retryAfter: '7', kind: 'throttled', retryAfterMs: 7000 },
    { name: 'throttled without Retry-After', status: 429, code: 'TooManyRequests', kind: 'throttled' },
    { name: 'unavailable', status: 503, code: 'ServiceNotAvailable', retryAfter: '3', kind: 'transient', retryAfterMs: 3000 },
    { name: 'server error', status: 500, code: 'generalException', kind: 'transient' },
    { name: 'gateway timeout', status: 504, kind: 'transient' },
    { name: 'malformed id', status: 400, code: 'ErrorInvalidIdMalformed', kind: 'invalid_input' },
    { name: 'bad MIME', status: 400, code: 'ErrorMimeContentInvalidBase64String', kind: 'invalid_input' },
    { name: 'too large', status: 413, kind: 'invalid_input' },
    { name: 'method not allowed', status: 405, kind: 'permanent' },
  ];
  it.each(table)('$name → $kind', (row) => {
    const e = mapGraphError({ status: row.status, code: row.code, innerCode: row.innerCode, retryAfter: row.retryAfter, now });
    expect(e.kind).toBe(row.kind);
    expect(e.status).toBe(row.status);
    expect(e.retryAfterMs).toBe(row.retryAfterMs);
    expect(e.ambiguous).toBe(false);
  });

  it('reads a Retry-After HTTP date against the injected clock', () => {
    expect(mapGraphError({ status: 429, retryAfter: 'Mon, 02 Nov 2026 09:00:30 GMT', now }).retryAfterMs).toBe(30_000);
  });

  it('reads codes from Graph error bodies and ignores other shapes', () => {
    expect(graphErrorCodes({ error: { code: 'ErrorItemNotFound', message: 'x', innerError: { code: 'inner' } } })).toEqual({ code: 'ErrorItemNotFound', innerCode: 'inner' });
    expect(graphErrorCodes({ error: 'nope' })).toEqual({});
    expect(graphErrorCodes(undefined)).toEqual({});
  });
});

describe('mapTransportError', () => {
  const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } });
  const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });

  it.each([
    { name: 'reset after a POST send', e: reset, idempotent: false, ambiguous: true, code: 'UND_ERR_SOCKET' },
    { name: 'reset on a GET', e: reset, idempotent: true, ambiguous: false, code: 'UND_ERR_SOCKET' },
    { name: 'refused before sending a POST', e: refused, idempotent: false, ambiguous: false, code: 'ECONNREFUSED' },
    { name: 'timeout of a POST', e: timeout, idempotent: false, ambiguous: true, code: 'TimeoutError' },
  ])('$name', ({ e, idempotent, ambiguous, code }) => {
    const mapped = mapTransportError(e, { idempotent });
    expect(mapped.kind).toBe('transient');
    expect(mapped.ambiguous).toBe(ambiguous);
    expect(mapped.code).toBe(code);
  });
});
