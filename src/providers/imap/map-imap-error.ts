/**
 * The one pure mapper of the IMAP/SMTP/CalDAV provider: wire failures → ProviderError kinds.
 * Classifies by structured fields only — IMAP response codes (RFC 5530 / RFC 3501 `[CODE]`),
 * imapflow / Node error codes, SMTP reply codes and nodemailer codes, HTTP statuses and DAV
 * precondition elements — never by message text.
 */
import { XMLParser } from 'fast-xml-parser';
import { ProviderError, isProviderError, parseRetryAfter, type ProviderErrorKind } from '../errors';

function field(e: unknown, name: string): unknown {
  return typeof e === 'object' && e !== null && name in e ? (e as Record<string, unknown>)[name] : undefined;
}

function str(e: unknown, name: string): string | undefined {
  const v = field(e, name);
  return typeof v === 'string' ? v : undefined;
}

function num(e: unknown, name: string): number | undefined {
  const v = field(e, name);
  return typeof v === 'number' ? v : undefined;
}

/** Socket, DNS and timeout codes from Node and from imapflow's connection layer: retry with backoff. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  // imapflow
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
  'ETIMEOUT',
  'LockTimeout',
  // nodemailer (SMTP)
  'ECONNECTION',
  'ESOCKET',
]);

/** IMAP response codes (RFC 5530 and RFC 3501) → kind. */
const imapResponseCodes: Record<string, ProviderErrorKind> = {
  AUTHENTICATIONFAILED: 'auth_revoked', // wrong password / app password revoked
  AUTHORIZATIONFAILED: 'auth_revoked',
  EXPIRED: 'auth_revoked',
  PRIVACYREQUIRED: 'permanent',
  CONTACTADMIN: 'permission',
  NOPERM: 'permission',
  UNAVAILABLE: 'transient', // backend temporarily down
  INUSE: 'transient',
  SERVERBUG: 'transient',
  LIMIT: 'throttled', // a server limit, e.g. too many connections for this user
  OVERQUOTA: 'permanent', // retrying will not free space; the user must act
  NONEXISTENT: 'not_found',
  TRYCREATE: 'not_found', // target mailbox missing: ensureCaptureFolders again, then retry
  ALREADYEXISTS: 'conflict',
  CANNOT: 'permanent',
  CORRUPTION: 'permanent',
  EXPUNGEISSUED: 'transient',
  UIDNOTSTICKY: 'cursor_expired',
};

function make(kind: ProviderErrorKind, what: string, details: { code?: string; status?: number; retryAfterMs?: number; ambiguous?: boolean; cause: unknown }) {
  return new ProviderError(kind, `${what}: ${kind}${details.code ? ` (${details.code})` : ''}`, details);
}

/** Errors raised by imapflow (or the sockets under it). */
export function mapImapError(e: unknown, what = 'imap'): ProviderError {
  if (isProviderError(e)) return e;
  const responseCode = str(e, 'serverResponseCode')?.toUpperCase();
  if (field(e, 'authenticationFailed') === true) return make('auth_revoked', what, { code: responseCode ?? 'AUTHENTICATIONFAILED', cause: e });
  if (responseCode && imapResponseCodes[responseCode]) {
    return make(imapResponseCodes[responseCode], what, { code: responseCode, cause: e });
  }
  const code = str(e, 'code');
  if (code === 'ETHROTTLE') return make('throttled', what, { code, retryAfterMs: num(e, 'throttleReset') ?? 1_000, cause: e });
  if (code && networkCodes.has(code)) return make('transient', what, { code, cause: e });
  if (field(e, 'mailboxMissing') === true || code === 'NotFound') return make('not_found', what, { code: code ?? 'NONEXISTENT', cause: e });
  if (field(e, 'tlsFailed') === true) return make('permanent', what, { code: code ?? 'TLS', cause: e });
  if (code === 'MissingServerExtension') return make('permanent', what, { code, cause: e });
  if (str(e, 'responseStatus') === 'BAD') return make('invalid_input', what, { code: 'BAD', cause: e });
  // A failure of the fetch layer under us (DAV) carries the socket code on `cause`.
  const causeCode = str(field(e, 'cause'), 'code');
  if (causeCode && networkCodes.has(causeCode)) return make('transient', what, { code: causeCode, cause: e });
  return make('permanent', what, { code: code ?? responseCode, cause: e });
}

