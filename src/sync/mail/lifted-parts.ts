/**
 * Bodies lifted out of a message before the MIME parse. Both parsers read a body line by line in
 * JavaScript: base64 attachments and long text bodies are most of their time (bench/parse-mime.ts).
 * For a well-formed multipart message (or a single part) this finds
 *   - the base64 bodies of binary leaf parts (image/, application/, ...), decoded natively in one call;
 *   - the bodies of inline text/plain and text/html leaves, decoded as postal-mime would decode them
 *     (text-bodies.ts),
 * and leaves a skeleton in which each such body is a short marker. The parser still reads every
 * header (type, RFC 2231 filename, Content-ID, disposition) from the skeleton and decides, as it
 * always does, which part is the text, which the HTML and which an attachment; then `restore` swaps
 * each binary marker the parser hands back for the decoded bytes, and `restoreText` each text marker
 * in the bodies it built for the decoded text.
 *
 * Anything unusual answers null, and the caller parses the original bytes as before: a header
 * block not ended by CRLF CRLF, a header line without a colon, a repeated Content-Type or Content-Transfer-Encoding, a
 * multipart without a boundary, a boundary reused by a nested part or never closed, a delimiter
 * line with anything after it, nesting deeper than MAX_DEPTH, a binary body that is not clean
 * base64. A text part that text-bodies.ts cannot decode unambiguously is left in the skeleton. A
 * lifted base64 body holds only base64 characters and line breaks, and a lifted text body is cut at
 * the delimiters found here, so no delimiter of any kind is inside it; if the parser still reads the
 * skeleton differently (a marker comes back as text, converted, or not once), `allRestored` or
 * `restoreText` says so and the caller parses the original instead.
 */
import { randomBytes } from 'node:crypto';
import { decodeCleanBase64Range } from './clean-base64';
import { asBuffer } from './content-type-fields';
import { decodeTextBody, textBodyType } from './text-bodies';

/** Parts nested deeper than this are left to the parser (and so is the whole message). */
const MAX_DEPTH = 8;
/** Smaller binary bodies are left to the parser: lifting them saves less than it costs. */
const MIN_LIFT_BYTES = 2048;
/** The same for text bodies, whose decoding here costs more per byte. */
const MIN_TEXT_LIFT_BYTES = 1024;
const BINARY_TYPE = /^(?:image|application|audio|video|font|model)\//;
const CRLF = Buffer.from('\r\n');
const BLANK_LINE = Buffer.from('\r\n\r\n');
const LF = 10;
const CR = 13;

/**
 * Marker contents carry a random per-process tag, so no attachment or text a sender crafts can pass
 * for one (and be swapped for another part's bytes). A text marker ends in "." so that no marker is
 * the start of another.
 */
const TAG = `tandem-lifted-${randomBytes(12).toString('hex')}-`;

export interface LiftedMessage {
  /** The message with each lifted body replaced by its marker. */
  skeleton: Uint8Array;
  /** The decoded bytes for a part the parser read from the skeleton, or undefined if it was not lifted. */
  restore(content: Uint8Array): Uint8Array | undefined;
  /** Whether every lifted binary part was restored exactly once (else the parse must not be trusted). */
  allRestored(): boolean;
  /**
   * The parser's text and HTML bodies with each text marker replaced by its part's text; null unless
   * every text marker occurs exactly once in the two, as the parser reads a part (else the parse
   * must not be trusted). Give the bodies as the parser built them, before any trimming.
   */
  restoreText(text: string | null, html: string | null): { text: string | null; html: string | null } | null;
}

interface BinaryLift {
  kind: 'binary';
  start: number;
  end: number;
  bytes: Buffer;
}

interface TextLift {
  kind: 'text';
  start: number;
  end: number;
  marker: string;
  /** The marker as written into the skeleton (base64-encoded for a base64 part). */
  written: string;
  /** The marker as the parser hands it back in a body. */
  read: string;
  text: string;
}

type Lift = BinaryLift | TextLift;

interface Entity {
  contentType: string | undefined;
  transferEncoding: string | undefined;
  /** Content-Disposition's value; null when the field is repeated. */
  disposition: string | undefined | null;
  bodyStart: number;
}

