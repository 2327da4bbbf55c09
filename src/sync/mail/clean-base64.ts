/**
 * The bytes of a body that is exactly base64 in CRLF-separated lines; null if anything else is in it
 * (stray characters, padding mid-body, bare CR or LF, the URL-safe alphabet). Node's decoder skips
 * what it cannot read and stops at padding, so any such character leaves fewer bytes than the
 * body's length promises: comparing the two is the whole check, with no copy of the body made.
 * (A regex over the body cost more than the parse it saves; re-encoding to compare cost a third of
 * this function's time and most of its garbage.) For clean base64 this is what both MIME parsers
 * decode, however they split it into lines.
 */
export function decodeCleanBase64(text: string): Buffer | null {
  if (text.includes('-') || text.includes('_')) return null;
  let breaks = 0;
  for (let at = text.indexOf('\r\n'); at !== -1; at = text.indexOf('\r\n', at + 2)) breaks++;
  const chars = text.length - 2 * breaks;
  if (chars % 4 !== 0) return null;
  let last = text.length;
  while (last > 0 && text.startsWith('\r\n', last - 2)) last -= 2;
  const padding = text[last - 1] !== '=' ? 0 : text[last - 2] === '=' ? 2 : 1;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === (chars / 4) * 3 - padding ? bytes : null;
}
