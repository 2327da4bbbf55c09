/**
 * SMTP submission of the exact MIME bytes Tandem built (so the Message-ID and DKIM-relevant headers
 * are untouched), with the envelope given explicitly: Bcc recipients are in the envelope only.
 */
import nodemailer from 'nodemailer';
import { mapSmtpError } from './map-imap-error';

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: implicit TLS (465); false: STARTTLS when offered (587). */
  secure: boolean;
  user: string;
  pass: string;
  /** Refuse to send over a connection that did not upgrade to TLS (real providers: yes; test sinks: no). */
  requireTls: boolean;
}

export async function sendSmtp(settings: SmtpSettings, mail: { from: string; recipients: string[]; mime: Uint8Array }): Promise<void> {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    auth: { user: settings.user, pass: settings.pass },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  try {
    await transport.sendMail({ envelope: { from: mail.from, to: mail.recipients }, raw: Buffer.from(mail.mime) });
  } catch (e) {
    throw mapSmtpError(e);
  } finally {
    transport.close();
  }
}
