/**
 * The one mapper from SMTP relay failures to the provider error taxonomy, so the sync engine's retry
 * policy treats the relay like any provider. It reads the reply code (RFC 5321 4.2: 4yz transient,
 * 5yz permanent), the enhanced status code (RFC 3463) and nodemailer's structured error code,
 * never the text; the text is kept verbatim for the user.
 */
import { ProviderError, type ProviderErrorKind } from '../providers/errors';

/** Where in the session the failure happened; after the message went out, a lost reply is ambiguous. */
export type SmtpStage = 'connect' | 'auth' | 'send';

/** The fields nodemailer puts on its errors. */
export interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** A relay failure: a ProviderError that also carries the relay's exact answer. */
export class RelayError extends ProviderError {
  /** The relay's reply as received ("550 5.1.1 <x@example.com>: Recipient address rejected"). */
  readonly relayResponse: string | undefined;
  constructor(kind: ProviderErrorKind, message: string, details: ConstructorParameters<typeof ProviderError>[2] & { relayResponse?: string }) {
    super(kind, message, details);
    this.name = 'RelayError';
    this.relayResponse = details?.relayResponse;
  }
}

const authReplyCodes = new Set([530, 534, 535, 538]);
const authEnhancedCodes = new Set(['5.7.8', '5.7.9', '5.7.11']);

/** Network-level failures worth retrying (nodemailer codes). */
const networkCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROTOCOL']);

export function enhancedStatus(response: string | undefined): string | undefined {
  return response ? /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response)?.[1] : undefined;
}

export function mapSmtpError(failure: SmtpFailure, stage: SmtpStage): RelayError {
  const { responseCode: status, response } = failure;
  const enhanced = enhancedStatus(response);
  const answer = response?.trim();
  const isAuth = stage === 'auth' || failure.code === 'EAUTH';
  const base = { relayResponse: answer, cause: failure, ...(status === undefined ? {} : { status }) };

  // Checked before the reply code: a relay that answers STARTTLS with 5xx is a settings problem.
  if (failure.code === 'ETLS') {
    return new RelayError('permanent', `TLS with the SMTP relay failed${answer ? ` (${answer})` : ''}: check the TLS mode (none, STARTTLS or TLS) and the port, and that the relay has a valid certificate.`, { ...base, code: 'relay_tls_failed' });
  }
  if (status !== undefined && status >= 400 && status < 600) {
    const temporary = status < 500;
    // The AUTH replies of RFC 4954 6 (530 required, 534 mechanism too weak, 535 invalid
    // credentials, 538 encryption required) are settings problems: retrying cannot help until an
    // administrator fixes the relay settings.
    if (!temporary && (isAuth || authReplyCodes.has(status) || (enhanced !== undefined && authEnhancedCodes.has(enhanced)))) {
      return new RelayError('permission', `The SMTP relay refused to log in with the configured username and password (${answer}). Check the relay settings.`, { ...base, code: 'relay_auth_failed' });
    }
    if (temporary) {
      return new RelayError('transient', `The SMTP relay deferred the message: ${answer}`, { ...base, code: enhanced ?? `smtp_${status}` });
    }
    return new RelayError('permanent', `failed / undeliverable: ${answer}`, { ...base, code: enhanced ?? `smtp_${status}` });
  }

  if (isAuth) {
    return new RelayError('permission', 'The SMTP relay could not log in with the configured settings (no supported method or missing credentials). Check the relay settings.', { ...base, code: 'relay_auth_failed' });
  }
  if (failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE') {
    return new RelayError('invalid_input', `The message cannot be sent as it is: ${failure.code === 'EENVELOPE' ? 'a sender or recipient address is not valid' : 'it is empty or too large for the relay'}.`, { ...base, code: failure.code });
  }
  // A connection lost after the message was handed over may still have been delivered.
  const ambiguous = stage === 'send' && (failure.code === undefined || networkCodes.has(failure.code));
  const code = failure.code ?? 'ECONNECTION';
  return new RelayError('transient', `The SMTP relay could not be reached or dropped the connection (${code}).`, { ...base, code, ambiguous });
}
