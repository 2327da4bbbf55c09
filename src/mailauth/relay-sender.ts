/**
 * Sends one message through the company's SMTP relay, DKIM-signed with the sending domain's key.
 * The MIME is built elsewhere (with our stable Message-ID); it is signed once and those exact bytes
 * are sent, so the Message-ID and the signed headers arrive as written. Failures are RelayErrors
 * (ProviderErrors), classified by map-smtp-error.ts.
 *
 * nodemailer's SMTPConnection rather than a transport: knowing whether the message had been handed
 * over when a connection dropped is what tells an ambiguous failure from a clean one.
 */
import { isIP } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Clock } from '../domain/clock';
import type { OutgoingMail, SentRef } from '../providers/provider';
import { signMessage, type SigningKey } from './dkim-sign';
import { mapSmtpError, RelayError, type SmtpFailure, type SmtpStage } from './map-smtp-error';
import { domainOf, fromAddresses, headerFields } from './mime-headers';
import type { RelaySettings } from './relay-settings';

export interface RelayMail extends OutgoingMail {
  /** Envelope sender (MAIL FROM), where bounces go. */
  from: string;
}

export interface RejectedRecipient {
  recipient: string;
  /** The relay's answer for that recipient, verbatim. */
  response: string;
  status?: number;
}

export interface RelaySendResult extends SentRef {
  messageId: string;
  accepted: string[];
  /** Recipients refused while others were accepted: the message went out, these get "undeliverable". */
  rejected: RejectedRecipient[];
  /** The relay's final answer ("250 2.0.0 Ok: queued as 4XyZ"). */
  response: string;
}

export interface RelayDeps {
  clock: Clock;
}

/**
 * Our From must align with the DKIM signing domain (RFC 7489 3.1.1). Accepted: the same domain or a
 * subdomain of it, which aligns in relaxed mode whatever the public suffix list says.
 */
export function assertSendable(mail: RelayMail, key: SigningKey): void {
  const fields = headerFields(mail.mime);
  const ids = fields.get('message-id') ?? [];
  if (ids.length !== 1 || ids[0]?.toLowerCase() !== mail.messageId.toLowerCase()) {
    throw new RelayError('invalid_input', `The message must carry exactly one Message-ID header equal to ${mail.messageId}.`, { code: 'message_id_mismatch' });
  }
  const from = fromAddresses(fields);
  const signing = key.domain.toLowerCase();
  const misaligned = from.filter((a) => {
    const d = domainOf(a);
    return d !== signing && !d.endsWith(`.${signing}`);
  });
  if (from.length === 0 || misaligned.length > 0) {
    throw new RelayError('invalid_input', `The From address (${from.join(', ') || 'none'}) must be at ${signing}, the domain the relay signs for; otherwise DMARC fails at the receiver.`, { code: 'from_not_aligned' });
  }
  if (mail.recipients.length === 0) throw new RelayError('invalid_input', 'The message has no recipients.', { code: 'no_recipients' });
}

export async function sendThroughRelay(settings: RelaySettings, mail: RelayMail, key: SigningKey, deps: RelayDeps): Promise<RelaySendResult> {
  assertSendable(mail, key);
  const signed = await signMessage(mail.mime, key, deps.clock.now());
  return deliver(settings, mail, signed);
}

/** Hands finished bytes to the relay: one connection, one transaction. */
export async function deliver(settings: RelaySettings, mail: Pick<RelayMail, 'from' | 'recipients' | 'messageId'>, bytes: Buffer): Promise<RelaySendResult> {
  return withConnection(settings, async (session) => {
    // Declare 8-bit content (RFC 6152) when there is any, so the relay does not have to guess.
    const use8BitMime = bytes.some((b) => b > 0x7f);
    const info = await session.send({ from: mail.from, to: mail.recipients, use8BitMime }, bytes);
    return {
      messageId: mail.messageId,
      providerId: info.response,
      accepted: info.accepted,
      rejected: (info.rejectedErrors ?? []).map((e, i) => ({
        recipient: info.rejected[i] ?? '',
        response: e.response ?? e.message,
        ...(e.responseCode === undefined ? {} : { status: e.responseCode }),
      })),
      response: info.response,
    };
  });
}

interface Session {
  send(envelope: { from: string; to: string[]; use8BitMime: boolean }, message: Buffer): Promise<SMTPConnection.SentMessageInfo>;
}

/** Opens a connection (TLS per settings), logs in when credentials are set, runs `work`, quits. */
export async function withConnection<T>(settings: RelaySettings, work: (session: Session) => Promise<T>): Promise<T> {
  const conn = new SMTPConnection({
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    ...(settings.heloName ? { name: settings.heloName } : {}),
    connectionTimeout: settings.connectionTimeoutMs,
    greetingTimeout: settings.connectionTimeoutMs,
    socketTimeout: settings.socketTimeoutMs,
    // SNI carries host names only (RFC 6066 3); a relay given by address gets none.
    tls: { rejectUnauthorized: settings.rejectUnauthorized, ...(isIP(settings.host) ? {} : { servername: settings.host }) },
  });
  let stage: SmtpStage = 'connect';
  // Errors can also arrive as events (a socket closing between commands); the pending step rejects.
  let failPending: ((err: SmtpFailure) => void) | undefined;
  conn.on('error', (err) => failPending?.(err));
  const step = <R>(run: (done: (err: SmtpFailure | null | undefined, value?: R) => void) => void): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      let settled = false;
      const finish = (err: SmtpFailure | null | undefined, value?: R): void => {
        if (settled) return;
        settled = true;
        failPending = undefined;
        if (err) reject(mapSmtpError(err, stage));
        else resolve(value as R);
      };
      failPending = (err) => finish(err);
      run(finish);
    });

  try {
    await step<void>((done) => conn.connect((err) => done(err)));
    if (settings.username !== undefined) {
      stage = 'auth';
      await step<void>((done) => conn.login({ user: settings.username ?? '', pass: settings.password ?? '' }, (err) => done(err)));
    }
    const result = await work({
      send: (envelope, message) => {
        stage = 'send';
        return step<SMTPConnection.SentMessageInfo>((done) => conn.send(envelope, message, (err, info) => done(err, info)));
      },
    });
    conn.quit();
    return result;
  } catch (err) {
    conn.close();
    throw err;
  }
}
