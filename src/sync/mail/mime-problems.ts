/**
 * Structural problems the parsers paper over silently. Found on the raw bytes so they are reported
 * the same whichever parser ran; each is a human-readable line for the activity's `problems`.
 */
import { contentTypeFields, matchFields } from './content-type-fields';

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
// Sticky: tried only where a Content-Type field starts (content-type-fields.ts).
const CHARSET = /^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?charset\s*=\s*"?([^";\s]+)"?/imy;
// Encoded words name a charset too: =?charset?B|Q?...?=
const WORD_CHARSET = /=\?([^?*\s]+)(?:\*[^?]*)?\?[bq]\?/gi;
const BOUNDARY = /^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/imy;

/**
 * `text` is the raw message decoded as latin1 (one char per byte); `fields` its Content-Type field
 * starts, when the caller already has them.
 */
export function detectMimeProblems(text: string, fields: readonly number[] = contentTypeFields(text)): string[] {
  const problems: string[] = [];
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  if (headerEnd < 0) problems.push('no blank line between headers and body');
  // RFC 5322 headers are ASCII; raw 8-bit bytes there (not encoded words) decode as garbage.
  if (/[\x80-\xff]/.test(head)) problems.push('8-bit bytes in the header block');
  if (hasBareLf(text, 4096)) problems.push('bare LF line endings');

  const charsets = new Set<string>();
  for (const m of matchFields(text, fields, CHARSET)) if (m[1]) charsets.add(m[1].toLowerCase());
  for (const m of head.matchAll(WORD_CHARSET)) if (m[1]) charsets.add(m[1].toLowerCase());
  for (const label of charsets) if (!knownCharset(label)) problems.push(`unknown charset "${label}" (decoded as best effort)`);

  let outermost = true;
  for (const m of matchFields(text, fields, BOUNDARY)) {
    const boundary = m[1] ?? m[2];
    if (!boundary) continue;
    const end = m.index + m[0].length;
    if (!text.includes(`--${boundary}`, end)) problems.push(`multipart boundary "${boundary}" never appears`);
    else if (!containsCloser(text, `--${boundary}--`, outermost)) problems.push(`multipart boundary "${boundary}" is never closed`);
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
function containsCloser(text: string, closer: string, outermost: boolean): boolean {
  return outermost ? text.lastIndexOf(closer) >= 0 : text.includes(closer);
}
