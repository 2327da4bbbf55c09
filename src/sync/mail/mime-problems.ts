/**
 * Structural problems the parsers paper over silently. Found on the raw bytes so they are reported
 * the same whichever parser ran; each is a human-readable line for the activity's `problems`.
 */

function knownCharset(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

// Only in Content-Type headers (a quoted-printable HTML body has `charset=3D"utf-8"` in its <meta>).
const CHARSET = /^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?charset\s*=\s*"?([^";\s]+)"?/gim;
// Encoded words name a charset too: =?charset?B|Q?...?=
const WORD_CHARSET = /=\?([^?*\s]+)(?:\*[^?]*)?\?[bq]\?/gi;
const BOUNDARY = /^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/gim;

/** `text` is the raw message decoded as latin1 (one char per byte). */
export function detectMimeProblems(text: string): string[] {
  const problems: string[] = [];
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  if (headerEnd < 0) problems.push('no blank line between headers and body');
  // RFC 5322 headers are ASCII; raw 8-bit bytes there (not encoded words) decode as garbage.
  if (/[\x80-\xff]/.test(head)) problems.push('8-bit bytes in the header block');
  if (/(^|[^\r])\n/.test(text.slice(0, 4096))) problems.push('bare LF line endings');

  const charsets = new Set<string>();
  for (const m of text.matchAll(CHARSET)) if (m[1]) charsets.add(m[1].toLowerCase());
  for (const m of head.matchAll(WORD_CHARSET)) if (m[1]) charsets.add(m[1].toLowerCase());
  for (const label of charsets) if (!knownCharset(label)) problems.push(`unknown charset "${label}" (decoded as best effort)`);

  for (const m of text.matchAll(BOUNDARY)) {
    const boundary = m[1] ?? m[2];
    if (!boundary) continue;
    if (!text.includes(`--${boundary}`, (m.index ?? 0) + m[0].length)) problems.push(`multipart boundary "${boundary}" never appears`);
    else if (!text.includes(`--${boundary}--`)) problems.push(`multipart boundary "${boundary}" is never closed`);
  }
  return problems;
}
