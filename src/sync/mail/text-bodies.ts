/**
 * A text part's body decoded as postal-mime decodes it, in a few native calls instead of its line
 * by line reader: the line structure (each line without its trailing CR and LF characters, each
 * followed by one LF, a soft line break in quoted-printable joining two lines), the transfer
 * encoding, then the part's charset with the same TextDecoder. lifted-parts.ts uses it to take the
 * long text bodies out of the parse; its tests compare the result with postal-mime's own.
 *
 * Only what decodes unambiguously is answered: a simple Content-Type (no comments, no RFC 2231
 * parameters, no repeated parameter), a charset TextDecoder knows under the label as written and
 * that reads ASCII as ASCII without state (not ISO-2022-JP), no format=flowed, and a transfer
 * encoding of 7bit, 8bit, binary, quoted-printable or clean base64. Anything else is null, and the
 * parser reads the part itself.
 */
import { decodeCleanBase64Range } from './clean-base64';

export type TextTransfer = 'plain' | 'quoted-printable' | 'base64';

export interface TextBodyType {
  decoder: TextDecoder;
  transfer: TextTransfer;
}

/**
 * `text/plain` or `text/html` and `name=value` or `name="value"` parameters, nothing else, matched on
 * the trimmed value: every run of blanks sits before a ";", "=" or value, never where two parts of
 * the pattern could share it, so a long run cannot make the match backtrack (hostile mail).
 */
const SIMPLE_TEXT_TYPE = /^text\/(?:plain|html)((?:[ \t]*;[ \t]*[A-Za-z0-9._-]+[ \t]*=[ \t]*(?:"[^"\\\r\n]*"|[^\s;"()\\]+))*)(?:[ \t]*;)?$/i;
const PARAM = /;[ \t]*([A-Za-z0-9._-]+)[ \t]*=[ \t]*(?:"([^"\\\r\n]*)"|([^\s;"()\\]+))/g;
/** A simple Content-Type is short; anything longer is left to the parser. */
const MAX_TYPE_LENGTH = 1000;

/** Decoders by label, made once each (a TextDecoder is reusable across calls). */
const decoders = new Map<string, TextDecoder | null>();

function decoderFor(label: string): TextDecoder | null {
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
      // The part's marker in the skeleton is ASCII: the charset must read it back unchanged. And the
      // lines are found after decoding, so no state may carry a line break into a character:
      // ISO-2022-JP's escape sequences could, so it is left to the parser.
      if (decoder.encoding === 'iso-2022-jp' || decoder.decode(Buffer.from('tandem-0123456789.\n', 'latin1')) !== 'tandem-0123456789.\n') decoder = null;
    } catch {
      decoder = null;
    }
    if (decoders.size < 64) decoders.set(label, decoder);
  }
  return decoder;
}

/** How a text part's body is decoded, from its Content-Type and Content-Transfer-Encoding values; null if not simple. */
export function textBodyType(contentType: string | undefined, transferEncoding: string | undefined): TextBodyType | null {
  if (contentType === undefined || contentType.length > MAX_TYPE_LENGTH) return null;
  const m = SIMPLE_TEXT_TYPE.exec(contentType.trim());
  if (!m) return null;
  const params = new Map<string, string>();
  for (const p of (m[1] ?? '').matchAll(PARAM)) {
    const name = (p[1] ?? '').toLowerCase();
    if (params.has(name)) return null;
    params.set(name, p[2] ?? p[3] ?? '');
  }
  if (/^flowed$/i.test(params.get('format') ?? '')) return null;
  const transfer = transferOf(transferEncoding);
  const decoder = decoderFor((params.get('charset') || 'utf8').trim().toLowerCase());
  if (!transfer || !decoder) return null;
  return { decoder, transfer };
}

function transferOf(value: string | undefined): TextTransfer | null {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === '7bit' || v === '8bit' || v === 'binary') return 'plain';
  if (v === 'quoted-printable' || v === 'base64') return v;
  return null;
}

/**
 * The body with one LF after every line postal-mime reads: it splits at LF and drops each line's
 * trailing CRs, then ends every line with LF. The message's own body (`last`) ends where the bytes
 * do, so a final line break starts no empty line; a part's body ends before the CRLF of the next
 * delimiter, so its last line is always read. Only LF and CR are looked at, so this works on the
 * decoded text as well as on one char per byte.
 */
function asLines(text: string, last: boolean): string {
  const terminated = last && (text === '' || text.endsWith('\n')) ? text : `${text}\n`;
  if (!terminated.includes('\r')) return terminated;
  const once = terminated.replaceAll('\r\n', '\n');
  if (!once.includes('\r\n')) return once;
  // Runs of CRs before a line break (rare, or hostile): each line's trailing CRs, found by a scan
  // (a /\r+\n/ pattern backtracks over every long run of bare CRs: seconds for 100,000).
  return once.split('\n').map(withoutTrailingCr).join('\n');
}

function withoutTrailingCr(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
  return end === line.length ? line : line.slice(0, end);
}

const EQUALS = 0x3d;
const LF = 0x0a;
const CR = 0x0d;

const hexValue = (c: number | undefined): number => {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
};

/**
 * Quoted-printable as postal-mime's decoder reads it, line by line as asLines() describes: a line
 * ending in "=" joins the next, "=" and two hex digits within the line is a byte, any other "=" stays
 * as it is. One pass over the bytes: in non-Latin text nearly every byte is an escape.
 */
function quotedPrintable(body: Buffer, last: boolean): Buffer {
  const out = Buffer.allocUnsafe(body.length + 1);
  const n = body.length;
  let j = 0;
  let from = 0;
  while (from < n || (from === n && !last && (n === 0 || body[n - 1] === LF))) {
    let lf = body.indexOf(LF, from);
    if (lf < 0) lf = n;
    let to = lf;
    while (to > from && body[to - 1] === CR) to--;
    const soft = to > from && body[to - 1] === EQUALS;
    if (soft) to--;
    for (let i = from; i < to; i++) {
      const c = body[i] ?? 0;
      if (c === EQUALS && i + 2 < to) {
        const high = hexValue(body[i + 1]);
        const low = high >= 0 ? hexValue(body[i + 2]) : -1;
        if (low >= 0) {
          out[j++] = high * 16 + low;
          i += 2;
          continue;
        }
      }
      out[j++] = c;
    }
    if (!soft) out[j++] = LF;
    from = lf + 1;
  }
  return out.subarray(0, j);
}

/**
 * The body's text, or null when it cannot be decoded here. `last` says the body runs to the end of
 * the message (a single-part message) rather than to a delimiter.
 */
export function decodeTextBody(body: Buffer, type: TextBodyType, last: boolean): string | null {
  switch (type.transfer) {
    case 'plain':
      // LF and CR are single bytes, never inside a character, in every charset that reads ASCII as
      // ASCII: the lines can be found after decoding, with native calls over the whole body.
      return asLines(type.decoder.decode(body), last);
    case 'quoted-printable':
      return type.decoder.decode(quotedPrintable(body, last));
    case 'base64': {
      const bytes = decodeCleanBase64Range(body, 0, body.length);
      return bytes ? type.decoder.decode(bytes) : null;
    }
  }
}
