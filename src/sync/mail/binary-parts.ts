/**
 * Binary bodies lifted out of a message before the MIME parse. Both parsers decode base64 in
 * JavaScript, line by line, and on attachment-heavy mail that is most of their time
 * (bench/parse-mime.ts). For a well-formed multipart message this finds the base64 bodies of the
 * binary leaf parts (image/, application/, ...), decodes each natively in one call, and leaves a
 * skeleton in which each such body is a short marker. The parser still reads every header (type,
 * RFC 2231 filename, Content-ID, disposition) and every text part from the skeleton; `restore`
 * then swaps each marker the parser hands back for the decoded bytes.
 *
 * Anything unusual answers null, and the caller parses the original bytes as before: a header
 * block not ended by CRLF CRLF, a header line without a colon, a repeated Content-Type or Content-Transfer-Encoding, a
 * multipart without a boundary, a boundary reused by a nested part or never closed, a delimiter
 * line with anything after it, nesting deeper than MAX_DEPTH, a body that is not clean base64.
 * A lifted body holds only base64 characters and line breaks, so no delimiter of any kind is
 * inside it; if the parser still reads the skeleton differently (a marker comes back as text, or
 * not once), `allRestored` says so and the caller parses the original instead.
 */
import { randomBytes } from 'node:crypto';
import { asBuffer } from './content-type-fields';

/** Parts nested deeper than this are left to the parser (and so is the whole message). */
const MAX_DEPTH = 8;
/** Smaller bodies are left to the parser: lifting them saves less than it costs. */
const MIN_LIFT_BYTES = 2048;
const BINARY_TYPE = /^(?:image|application|audio|video|font|model)\//;
const CRLF = Buffer.from('\r\n');
const BLANK_LINE = Buffer.from('\r\n\r\n');
const LF = 10;
const CR = 13;

/**
 * Marker contents carry a random per-process tag, so no attachment a sender crafts can pass for
 * one (and be swapped for another part's bytes).
 */
const TAG = `tandem-lifted-${randomBytes(12).toString('hex')}-`;

export interface LiftedMessage {
  /** The message with each lifted body replaced by its marker (base64 of the marker content). */
  skeleton: Uint8Array;
  /** The decoded bytes for a part the parser read from the skeleton, or undefined if it was not lifted. */
  restore(content: Uint8Array): Uint8Array | undefined;
  /** Whether every lifted part was restored exactly once (else the parse must not be trusted). */
  allRestored(): boolean;
}

interface Lift {
  start: number;
  end: number;
  bytes: Buffer;
}

interface Entity {
  contentType: string | undefined;
  transferEncoding: string | undefined;
  bodyStart: number;
}

/** See the file comment; null when nothing is lifted or the structure is unusual. */
export function liftBinaryParts(raw: Uint8Array): LiftedMessage | null {
  const bytes = asBuffer(raw);
  const lifts: Lift[] = [];
  if (!walk(bytes, 0, bytes.length, [], lifts) || lifts.length === 0) return null;
  return lifted(bytes, lifts);
}

function lifted(bytes: Buffer, lifts: readonly Lift[]): LiftedMessage {
  const pieces: Buffer[] = [];
  let at = 0;
  lifts.forEach((lift, i) => {
    pieces.push(bytes.subarray(at, lift.start), Buffer.from(Buffer.from(`${TAG}${i}`, 'latin1').toString('base64'), 'latin1'));
    at = lift.end;
  });
  pieces.push(bytes.subarray(at));
  const restored = new Array<number>(lifts.length).fill(0);
  const tagBytes = Buffer.from(TAG, 'latin1');
  return {
    skeleton: Buffer.concat(pieces),
    restore(content) {
      if (content.byteLength > TAG.length + 8) return undefined;
      const c = asBuffer(content);
      if (!c.subarray(0, tagBytes.length).equals(tagBytes)) return undefined;
      const index = Number(c.toString('latin1', tagBytes.length));
      const lift = Number.isInteger(index) ? lifts[index] : undefined;
      if (!lift) return undefined;
      restored[index] = (restored[index] ?? 0) + 1;
      return lift.bytes;
    },
    allRestored: () => restored.every((n) => n === 1),
  };
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
  const encoding = entity.transferEncoding?.trim().toLowerCase();
  if (encoding !== 'base64' || !BINARY_TYPE.test(type) || end - entity.bodyStart < MIN_LIFT_BYTES) return true;
  const decoded = decodeClean(bytes.toString('latin1', entity.bodyStart, end));
  if (!decoded) return false;
  lifts.push({ start: entity.bodyStart, end, bytes: decoded });
  return true;
}

/** The entity's Content-Type and Content-Transfer-Encoding (each at most once) and where its body starts. */
function readEntity(bytes: Buffer, start: number, end: number): Entity | null {
  // A part with no header fields starts with its blank line.
  const headerEnd = bytes[start] === CR && bytes[start + 1] === LF ? start - 2 : bytes.indexOf(BLANK_LINE, start);
  if (headerEnd < start - 2 || headerEnd + 4 > end) return null;
  let contentType: string | undefined;
  let transferEncoding: string | undefined;
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
    }
  }
  return { contentType, transferEncoding, bodyStart: headerEnd + 4 };
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

/**
 * The bytes of a body that is exactly base64 in CRLF-separated lines; null if anything else is in it
 * (stray characters, padding mid-body, bare CR or LF, the URL-safe alphabet). Node's decoder skips
 * what it cannot read and stops at padding, so any such character leaves fewer bytes than the
 * body's length promises: comparing the two is the whole check, with no copy of the body made.
 * (A regex over the body cost more than the parse it saves; re-encoding to compare cost a third of
 * this function's time and most of its garbage.)
 */
function decodeClean(text: string): Buffer | null {
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