/** See the file comment; null when nothing is lifted or the structure is unusual. */
export function liftParts(raw: Uint8Array): LiftedMessage | null {
  const bytes = asBuffer(raw);
  const lifts: Lift[] = [];
  if (!walk(bytes, 0, bytes.length, [], lifts) || lifts.length === 0) return null;
  return lifted(bytes, lifts);
}

function lifted(bytes: Buffer, lifts: readonly Lift[]): LiftedMessage {
  const pieces: Buffer[] = [];
  let at = 0;
  lifts.forEach((lift, i) => {
    const marker = lift.kind === 'binary' ? Buffer.from(Buffer.from(`${TAG}${i}`, 'latin1').toString('base64'), 'latin1') : Buffer.from(lift.written, 'latin1');
    pieces.push(bytes.subarray(at, lift.start), marker);
    at = lift.end;
  });
  pieces.push(bytes.subarray(at));
  const restored = new Array<number>(lifts.length).fill(0);
  const tagBytes = Buffer.from(TAG, 'latin1');
  const texts = lifts.filter((l): l is TextLift => l.kind === 'text');
  return {
    skeleton: Buffer.concat(pieces),
    restore(content) {
      if (content.byteLength > TAG.length + 8) return undefined;
      const c = asBuffer(content);
      if (!c.subarray(0, tagBytes.length).equals(tagBytes)) return undefined;
      const index = Number(c.toString('latin1', tagBytes.length));
      const lift = Number.isInteger(index) ? lifts[index] : undefined;
      if (lift?.kind !== 'binary') return undefined;
      restored[index] = (restored[index] ?? 0) + 1;
      return lift.bytes;
    },
    allRestored: () => lifts.every((lift, i) => lift.kind !== 'binary' || restored[i] === 1),
    restoreText(text, html) {
      if (texts.length === 0) return { text, html };
      // Each marker once in the two bodies, and once as the parser reads a part: a marker the parser
      // converted (text to HTML or back) or repeated means it read the skeleton its own way.
      const once = (marker: string) => occurrences(text, marker) + occurrences(html, marker) === 1;
      if (!texts.every((t) => once(t.marker) && once(t.read))) return null;
      return { text: swapAll(text, texts), html: swapAll(html, texts) };
    },
  };
}

function occurrences(body: string | null, marker: string): number {
  if (body === null) return 0;
  let n = 0;
  for (let at = body.indexOf(marker); at >= 0; at = body.indexOf(marker, at + marker.length)) n++;
  return n;
}

/** The body with each marker it holds replaced, markers located before any replacement. */
function swapAll(body: string | null, texts: readonly TextLift[]): string | null {
  if (body === null || !body.includes(TAG)) return body;
  const spots = texts
    .map((t) => ({ t, at: body.indexOf(t.read) }))
    .filter((s) => s.at >= 0)
    .sort((a, b) => a.at - b.at);
  let out = '';
  let from = 0;
  for (const { t, at } of spots) {
    out += body.slice(from, at) + t.text;
    from = at + t.read.length;
  }
  return out + body.slice(from);
}

/** Collects the liftable bodies of the entity in [start, end); false when its structure is unusual. */
function walk(bytes: Buffer, start: number, end: number, boundaries: readonly string[], lifts: Lift[]): boolean {
  if (boundaries.length > MAX_DEPTH) return false;
  const entity = readEntity(bytes, start, end);
  if (!entity) return false;
  const type = (entity.contentType ?? 'text/plain').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('multipart/')) {
    const boundary = entity.contentType ? boundaryOf(entity.contentType) : null;
    if (!boundary || boundaries.includes(boundary)) return false;
    const parts = partsOf(bytes, entity.bodyStart, end, boundary);
    return parts !== null && parts.every(([s, e]) => walk(bytes, s, e, [...boundaries, boundary], lifts));
  }
  if (type === 'text/plain' || type === 'text/html') {
    const lift = textLift(bytes, entity, end, boundaries.length === 0, lifts.length);
    if (lift) lifts.push(lift);
    return true;
  }
  const encoding = entity.transferEncoding?.trim().toLowerCase();
  if (encoding !== 'base64' || !BINARY_TYPE.test(type) || end - entity.bodyStart < MIN_LIFT_BYTES) return true;
  const decoded = decodeCleanBase64Range(bytes, entity.bodyStart, end);
  if (!decoded) return false;
  lifts.push({ kind: 'binary', start: entity.bodyStart, end, bytes: decoded });
  return true;
}

