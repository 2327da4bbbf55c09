/**
 * What the shared webmail page (sim/common/webmail.ts) needs from a simulator. Each simulator
 * implements it over its own state, so one page serves Microsoft, Google and Exchange mailboxes.
 */
export interface WebmailFolder {
  id: string;
  name: string;
  /** Messages currently in it. */
  count: number;
}

export interface WebmailMessage {
  id: string;
  subject: string;
  from: string;
  to: string;
  date: string;
  /** Plain-text preview. */
  preview: string;
}

export interface WebmailEvent {
  id: string;
  subject: string;
  start: string;
  end: string;
  allDay: boolean;
  recurring: boolean;
  sensitivity: string;
  /** Made by Tandem (carries Tandem's extended property). */
  fromTandem: boolean;
}

export interface WebmailSource {
  /** e.g. "Microsoft 365 (simulated)" */
  readonly title: string;
  mailboxes(): string[];
  folders(mailbox: string): WebmailFolder[];
  messages(mailbox: string, folderId: string): WebmailMessage[];
  /** Raw RFC 822 of one message, for the "view source" link. */
  raw(mailbox: string, messageId: string): Uint8Array | undefined;
  move(mailbox: string, messageId: string, toFolderId: string): void;
  events(mailbox: string): WebmailEvent[];
}
