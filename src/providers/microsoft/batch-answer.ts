/**
 * Reads a `$batch` answer from its bytes. Twenty `$value` reads come back as ~1.4 MB of JSON that
 * is nearly all base64 bodies (json-batching docs: non-JSON bodies are base64-encoded). Parsing it
 * whole decodes the bytes into one string, copies each body out of it as another, and only then
 * decodes the base64: most of the CPU and garbage of a Graph capture batch outside the MIME parse.
 *
 * Instead, each long item body that is a JSON string without escapes is cut out of the bytes first,
 * the small rest (ids, statuses, headers) is parsed as JSON, and the cut bodies are handed on as
 * bytes (LiftedBody). The cut is only made where the text is certainly an object key `"body"` whose
 * value is a string: in valid JSON an unescaped `"` always delimits a string, so `{` or `,`, then
 * `"body"`, then `:` and `"` cannot occur inside one. Every placeholder must then come back as
 * exactly one `responses[i].body`; if anything else happens (a nested "body" key, a placeholder
 * moved or missing), the answer is parsed whole, as before.
 */
import { randomBytes } from 'node:crypto';
import { parseJson } from './graph-client';

/**
 * Base64 characters decoded per step. A $value body of a message with attachments is often several
 * hundred KB of base64; as one string V8 puts it in fresh pages of its large-object space, and on a
 * virtual machine where first touching a page is costly that cost more than the decoding. Strings
 * of this size stay in the young generation, whose pages are reused. A multiple of 4, so each step
 * ends on a whole base64 quantum.
 */
const BASE64_STEP = 64 * 1024;

/**
 * `Buffer.from(text, 'base64')` of the bytes in [start, end), decoded in steps. Steps decode the
 * same as the whole when the text is plain base64 (the alphabet, padding only at the end): then the
 * decoded length is exactly what the text's length promises. Node's decoder skips what it cannot
 * read and stops at padding, so any other text yields fewer bytes and is decoded whole instead.
 */
function decodeBase64Range(bytes: Buffer, start: number, end: number): Buffer {
  const length = end - start;
  if (length > BASE64_STEP && length % 4 === 0) {
    const padding = bytes[end - 1] !== 0x3d ? 0 : bytes[end - 2] === 0x3d ? 2 : 1;
    const expected = (length / 4) * 3 - padding;
    const out = Buffer.allocUnsafe(expected);
    let written = 0;
    for (let at = start; at < end && written <= expected; at += BASE64_STEP) {
      written += out.write(bytes.toString('latin1', at, Math.min(end, at + BASE64_STEP)), written, 'base64');
    }
    if (written === expected) return out;
  }
  return Buffer.from(bytes.toString('latin1', start, end), 'base64');
}

