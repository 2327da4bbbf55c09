/**
 * The "Other mailbox (IMAP)" form as pure steps: what typing an address or picking a host fills in,
 * the checks made before anything is sent, and the request body. The component only draws it.
 */
import type { SyncSettingsInput } from './sync-api';
import { presetForAddress, type ImapPreset } from './imap-presets';

/** tls: TLS from the first byte (993 / 465); starttls: plain port upgraded with STARTTLS when offered (143 / 587). */
export type Security = 'tls' | 'starttls';

export interface ServerInput {
  host: string;
  port: string;
  security: Security;
}

export interface ImapInput {
  email: string;
  /** A preset's id, or '' for servers entered by hand. */
  presetId: string;
  username: string;
  password: string;
  imap: ServerInput;
  smtp: ServerInput;
  caldavUrl: string;
  /** Until the user types a username of their own it follows the address (most hosts log in with it). */
  usernameEdited: boolean;
  /** Until the user picks a host themselves it follows the address's domain. */
  presetPicked: boolean;
}

export const emptyImap: ImapInput = {
  email: '',
  presetId: '',
  username: '',
  password: '',
  imap: { host: '', port: '993', security: 'tls' },
  smtp: { host: '', port: '465', security: 'tls' },
  caldavUrl: '',
  usernameEdited: false,
  presetPicked: false,
};

export type ImapBody = NonNullable<SyncSettingsInput['imap']>;

const server = (s: ImapPreset['imap']): ServerInput => ({ host: s.host, port: String(s.port), security: s.secure ? 'tls' : 'starttls' });

/** Fills the servers and CalDAV URL from a preset; "enter by hand" keeps what is there to edit. */
export function applyPreset(input: ImapInput, preset: ImapPreset | undefined): ImapInput {
  if (!preset) return { ...input, presetId: '' };
  return { ...input, presetId: preset.id, imap: server(preset.imap), smtp: server(preset.smtp), caldavUrl: preset.caldavUrl };
}

export function withEmail(input: ImapInput, email: string, presets: readonly ImapPreset[]): ImapInput {
  const next = { ...input, email, username: input.usernameEdited ? input.username : email.trim() };
  if (input.presetPicked) return next;
  const preset = presetForAddress(presets, email);
  if (preset) return preset.id === input.presetId ? next : applyPreset(next, preset);
  return input.presetId ? { ...next, presetId: '' } : next;
}

/** The usual port of the other encryption, when the port is still the usual one of the current. */
const usualPorts: Record<'imap' | 'smtp', Record<Security, string>> = {
  imap: { tls: '993', starttls: '143' },
  smtp: { tls: '465', starttls: '587' },
};

export function withSecurity(input: ImapInput, which: 'imap' | 'smtp', security: Security): ImapInput {
  const current = input[which];
  const port = current.port === usualPorts[which][current.security] ? usualPorts[which][security] : current.port;
  return { ...input, [which]: { ...current, security, port } };
}

/** Field errors found before sending, keyed like the API's (`imap.imap.port`), so both show in the same place. */
export function checkImap(input: ImapInput): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim())) errors['imap.email'] = 'Enter the email address of the mailbox.';
  if (!input.username.trim()) errors['imap.username'] = 'Enter the username (usually the email address).';
  if (!input.password) errors['imap.password'] = 'Enter the password or app password.';
  for (const which of ['imap', 'smtp'] as const) {
    const label = which.toUpperCase();
    if (!input[which].host.trim()) errors[`imap.${which}.host`] = `Enter the ${label} server, e.g. ${which}.example.com.`;
    const port = Number(input[which].port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) errors[`imap.${which}.port`] = 'A port is a number from 1 to 65535.';
  }
  const dav = input.caldavUrl.trim();
  if (dav && !/^https?:\/\/[^\s/]+/i.test(dav)) errors['imap.caldavUrl'] = 'Enter a web address starting with https://';
  return errors;
}

export function toImapBody(input: ImapInput): ImapBody {
  const srv = (s: ServerInput) => ({ host: s.host.trim(), port: Number(s.port), secure: s.security === 'tls' });
  const dav = input.caldavUrl.trim();
  return {
    email: input.email.trim(),
    username: input.username.trim(),
    password: input.password,
    imap: srv(input.imap),
    smtp: srv(input.smtp),
    ...(dav ? { caldavUrl: dav } : {}),
  };
}

/** Nothing typed: an already connected IMAP mailbox then keeps its stored servers and password. */
export const isUntouched = (input: ImapInput): boolean => !input.email.trim() && !input.password;
