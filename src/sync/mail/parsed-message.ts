/** The activity fields Tandem takes from one RFC 822 message, whichever MIME parser produced them. */
import type { EmailAddress } from '../../domain/addresses';

export type AttachmentRefusal = 'too_large';

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  /** Decoded size in bytes (also when the bytes were refused). */
  size: number;
  /** Without angle brackets, as `cid:` URLs in the HTML reference it. */
  contentId?: string;
  /** Shown inside the body (cid: image) rather than listed as a file. */
  inline: boolean;
  /** Absent when refused. */
  content?: Uint8Array;
  refused?: AttachmentRefusal;
}

/** 'postal-mime-lifted': postal-mime on the message with its binary and long text bodies decoded natively (lifted-parts.ts). */
export type MimeParserName = 'postal-mime' | 'postal-mime-lifted' | 'mailparser' | 'headers-only';

/** The top-level header fields (read by message-headers.ts, the same for every parser). */
export interface HeaderFields {
  subject: string;
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  replyTo: EmailAddress[];
  /** ISO 8601, null when missing or unparseable. */
  date: string | null;
  /** With angle brackets, null when missing. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
}

export interface ParsedMessage extends HeaderFields {
  /**
   * What capture dedupes on: the Message-ID, or `sha256:<hex of the raw bytes>` when the message
   * has none (the same bytes fetched twice give the same key).
   */
  dedupeKey: string;
  text: string;
  /** Unsanitized: run sanitizeEmailHtml before storing. */
  html: string | null;
  attachments: ParsedAttachment[];
  /** What was wrong with the message; parsing carried on regardless. */
  problems: string[];
  /** Which parser produced the body (for diagnostics). */
  parser: MimeParserName;
}

export interface ParseOptions {
  /** Attachments larger than this keep their metadata but not their bytes. */
  maxAttachmentBytes: number;
}

export const defaultParseOptions: ParseOptions = { maxAttachmentBytes: 25 * 1024 * 1024 };
