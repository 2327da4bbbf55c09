/**
 * The provider for any IMAP + SMTP + CalDAV host (Fastmail, iCloud, Zoho, Yahoo, hosting companies'
 * mailboxes, self-run servers). Password (app-password) credentials; endpoints from the connect form
 * or a preset (presets.ts).
 */
import type { CaptureFolders, MailboxIdentity, Provider, ProviderContext, ProviderFactory } from '../provider';
import { CalDavClient } from './caldav-client';
import { createCalDavCalendar } from './caldav-calendar';
import { watchCaptureFolder, type CaptureWatch, type WatchOptions } from './imap-idle';
import { createImapMail } from './imap-mail';
import { imapSettings, withImap } from './imap-session';
import { verifyLogins } from './imap-verify';
import { verifySmtp, type SmtpSettings } from './smtp-send';

export interface ImapProviderOptions {
  /** 'auto' (default) uses RFC 6578 sync-collection when offered, else ctag + etag diff. */
  calendarChangeDetection?: 'auto' | 'ctag';
  /** The SMTP server files submitted mail in Sent itself (skip our APPEND). */
  smtpFilesToSent?: boolean;
  /** Refuse SMTP without TLS (default: true unless the SMTP endpoint is loopback). */
  smtpRequireTls?: boolean;
  socketTimeoutMs?: number;
  idle?: WatchOptions;
}

export interface ImapProvider extends Provider {
  readonly kind: 'imap';
  /** IMAP IDLE on the capture folder; `onChange` means "list the folder now". See imap-idle.ts. */
  watchCapture(folders: CaptureFolders, onChange: () => void): CaptureWatch;
}

const loopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

export function createImapProvider(ctx: ProviderContext, options: ImapProviderOptions = {}): ImapProvider {
  const imap = imapSettings(ctx, options.socketTimeoutMs);
  const smtpEndpoint = ctx.endpoints.smtp;
  const smtp: SmtpSettings | undefined = smtpEndpoint && {
    ...smtpEndpoint,
    user: imap.user,
    pass: imap.pass,
    requireTls: options.smtpRequireTls ?? (!smtpEndpoint.secure && !loopback(smtpEndpoint.host)),
  };
  const dav = ctx.endpoints.caldavUrl ? new CalDavClient({ url: ctx.endpoints.caldavUrl, user: imap.user, pass: imap.pass }, ctx.fetch, ctx.clock) : undefined;
  const mail = createImapMail({
    imap,
    smtp,
    mailbox: ctx.mailbox,
    logger: ctx.logger,
    smtpFilesToSent: options.smtpFilesToSent,
  });
  const calendar = dav
    ? createCalDavCalendar({
        dav,
        clock: ctx.clock,
        organizer: ctx.mailbox,
        changeDetection: options.calendarChangeDetection,
      })
    : undefined;

  return {
    kind: 'imap',
    mail,
    calendar,
    async identity(): Promise<MailboxIdentity> {
      // Real logins prove every server the account will use (imap-verify.ts); IMAP has no notion of
      // shared mailboxes or groups. The CalDAV check also finds (and keeps) the calendar to sync.
      await verifyLogins({
        imap: () => withImap(imap, ctx.logger, 'identity', async (s) => s.client.noop()),
        smtp: smtp && (() => verifySmtp(smtp)),
        caldav: dav && (() => dav.calendar()),
      });
      return { providerUserId: imap.user, address: ctx.mailbox, type: 'user' };
    },
    watchCapture(folders, onChange) {
      return watchCaptureFolder(imap, ctx.logger, folders.captureId, onChange, options.idle);
    },
  };
}

export const imapProviderFactory: ProviderFactory = {
  kind: 'imap',
  create: (ctx) => createImapProvider(ctx),
};