/** The bytes of a body that was a JSON string without escapes: its UTF-8 text, unchanged. */
export class LiftedBody {
  constructor(
    private readonly answer: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get bytes(): Uint8Array {
    return this.answer.subarray(this.start, this.end);
  }

  get text(): string {
    return this.answer.toString('utf8', this.start, this.end);
  }

  /** The base64 the string held, decoded (a $value body). */
  base64Bytes(): Uint8Array {
    const out = decodeBase64Range(this.answer, this.start, this.end);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
}

/**
 * The JSON text of a long object body, parsed only when read: a successful move answers with the
 * whole message, which the mover does not need.
 */
export class LiftedObject {
  constructor(
    private readonly answer: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** The parsed object; undefined if its text is not JSON (the rest of the answer was). */
  value(): unknown {
    return parseJson(this.answer.toString('utf8', this.start, this.end));
  }
}

/** Shorter strings are left in the JSON: cutting them out saves nothing. */
const minLifted = 1024;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const KEY = Buffer.from('"body"');
/** Placeholders carry a per-process random tag, so no answer can forge one. */
const TAG = `tandem-batch-body-${randomBytes(12).toString('hex')}-`;

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

function skipSpaces(bytes: Buffer, i: number, step: 1 | -1): number {
  while (isSpace(bytes[i])) i += step;
  return i;
}

interface Cut {
  /** A string's content (after its opening quote), or an object value's opening brace. */
  start: number;
  /** The string's closing quote, or just after the object's closing brace. */
  end: number;
  kind: 'string' | 'object';
}

/** The closing quote of the string opened at `open`, or -1. */
function stringEnd(bytes: Buffer, open: number): number {
  for (let at = bytes.indexOf(QUOTE, open + 1); at >= 0; at = bytes.indexOf(QUOTE, at + 1)) {
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/**
 * Just after the object or array opened at `open`, or -1. Strings are skipped with indexOf, so the
 * byte loop runs only over the structure between them.
 */
function valueEnd(bytes: Buffer, open: number): number {
  let depth = 0;
  for (let at = open; at < bytes.length; at++) {
    const b = bytes[at];
    if (b === QUOTE) {
      at = stringEnd(bytes, at);
      if (at < 0) return -1;
    } else if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) {
      depth--;
      if (depth === 0) return at + 1;
    }
  }
  return -1;
}

/**
 * Long values of "body" keys, in order: escape-free strings, and objects (a moved message comes back
 * whole, tens of KB of JSON that a caller may never read).
 */
function findCuts(bytes: Buffer): Cut[] {
  const cuts: Cut[] = [];
  let nextBackslash = bytes.indexOf(BACKSLASH);
  for (let at = bytes.indexOf(KEY); at >= 0; at = bytes.indexOf(KEY, at + 1)) {
    const before = bytes[skipSpaces(bytes, at - 1, -1)];
    if (before !== 0x7b && before !== 0x2c) continue; // `{` or `,`: a key, not the end of a value
    const colon = skipSpaces(bytes, at + KEY.length, 1);
    if (bytes[colon] !== 0x3a) continue;
    const open = skipSpaces(bytes, colon + 1, 1);
    if (bytes[open] === 0x7b) {
      const end = valueEnd(bytes, open);
      if (end < 0) break;
      if (end - open >= minLifted) cuts.push({ start: open, end, kind: 'object' });
      at = end - 1; // nested "body" keys are part of this value
      continue;
    }
    if (bytes[open] !== QUOTE) continue;
    const start = open + 1;
    const end = bytes.indexOf(QUOTE, start);
    if (end < 0) break;
    while (nextBackslash >= 0 && nextBackslash < start) nextBackslash = bytes.indexOf(BACKSLASH, start);
    const escaped = nextBackslash >= 0 && nextBackslash < end;
    if (!escaped && end - start >= minLifted) cuts.push({ start, end, kind: 'string' });
    at = end; // the next key starts after this string
  }
  return cuts;
}

/** Puts the lifted bodies back where their placeholders are; false if any is not where expected. */
function restore(answer: unknown, lifted: readonly (LiftedBody | LiftedObject)[]): boolean {
  if (typeof answer !== 'object' || answer === null || !('responses' in answer) || !Array.isArray(answer.responses)) return false;
  let restored = 0;
  for (const item of answer.responses as unknown[]) {
    if (typeof item !== 'object' || item === null || !('body' in item)) continue;
    const { body } = item as { body: unknown };
    if (typeof body !== 'string' || !body.startsWith(TAG)) continue;
    const bytes = lifted[Number(body.slice(TAG.length))];
    if (!bytes) return false;
    (item as { body: unknown }).body = bytes;
    restored++;
  }
  return restored === lifted.length;
}

/**
 * The parsed answer, with each long escape-free string `responses[i].body` as a LiftedBody and each
 * long object one as a LiftedObject (parsed when asked for); undefined if the bytes are not JSON.
 */
export function readBatchAnswer(answer: Uint8Array): unknown {
  const bytes = Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
  const cuts = findCuts(bytes);
  if (cuts.length) {
    const pieces: Buffer[] = [];
    let from = 0;
    cuts.forEach((cut, i) => {
      pieces.push(bytes.subarray(from, cut.start), Buffer.from(cut.kind === 'string' ? `${TAG}${i}` : `"${TAG}${i}"`));
      from = cut.end;
    });
    pieces.push(bytes.subarray(from));
    const skeleton = parseJson(Buffer.concat(pieces).toString('utf8'));
    const lifted = cuts.map((cut) => (cut.kind === 'string' ? new LiftedBody(bytes, cut.start, cut.end) : new LiftedObject(bytes, cut.start, cut.end)));
    if (restore(skeleton, lifted)) return skeleton;
  }
  return parseJson(bytes.toString('utf8'));
}
