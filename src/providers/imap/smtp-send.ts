/**
 * SMTP submission of the exact MIME bytes Tandem built (so the Message-ID and DKIM-relevant headers
 * are untouched), with the envelope given explicitly: Bcc recipients are in the envelope only.
 * Connect proves the same settings first with `verifySmtp` (connect + AUTH, no mail sent).
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

function transportFor(settings: SmtpSettings) {
  return nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    auth: { user: settings.user, pass: settings.pass },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
}

async function withTransport(settings: SmtpSettings, run: (transport: ReturnType<typeof transportFor>) => Promise<unknown>): Promise<void> {
  const transport = transportFor(settings);
  try {
    await run(transport);
  } catch (e) {
    throw mapSmtpError(e);
  } finally {
    transport.close();
  }
}

export async function sendSmtp(settings: SmtpSettings, mail: { from: string; recipients: string[]; mime: Uint8Array }): Promise<void> {
  await withTransport(settings, (t) => t.sendMail({ envelope: { from: mail.from, to: mail.recipients }, raw: Buffer.from(mail.mime) }));
}

/** Connects, upgrades to TLS as configured and authenticates, then quits: the login sending will use. */
export async function verifySmtp(settings: SmtpSettings): Promise<void> {
  await withTransport(settings, (t) => t.verify());
}
