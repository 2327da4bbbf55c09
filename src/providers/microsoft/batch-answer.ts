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

/** The bytes of a body that was a JSON string without escapes: its UTF-8 text, unchanged. */
export class LiftedBody {
  constructor(readonly bytes: Uint8Array) {}

  get text(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('utf8');
  }

  /** The base64 the string held, decoded (a $value body). */
  base64Bytes(): Uint8Array {
    const b64 = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('latin1');
    const out = Buffer.from(b64, 'base64');
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
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
  /** First byte of the string's content (after the opening quote). */
  start: number;
  /** The closing quote. */
  end: number;
}

/** Long escape-free string values of "body" keys, in order. */
function findCuts(bytes: Buffer): Cut[] {
  const cuts: Cut[] = [];
  let nextBackslash = bytes.indexOf(BACKSLASH);
  for (let at = bytes.indexOf(KEY); at >= 0; at = bytes.indexOf(KEY, at + 1)) {
    const before = bytes[skipSpaces(bytes, at - 1, -1)];
    if (before !== 0x7b && before !== 0x2c) continue; // `{` or `,`: a key, not the end of a value
    const colon = skipSpaces(bytes, at + KEY.length, 1);
    if (bytes[colon] !== 0x3a) continue;
    const open = skipSpaces(bytes, colon + 1, 1);
    if (bytes[open] !== QUOTE) continue;
    const start = open + 1;
    const end = bytes.indexOf(QUOTE, start);
    if (end < 0) break;
    while (nextBackslash >= 0 && nextBackslash < start) nextBackslash = bytes.indexOf(BACKSLASH, start);
    const escaped = nextBackslash >= 0 && nextBackslash < end;
    if (!escaped && end - start >= minLifted) cuts.push({ start, end });
    at = end; // the next key starts after this string
  }
  return cuts;
}

/** Puts the lifted bodies back where their placeholders are; false if any is not where expected. */
function restore(answer: unknown, lifted: LiftedBody[]): boolean {
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
 * The parsed answer, with each long escape-free string `responses[i].body` as a LiftedBody;
 * undefined if the bytes are not JSON.
 */
export function readBatchAnswer(answer: Uint8Array): unknown {
  const bytes = Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
  const cuts = findCuts(bytes);
  if (cuts.length) {
    const pieces: Buffer[] = [];
    let from = 0;
    cuts.forEach((cut, i) => {
      pieces.push(bytes.subarray(from, cut.start), Buffer.from(`${TAG}${i}`));
      from = cut.end;
    });
    pieces.push(bytes.subarray(from));
    const skeleton = parseJson(Buffer.concat(pieces).toString('utf8'));
    const lifted = cuts.map((cut) => new LiftedBody(bytes.subarray(cut.start, cut.end)));
    if (restore(skeleton, lifted)) return skeleton;
  }
  return parseJson(bytes.toString('utf8'));
}
