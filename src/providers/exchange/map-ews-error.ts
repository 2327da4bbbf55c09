/**
 * The one pure mapper from what an EWS exchange went wrong with to a ProviderError. It branches on
 * HTTP status, the SOAP fault / ResponseCode (types.xsd ResponseCodeType) and Node's network error
 * codes — never on MessageText, which Exchange localises.
 *
 * Documented behaviour it encodes:
 * - Bad or changed credentials are HTTP 401 with no SOAP body. Basic auth has no refresh, so the
 *   user must reconnect: auth_revoked.
 * - Throttling is HTTP 500 with SOAP fault ErrorServerBusy and MessageXml BackOffMilliseconds ("EWS
 *   throttling in Exchange"); it can also come as a per-item ResponseCode. IIS answers 503 itself
 *   when the application pool queue is full, with an HTML body and sometimes Retry-After.
 * - ErrorInvalidSyncStateData: the SyncState is corrupt, foreign or aged out; resync from none
 *   ("Handling synchronization-related errors in EWS").
 * - A connection lost after the request went out may have been carried out (CreateItem send):
 *   the error is marked ambiguous so the outbox looks in Sent Items before sending again.
 */
import { ProviderError, parseRetryAfter, type ProviderErrorKind } from '../errors';

export type EwsFailure =
  /** The HTTP exchange failed (non-200). `faultCode` / `backOffMs` come from a SOAP fault body if it was one. */
  | { type: 'http'; status: number; retryAfter?: string | null; faultCode?: string; backOffMs?: number }
  /** HTTP 200 with a ResponseMessage of ResponseClass Error. */
  | { type: 'response'; code: string; backOffMs?: number }
  /** No HTTP answer (reset, refused, timeout). `mayHaveRun`: the request was a write that may have been applied. */
  | { type: 'network'; error: unknown; mayHaveRun?: boolean };

const codeKinds: Record<string, ProviderErrorKind> = {
  ErrorServerBusy: 'throttled',
  ErrorExceededConnectionCount: 'throttled',
  ErrorExceededSubscriptionCount: 'throttled',
  ErrorTooManyObjectsOpened: 'throttled',
  ErrorInternalServerError: 'transient',
  ErrorInternalServerTransientError: 'transient',
  ErrorTimeoutExpired: 'transient',
  ErrorConnectionFailed: 'transient',
  ErrorMailboxMoveInProgress: 'transient',
  ErrorMailboxStoreUnavailable: 'transient',
  ErrorBatchProcessingStopped: 'transient',
  ErrorItemNotFound: 'not_found',
  ErrorFolderNotFound: 'not_found',
  ErrorSyncFolderNotFound: 'not_found',
  ErrorSubscriptionNotFound: 'not_found',
  ErrorExpiredSubscription: 'not_found',
  ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange: 'not_found',
  ErrorIrresolvableConflict: 'conflict',
  ErrorChangeKeyRequired: 'conflict',
  ErrorChangeKeyRequiredForWriteOperations: 'conflict',
  ErrorStaleObject: 'conflict',
  ErrorFolderExists: 'conflict',
  ErrorInvalidSyncStateData: 'cursor_expired',
  ErrorInvalidWatermark: 'cursor_expired',
  ErrorNonExistentMailbox: 'unsupported_mailbox',
  ErrorAccessDenied: 'permission',
  ErrorImpersonateUserDenied: 'permission',
  ErrorSendAsDenied: 'permission',
  ErrorQuotaExceeded: 'permanent',
  ErrorInvalidIdMalformed: 'invalid_input',
  ErrorInvalidIdEmpty: 'invalid_input',
  ErrorInvalidIdNotAnItemAttachmentId: 'invalid_input',
  ErrorSchemaValidation: 'invalid_input',
  ErrorInvalidRequest: 'invalid_input',
  ErrorInvalidRecipients: 'invalid_input',
  ErrorInvalidPropertyRequest: 'invalid_input',
  ErrorInvalidRestriction: 'invalid_input',
  ErrorUnsupportedPathForQuery: 'invalid_input',
  ErrorTimeZone: 'invalid_input',
  ErrorCalendarInvalidRecurrence: 'invalid_input',
  ErrorCalendarEndDateIsEarlierThanStartDate: 'invalid_input',
  ErrorCalendarDurationIsTooLong: 'invalid_input',
  ErrorMessageSizeExceeded: 'invalid_input',
  ErrorMimeContentConversionFailed: 'invalid_input',
  ErrorInvalidOperation: 'invalid_input',
};

/** Node / undici codes for a request that never got an answer. */
const networkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Failures before a connection existed: the request cannot have reached Exchange. */
const neverSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const name = (e as { name?: unknown }).name;
  // fetch rejects with DOMException AbortError / TimeoutError when its signal fires.
  if (name === 'TimeoutError' || name === 'AbortError') return name;
  return errorCode((e as { cause?: unknown }).cause);
}

function fromCode(code: string, backOffMs: number | undefined, status?: number): ProviderError {
  // A busy server may wrap the throttle as ErrorInternalServerError carrying BackOffMilliseconds.
  const kind: ProviderErrorKind = backOffMs !== undefined ? 'throttled' : (codeKinds[code] ?? 'permanent');
  return new ProviderError(kind, `EWS answered ${code}`, {
    code,
    ...(status !== undefined ? { status } : {}),
    ...(kind === 'throttled' ? { retryAfterMs: backOffMs ?? 30_000 } : {}),
  });
}

function fromStatus(f: Extract<EwsFailure, { type: 'http' }>, now: Date): ProviderError {
  const { status } = f;
  const retryAfterMs = parseRetryAfter(f.retryAfter, now);
  const details = { status, code: `http_${status}` };
  if (status === 401) return new ProviderError('auth_revoked', 'Exchange refused the user name or password (HTTP 401)', details);
  // 403 on EWS: EWS is disabled for the mailbox or the client is blocked by policy.
  if (status === 403) return new ProviderError('permission', 'Exchange refused access to EWS (HTTP 403)', details);
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
    return new ProviderError('throttled', `Exchange is busy (HTTP ${status})`, { ...details, retryAfterMs: retryAfterMs ?? 30_000 });
  }
  if (status >= 500) return new ProviderError('transient', `Exchange failed (HTTP ${status})`, details);
  if (status === 400 || status === 413) return new ProviderError('invalid_input', `Exchange refused the request (HTTP ${status})`, details);
  return new ProviderError('permanent', `Unexpected HTTP ${status} from EWS`, details);
}

export function mapEwsError(f: EwsFailure, now: Date): ProviderError {
  switch (f.type) {
    case 'response':
      return fromCode(f.code, f.backOffMs);
    case 'http':
      return f.faultCode ? fromCode(f.faultCode, f.backOffMs, f.status) : fromStatus(f, now);
    case 'network': {
      if (f.error instanceof ProviderError) return f.error;
      const code = errorCode(f.error);
      const known = code !== undefined && (networkCodes.has(code) || code === 'TimeoutError' || code === 'AbortError');
      if (!known) return new ProviderError('permanent', 'EWS request failed', { cause: f.error, ...(code ? { code } : {}) });
      return new ProviderError('transient', `EWS connection failed (${code})`, { code, cause: f.error, ambiguous: f.mayHaveRun === true && !neverSent.has(code) });
    }
  }
}
