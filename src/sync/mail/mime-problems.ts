/**
 * Structural problems the parsers paper over silently. Found on the raw bytes so they are reported
 * the same whichever parser ran; each is a human-readable line for the activity's `problems`.
 */
import { asBuffer, contentTypeFields, matchFields } from './content-type-fields';

// Labels seen so far, so a TextDecoder (an ICU converter) is built once per label, not per message.
// Bounded: hostile mail could name endless made-up charsets.
const charsetCache = new Map<string, boolean>();
const CHARSET_CACHE_MAX = 256;

function knownCharset(label: string): boolean {
  const cached = charsetCache.get(label);
  if (cached !== undefined) return cached;
  let known = true;
  try {
    new TextDecoder(label);
  } catch {
    known = false;
  }
  if (charsetCache.size < CHARSET_CACHE_MAX) charsetCache.set(label, known);
  return known;
}

// Only in Content-Type headers (a quoted-printable HTML body has `charset=3D"utf-8"` in its <meta>).
// Sticky: tried only on the window of each Content-Type field (content-type-fields.ts).
const CHARSET = /^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?charset\s*=\s*"?([^";\s]+)"?/imy;
// Encoded words name a charset too: =?charset?B|Q?...?=
const WORD_CHARSET = /=\?([^?*\s]+)(?:\*[^?]*)?\?[bq]\?/gi;
const BOUNDARY = /^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/imy;

/** Bare LFs are looked for in the first this many characters. */
const BARE_LF_SCAN = 4096;
/**
 * The header block is looked for in prefixes of these sizes before the whole message is decoded;
 * the first holds the bare-LF scan.
 */
const PREFIXES = [BARE_LF_SCAN, 32 * 1024];
const BLANK_LINE = /\r?\n\r?\n/;

/**
 * The message's start as latin1 and where its header block ends (the first /\r?\n\r?\n/), from
 * the shortest prefix that settles it: a match at least 4 characters (its longest) before the
 * prefix's end is the first in the whole message too.
 */
function headerBlock(bytes: Buffer): { prefix: string; headerEnd: number } {
  for (const size of PREFIXES) {
    if (size >= bytes.length) break;
    const prefix = bytes.toString('latin1', 0, size);
    const headerEnd = prefix.search(BLANK_LINE);
    if (headerEnd >= 0 && headerEnd + 4 <= size) return { prefix, headerEnd };
  }
  const whole = bytes.toString('latin1');
  return { prefix: whole, headerEnd: whole.search(BLANK_LINE) };
}

/**
 * `message` is the raw bytes (or a latin1 string of them); `fields` its Content-Type field starts,
 * when the caller already has them. Works on the bytes: only the header block and each field are
 * decoded.
 */
export function detectMimeProblems(message: Uint8Array | string, fields?: readonly number[]): string[] {
  const bytes = typeof message === 'string' ? Buffer.from(message, 'latin1') : asBuffer(message);
  const starts = fields ?? contentTypeFields(bytes);
  const problems: string[] = [];
  const { prefix, headerEnd } = headerBlock(bytes);
  const head = headerEnd < 0 ? prefix : prefix.slice(0, headerEnd);
  if (headerEnd < 0) problems.push('no blank line between headers and body');
  // RFC 5322 headers are ASCII; raw 8-bit bytes there (not encoded words) decode as garbage.
  if (/[\x80-\xff]/.test(head)) problems.push('8-bit bytes in the header block');
  if (hasBareLf(prefix, BARE_LF_SCAN)) problems.push('bare LF line endings');

  const charsets = new Set<string>();
  for (const m of matchFields(bytes, starts, CHARSET, 'charset')) if (m[1]) charsets.add(m[1].toLowerCase());
  for (const m of head.matchAll(WORD_CHARSET)) if (m[1]) charsets.add(m[1].toLowerCase());
  for (const label of charsets) if (!knownCharset(label)) problems.push(`unknown charset "${label}" (decoded as best effort)`);

  let outermost = true;
  for (const m of matchFields(bytes, starts, BOUNDARY, 'boundary')) {
    const boundary = m[1] ?? m[2];
    if (!boundary) continue;
    const end = m.index + m[0].length;
    // latin1 maps each char back to its byte, so these are the string searches on the bytes.
    if (bytes.indexOf(`--${boundary}`, end, 'latin1') < 0) problems.push(`multipart boundary "${boundary}" never appears`);
    else if (!containsCloser(bytes, Buffer.from(`--${boundary}--`, 'latin1'), outermost)) problems.push(`multipart boundary "${boundary}" is never closed`);
    outermost = false;
  }
  return problems;
}

/** An LF not preceded by CR among the first `limit` characters (one indexOf per line, no regex). */
function hasBareLf(text: string, limit: number): boolean {
  for (let lf = text.indexOf('\n'); lf >= 0 && lf < limit; lf = text.indexOf('\n', lf + 1)) {
    if (lf === 0 || text.charCodeAt(lf - 1) !== 13) return true;
  }
  return false;
}

/**
 * Whether `closer` occurs anywhere in `text`. The outermost multipart closes near the end of the
 * message, so it is looked for from the end; nested ones close before the later parts (often
 * large attachments), so from the start.
 */
function containsCloser(bytes: Buffer, closer: Buffer, outermost: boolean): boolean {
  return (outermost ? bytes.lastIndexOf(closer) : bytes.indexOf(closer)) >= 0;
}