/**
 * Errors raised by nodemailer's SMTP transport. `ambiguous` marks failures after the message body
 * went out (the server may have queued it): the outbox must look in Sent before resending.
 */
export function mapSmtpError(e: unknown): ProviderError {
  if (isProviderError(e)) return e;
  const code = str(e, 'code');
  const reply = num(e, 'responseCode');
  const afterData = str(e, 'command') === 'DATA' || str(e, 'command') === 'message';
  if (code === 'EAUTH' || reply === 535 || reply === 534) return make('auth_revoked', 'smtp', { code: code ?? 'EAUTH', status: reply, cause: e });
  if (reply === 421 || reply === 450 || reply === 451 || reply === 452) return make('transient', 'smtp', { code, status: reply, cause: e });
  if (reply === 552 || reply === 554) return make('permanent', 'smtp', { code, status: reply, cause: e });
  if (reply === 550 || reply === 551 || reply === 553 || code === 'EENVELOPE' || code === 'EMESSAGE') {
    return make('invalid_input', 'smtp', { code, status: reply, cause: e });
  }
  if (code && networkCodes.has(code)) return make('transient', 'smtp', { code, status: reply, ambiguous: afterData, cause: e });
  if (reply !== undefined && reply >= 400 && reply < 500) return make('transient', 'smtp', { code, status: reply, cause: e });
  return make('permanent', 'smtp', { code, status: reply, cause: e });
}

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true });

/** The DAV precondition / postcondition element names inside a `DAV:error` body (RFC 4918 §16). */
export function davErrorConditions(body: string | undefined): string[] {
  if (!body || !body.includes('<')) return [];
  try {
    const parsed: unknown = xml.parse(body);
    const root = field(parsed, 'error');
    return typeof root === 'object' && root !== null ? Object.keys(root) : [];
  } catch {
    return [];
  }
}

export interface DavFailure {
  status: number;
  body?: string;
  retryAfter?: string | null;
}

/** A non-2xx CalDAV answer. */
export function mapDavError(res: DavFailure, now: Date, what = 'caldav'): ProviderError {
  const conditions = davErrorConditions(res.body);
  const code = conditions[0];
  const details = { status: res.status, code, cause: undefined };
  // RFC 6578 §3.2: an unknown or expired token fails the DAV:valid-sync-token precondition (403;
  // some servers answer with another 4xx — any of them means "start over").
  if (conditions.includes('valid-sync-token')) return make('cursor_expired', what, { ...details, code: 'valid-sync-token' });
  if (conditions.includes('no-uid-conflict')) return make('conflict', what, { ...details, code: 'no-uid-conflict' });
  const retryAfterMs = parseRetryAfter(res.retryAfter, now);
  switch (res.status) {
    case 401:
      return make('auth_revoked', what, details);
    case 403:
      return make('permission', what, details);
    case 404:
    case 410:
      return make('not_found', what, details);
    case 409:
    case 412:
      return make('conflict', what, details);
    case 400:
    case 413:
    case 415:
    case 422:
      return make('invalid_input', what, details);
    case 429:
      return make('throttled', what, { ...details, retryAfterMs: retryAfterMs ?? 1_000 });
    case 507:
      return make('permanent', what, details);
    default:
      if (res.status === 503 && retryAfterMs !== undefined) return make('throttled', what, { ...details, retryAfterMs });
      if (res.status >= 500 || res.status === 408) return make('transient', what, details);
      return make('permanent', what, details);
  }
}