/**
 * An inline text part's body decoded, with its marker; null to leave the part to the parser. A part
 * the parser files as an attachment (Content-Disposition: attachment) is left to it, so is any
 * disposition other than a plain inline one.
 */
function textLift(bytes: Buffer, entity: Entity, end: number, last: boolean, index: number): TextLift | null {
  if (end - entity.bodyStart < MIN_TEXT_LIFT_BYTES) return null;
  if (entity.disposition === null || (entity.disposition !== undefined && !/^[ \t]*inline[ \t]*(;|$)/i.test(entity.disposition))) return null;
  const type = textBodyType(entity.contentType, entity.transferEncoding);
  if (!type) return null;
  const text = decodeTextBody(bytes.subarray(entity.bodyStart, end), type, last);
  if (text === null) return null;
  const marker = `${TAG}t${index}.`;
  // As the parser reads the marker back: a line (LF-terminated) in plain or quoted-printable, the
  // decoded bytes alone in base64.
  const lift = { kind: 'text' as const, start: entity.bodyStart, end, marker, text };
  if (type.transfer === 'base64') return { ...lift, written: Buffer.from(marker, 'latin1').toString('base64'), read: marker };
  return { ...lift, written: marker, read: `${marker}\n` };
}

/** The entity's Content-Type, Content-Transfer-Encoding and Content-Disposition and where its body starts. */
function readEntity(bytes: Buffer, start: number, end: number): Entity | null {
  // A part with no header fields starts with its blank line.
  const headerEnd = bytes[start] === CR && bytes[start + 1] === LF ? start - 2 : bytes.indexOf(BLANK_LINE, start);
  if (headerEnd < start - 2 || headerEnd + 4 > end) return null;
  let contentType: string | undefined;
  let transferEncoding: string | undefined;
  let disposition: string | undefined | null;
  const head = headerEnd < start ? '' : bytes.toString('latin1', start, headerEnd);
  for (const field of head === '' ? [] : head.split(/\r\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon <= 0) return null;
    const name = field.slice(0, colon).trim().toLowerCase();
    const value = field.slice(colon + 1).replace(/\r\n/g, '');
    if (name === 'content-type') {
      if (contentType !== undefined) return null;
      contentType = value;
    } else if (name === 'content-transfer-encoding') {
      if (transferEncoding !== undefined) return null;
      transferEncoding = value;
    } else if (name === 'content-disposition') {
      disposition = disposition === undefined ? value : null;
    }
  }
  return { contentType, transferEncoding, disposition, bodyStart: headerEnd + 4 };
}

/** The boundary parameter, quoted or not; null when absent or written in RFC 2231 form. */
function boundaryOf(contentType: string): string | null {
  if (/;\s*boundary\*/i.test(contentType)) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s"]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  return boundary && boundary.length <= 70 ? boundary : null;
}

/**
 * [start, end) of each body part between `--boundary` delimiter lines (RFC 2046 §5.1.1: the CRLF
 * before a delimiter belongs to it); null unless the close delimiter comes before `end` and every
 * delimiter line holds nothing after the boundary but transport padding.
 */
function partsOf(bytes: Buffer, bodyStart: number, end: number, boundary: string): [number, number][] | null {
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.concat([CRLF, dash]);
  let at = bytes.subarray(bodyStart, bodyStart + dash.length).equals(dash) ? bodyStart : bytes.indexOf(delimiter, bodyStart) + 2;
  const parts: [number, number][] = [];
  while (at >= 2 && at < end) {
    let i = at + dash.length;
    if (bytes[i] === 45 && bytes[i + 1] === 45) return parts.length > 0 ? parts : null;
    while (bytes[i] === 32 || bytes[i] === 9) i++;
    if (bytes[i] !== CR || bytes[i + 1] !== LF) return null;
    const partStart = i + 2;
    const next = bytes.indexOf(delimiter, partStart);
    if (next < 0 || next >= end) return null;
    parts.push([partStart, next]);
    at = next + 2;
  }
  return null;
}
