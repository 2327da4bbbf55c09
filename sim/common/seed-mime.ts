/**
 * A small, synchronous RFC 5322 / MIME writer for seeded mail. Own builder rather than nodemailer's
 * MailComposer because seeding must be synchronous and byte-for-byte repeatable (MailComposer draws
 * random boundaries and streams asynchronously), and because the hostile samples need control over
 * every byte. Everything written here is CRLF-terminated and 7-bit clean unless a part says otherwise.
 */

const encoder = new TextEncoder();

export interface SeedAddress {
  name: string;
  address: string;
}

export type TransferEncoding = '7bit' | '8bit' | 'quoted-printable' | 'base64';

export interface LeafPart {
  kind: 'leaf';
  /** e.g. "text/plain; charset=utf-8" — parameters included verbatim. */
  contentType: string;
  encoding: TransferEncoding;
  body: Uint8Array | string;
  disposition?: { type: 'inline' | 'attachment'; filename: string };
  contentId?: string;
}

export interface MultiPart {
  kind: 'multipart';
  subtype: 'mixed' | 'alternative' | 'related';
  parts: MimePart[];
}

export type MimePart = LeafPart | MultiPart;

/** Header name + an already-encoded value (use the helpers below to encode). */
export type Header = readonly [name: string, value: string];

const CRLF = '\r\n';

