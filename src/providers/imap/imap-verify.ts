/**
 * Connecting an "other" mailbox proves every server it will use with a real login before anything is
 * saved: IMAP (a NOOP after LOGIN), SMTP (connect + AUTH, no mail sent) and, when a CalDAV URL is
 * given, CalDAV (principal → calendar home → a calendar with events). A failure says which server
 * and why, so the form can point at the field to fix.
 */
import { ProviderError } from '../errors';

export type CheckedServer = 'imap' | 'smtp' | 'caldav';
export type LoginFailureReason = 'credentials' | 'unreachable' | 'tls' | 'no_calendar' | 'refused';

/** A login check that failed: the wire error (same kind, code and status) plus the server and reason. */
export class LoginCheckError extends ProviderError {
  override name = 'LoginCheckError';
  constructor(
    readonly server: CheckedServer,
    readonly reason: LoginFailureReason,
    error: ProviderError,
  ) {
    super(error.kind, `${server} login check: ${reason}${error.code ? ` (${error.code})` : ''}`, {
      code: error.code,
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      cause: error,
    });
  }
}

/** Codes of a failed TLS handshake or certificate check (Node / OpenSSL, nodemailer, imapflow). */
const tlsCodes = new Set([
  'ETLS', // nodemailer: TLS handshake or STARTTLS failed
  'EREQUIRETLS',
  'TLS', // map-imap-error: imapflow's tlsFailed
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'HOSTNAME_MISMATCH',
]);

/** Codes that mean nothing answered at that name and port (a mistyped host or port). */
const unreachableCodes = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNECTION', 'ESOCKET', 'ERR_INVALID_URL']);

/** Every structured code along the error's cause chain (nodemailer keeps the socket's in `originalCode`). */
function codesOf(e: unknown): string[] {
  const out: string[] = [];
  for (let cur = e, depth = 0; typeof cur === 'object' && cur !== null && depth < 6; depth++) {
    for (const key of ['code', 'originalCode']) {
      const v = (cur as Record<string, unknown>)[key];
      if (typeof v === 'string') out.push(v);
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

const isTlsCode = (c: string) => tlsCodes.has(c) || c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_');

/** Why a login check failed, from the mapped error's kind and the structured codes under it (pure). */
export function loginFailureReason(server: CheckedServer, e: ProviderError): LoginFailureReason {
  const codes = codesOf(e);
  if (codes.some(isTlsCode)) return 'tls';
  if (e.kind === 'auth_revoked' || e.kind === 'auth_expired') return 'credentials';
  if (server === 'caldav' && e.kind === 'not_found') return 'no_calendar';
  if (e.kind === 'transient' || e.kind === 'throttled' || codes.some((c) => unreachableCodes.has(c))) return 'unreachable';
  return 'refused';
}

async function check(server: CheckedServer, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ProviderError && !(e instanceof LoginCheckError)) throw new LoginCheckError(server, loginFailureReason(server, e), e);
    throw e;
  }
}

export interface LoginChecks {
  imap: () => Promise<unknown>;
  smtp?: (() => Promise<unknown>) | undefined;
  caldav?: (() => Promise<unknown>) | undefined;
}

/**
 * IMAP first: a wrong password is then tried once, not on three servers at once (hosts lock accounts
 * after repeated failures). SMTP and CalDAV follow together; SMTP's failure is reported first.
 */
export async function verifyLogins(checks: LoginChecks): Promise<void> {
  await check('imap', checks.imap);
  const [smtp, caldav] = await Promise.allSettled([
    checks.smtp ? check('smtp', checks.smtp) : Promise.resolve(),
    checks.caldav ? check('caldav', checks.caldav) : Promise.resolve(),
  ]);
  if (smtp.status === 'rejected') throw smtp.reason;
  if (caldav.status === 'rejected') throw caldav.reason;
}
