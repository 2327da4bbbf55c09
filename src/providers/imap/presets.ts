/**
 * Connect settings of common IMAP/SMTP/CalDAV hosts, as data. The connect form fills itself from
 * these; every field stays editable. All of them require an app-specific password when the account
 * has two-step verification (and iCloud and Yahoo always do).
 */
export interface ServerSetting {
  host: string;
  port: number;
  /** true: TLS from the first byte (993 / 465); false: STARTTLS upgrade on a plain port (587). */
  secure: boolean;
}

export interface ImapPreset {
  id: string;
  name: string;
  /** Domains whose addresses default to this preset. */
  domains: string[];
  imap: ServerSetting;
  smtp: ServerSetting;
  /** Where CalDAV discovery starts (/.well-known/caldav → principal → calendar-home-set). */
  caldavUrl: string;
  /** True when SMTP submission files the message in Sent itself (then we do not APPEND a copy). */
  smtpFilesToSent: boolean;
  appPasswordNote: string;
  appPasswordUrl: string;
}

export const imapPresets: readonly ImapPreset[] = [
  {
    id: 'fastmail',
    name: 'Fastmail',
    domains: ['fastmail.com', 'fastmail.fm', 'messagingengine.com'],
    imap: { host: 'imap.fastmail.com', port: 993, secure: true },
    smtp: { host: 'smtp.fastmail.com', port: 465, secure: true },
    caldavUrl: 'https://caldav.fastmail.com/',
    smtpFilesToSent: false,
    appPasswordNote: 'Create an app password with IMAP, SMTP and CalDAV access in Settings → Privacy & Security → App passwords.',
    appPasswordUrl: 'https://app.fastmail.com/settings/security/apps',
  },
  {
    id: 'icloud',
    name: 'iCloud Mail',
    domains: ['icloud.com', 'me.com', 'mac.com'],
    imap: { host: 'imap.mail.me.com', port: 993, secure: true },
    smtp: { host: 'smtp.mail.me.com', port: 587, secure: false },
    caldavUrl: 'https://caldav.icloud.com/',
    smtpFilesToSent: false,
    appPasswordNote: 'Apple requires an app-specific password: appleid.apple.com → Sign-In and Security → App-Specific Passwords.',
    appPasswordUrl: 'https://appleid.apple.com/account/manage',
  },
  {
    id: 'zoho',
    name: 'Zoho Mail',
    domains: ['zoho.com', 'zohomail.com'],
    imap: { host: 'imap.zoho.com', port: 993, secure: true },
    smtp: { host: 'smtp.zoho.com', port: 465, secure: true },
    caldavUrl: 'https://calendar.zoho.com/',
    smtpFilesToSent: false,
    appPasswordNote: 'With two-factor authentication on, generate an application-specific password in Zoho Accounts → Security → App Passwords; IMAP access must be enabled in Mail settings.',
    appPasswordUrl: 'https://accounts.zoho.com/home#security/app_password',
  },
  {
    id: 'yahoo',
    name: 'Yahoo Mail',
    domains: ['yahoo.com', 'ymail.com', 'rocketmail.com'],
    imap: { host: 'imap.mail.yahoo.com', port: 993, secure: true },
    smtp: { host: 'smtp.mail.yahoo.com', port: 465, secure: true },
    caldavUrl: 'https://caldav.calendar.yahoo.com/',
    smtpFilesToSent: false,
    appPasswordNote: 'Yahoo only accepts an app password for IMAP/SMTP/CalDAV: Account Info → Account Security → Generate app password.',
    appPasswordUrl: 'https://login.yahoo.com/account/security',
  },
];

/** The preset for an address's domain, if any. */
export function presetForAddress(address: string): ImapPreset | undefined {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return imapPresets.find((p) => p.domains.includes(domain));
}