/** Printable US-ASCII without controls: such text needs no RFC 2047 encoding. */
function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** Splits text into chunks whose UTF-8 length stays within maxBytes, never inside a code point. */
function utf8Chunks(text: string, maxBytes: number): string[] {
  const chunks: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of text) {
    const n = encoder.encode(ch).length;
    if (size + n > maxBytes && current) {
      chunks.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  if (current) chunks.push(current);
  return chunks;
}

/**
 * RFC 2047 encoded-words. 'B' is base64, 'Q' the restricted "phrase" form (RFC 2047 §5(3)) so the
 * result is valid inside display names as well as in unstructured headers. Each word stays within
 * the 75-character limit; adjacent words are separated by folding whitespace, which decoders drop.
 */
export function encodeWords(text: string, mode: 'B' | 'Q' = 'B'): string {
  if (isPlainAscii(text)) return text;
  if (mode === 'B') {
    // 39 bytes of UTF-8 → 52 base64 chars + 12 of "=?UTF-8?B??=" = 64, so even the first word
    // after "Subject: " stays inside the 78-column recommendation of RFC 5322 §2.1.1.
    return utf8Chunks(text, 39)
      .map((c) => `=?UTF-8?B?${Buffer.from(c, 'utf8').toString('base64')}?=`)
      .join(' ');
  }
  // Q: at most 3 output chars per byte; 16 bytes → ≤ 48 + 12.
  return utf8Chunks(text, 16)
    .map((c) => {
      let out = '';
      for (const byte of encoder.encode(c)) {
        if (byte === 0x20) out += '_';
        else if (/[A-Za-z0-9!*+\-/]/.test(String.fromCharCode(byte))) out += String.fromCharCode(byte);
        else out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
      return `=?UTF-8?Q?${out}?=`;
    })
    .join(' ');
}

/** One mailbox for From/To/Cc: quoted or encoded display name plus angle address. */
export function formatAddress(a: SeedAddress, mode: 'B' | 'Q' = 'B'): string {
  if (!a.name) return `<${a.address}>`;
  if (!isPlainAscii(a.name)) return `${encodeWords(a.name, mode)} <${a.address}>`;
  // RFC 5322 specials force a quoted-string.
  const name = /[()<>[\]:;@\\,."]/.test(a.name) ? `"${a.name.replace(/(["\\])/g, '\\$1')}"` : a.name;
  return `${name} <${a.address}>`;
}

export function formatAddressList(list: readonly SeedAddress[], mode: 'B' | 'Q' = 'B'): string {
  return list.map((a) => formatAddress(a, mode)).join(', ');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time as the sender's local time with its numeric zone offset. */
export function formatDate(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${DAYS[local.getUTCDay()]}, ${pad(local.getUTCDate())} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

/** Folds a header at whitespace so lines stay under 78 characters where the value allows it. */
export function foldHeader(name: string, value: string): string {
  const words = value.split(' ');
  const lines: string[] = [];
  let line = `${name}:`;
  for (const word of words) {
    if (line.length + 1 + word.length > 76 && line.length > name.length + 1) {
      lines.push(line);
      line = ` ${word}`;
    } else {
      line += ` ${word}`;
    }
  }
  lines.push(line);
  return lines.join(CRLF);
}

/** RFC 2045 base64 body: 76-character lines. */
export function base64Lines(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/** RFC 2045 §6.7 quoted-printable of UTF-8 text; hard line breaks stay CRLF, soft breaks at 76. */
export function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const bytes = encoder.encode(line);
    const tokens: string[] = [];
    bytes.forEach((b, i) => {
      const last = i === bytes.length - 1;
      const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
      tokens.push(literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
    });
    let current = '';
    for (const t of tokens) {
      if (current.length + t.length > 75) {
        out.push(`${current}=`);
        current = '';
      }
      current += t;
    }
    out.push(current);
  }
  return out.join(CRLF);
}

function encodeBody(part: LeafPart): string | Uint8Array {
  const { body, encoding } = part;
  if (encoding === 'base64') return base64Lines(typeof body === 'string' ? encoder.encode(body) : body);
  if (encoding === 'quoted-printable') return quotedPrintable(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  return typeof body === 'string' ? body.replace(/\r?\n/g, CRLF) : body;
}

/** Writes a part tree. Boundaries come from `boundary(n)` so callers keep them deterministic. */
function writePart(part: MimePart, boundary: () => string, out: Array<string | Uint8Array>): void {
  if (part.kind === 'multipart') {
    const b = boundary();
    out.push(`Content-Type: multipart/${part.subtype};${CRLF} boundary="${b}"${CRLF}${CRLF}`);
    out.push(`This is a multi-part message in MIME format.${CRLF}`);
    for (const child of part.parts) {
      out.push(`${CRLF}--${b}${CRLF}`);
      writePart(child, boundary, out);
    }
    out.push(`${CRLF}--${b}--${CRLF}`);
    return;
  }
  const headers = [`Content-Type: ${part.contentType}`, `Content-Transfer-Encoding: ${part.encoding}`];
  if (part.contentId) headers.push(`Content-ID: <${part.contentId}>`);
  if (part.disposition) {
    const fname = part.disposition.filename;
    // RFC 2231 would be the strict form for non-ASCII names; encoded-words are what mail clients
    // actually send and what both parsers accept.
    const value = isPlainAscii(fname) ? `"${fname}"` : `"${encodeWords(fname)}"`;
    headers.push(`Content-Disposition: ${part.disposition.type}; filename=${value}`);
  }
  out.push(headers.join(CRLF) + CRLF + CRLF);
  out.push(encodeBody(part));
}

export function concatBytes(chunks: ReadonlyArray<string | Uint8Array>): Uint8Array {
  const encoded = chunks.map((c) => (typeof c === 'string' ? encoder.encode(c) : c));
  const total = encoded.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of encoded) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A whole message: top-level headers, MIME-Version, then the body part's own headers and content. */
export function buildMessage(headers: readonly Header[], body: MimePart, boundaryPrefix: string): Uint8Array {
  let n = 0;
  // "=_" cannot occur in base64 or quoted-printable output, so the boundary never collides with content.
  const boundary = () => `=_${boundaryPrefix}_${n++}`;
  const out: Array<string | Uint8Array> = [];
  for (const [name, value] of headers) out.push(foldHeader(name, value) + CRLF);
  out.push(`MIME-Version: 1.0${CRLF}`);
  writePart(body, boundary, out);
  return concatBytes(out);
}
