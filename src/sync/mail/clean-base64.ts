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

/**
 * Base64 characters (line breaks included) decoded per step by decodeCleanBase64Range. A body of
 * several hundred KB made into one string lands in fresh pages of V8's large-object space, which
 * on a virtual machine cost more to touch than the decoding; strings of this size stay in the
 * young generation, whose pages are reused. A multiple of 4 (for bodies without line breaks).
 */
const STEP = 64 * 1024;
const CRLF = Buffer.from('\r\n');

/**
 * decodeCleanBase64 of bytes[start, end) without making it one string: decoded in steps that end
 * just after a line break (or every STEP characters when there is none), into a buffer of the
 * length the text promises. A step that ends inside a base64 quantum (which lines whose lengths are
 * not multiples of 4 can make) decodes to fewer bytes than promised, as anything unclean does: null
 * then too, and the parser decodes the body.
 */
export function decodeCleanBase64Range(bytes: Buffer, start: number, end: number): Buffer | null {
  if (end - start <= STEP) return decodeCleanBase64(bytes.toString('latin1', start, end));
  const body = bytes.subarray(start, end);
  if (body.includes(0x2d) || body.includes(0x5f)) return null; // '-', '_'
  let breaks = 0;
  for (let at = bytes.indexOf(CRLF, start); at !== -1 && at + 2 <= end; at = bytes.indexOf(CRLF, at + 2)) breaks++;
  const chars = end - start - 2 * breaks;
  if (chars % 4 !== 0) return null;
  let last = end;
  while (last - 2 >= start && bytes[last - 2] === 0x0d && bytes[last - 1] === 0x0a) last -= 2;
  // No characters at all (only line breaks): nothing before `start` may be read as padding.
  const padding = chars === 0 || bytes[last - 1] !== 0x3d ? 0 : bytes[last - 2] === 0x3d ? 2 : 1;
  const expected = (chars / 4) * 3 - padding;
  const out = Buffer.allocUnsafe(expected);
  let written = 0;
  for (let from = start; from < end; ) {
    let to = Math.min(end, from + STEP);
    if (breaks > 0 && to < end) {
      const at = bytes.indexOf(CRLF, to);
      to = at === -1 || at + 2 > end ? end : at + 2;
    }
    written += out.write(bytes.toString('latin1', from, to), written, 'base64');
    from = to;
  }
  return written === expected ? out : null;
}
