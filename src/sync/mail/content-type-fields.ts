/**
 * The Content-Type fields of a raw message (its own and every part's), found once on the bytes and
 * shared by mime-problems.ts and chooseParser, so neither copies the whole message into a string
 * or scans it with a regex. Offsets are exactly those at which /^content-type:/im matches the
 * message read as latin1 (one char per byte), and each field's regexes run on a short latin1
 * window that holds every character those regexes can read (see `fieldWindow`), so the results
 * are the ones the same regexes give on the whole message.
 */

const NAME = 'content-type';
const LF = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const QUOTE = 34;
const SEMICOLON = 59;
const EQUALS = 61;

export const asBuffer = (raw: Uint8Array): Buffer => Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);

/**
 * Offsets, ascending, of each line start (offset 0 or just after CR or LF) followed by
 * `content-type:` in any (ASCII) case. Looks only at colons, found natively: a message has a few
 * dozen, against tens of thousands of bytes.
 */
export function contentTypeFields(raw: Uint8Array): number[] {
  const bytes = asBuffer(raw);
  const starts: number[] = [];
  for (let colon = bytes.indexOf(58, NAME.length); colon >= 0; colon = bytes.indexOf(58, colon + 1)) {
    const start = colon - NAME.length;
    // '-' first: the cheapest test that rejects nearly every other colon.
    if (bytes[start + 7] !== 45) continue;
    const before = start === 0 ? LF : bytes[start - 1];
    if (before !== LF && before !== CR) continue;
    if (sameIgnoringAsciiCase(bytes, start)) starts.push(start);
  }
  return starts;
}

/** ASCII-only case folding, as a non-unicode /i regex does for these letters. */
function sameIgnoringAsciiCase(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < NAME.length; i++) {
    const c = bytes[at + i] ?? 0;
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    if (lower !== NAME.charCodeAt(i)) return false;
  }
  return true;
}

/** What a field regex reads after the folded field: see `fieldWindow`. */
export type FieldTail = 'none' | 'charset' | 'boundary';

/**
 * The latin1 text from `start` far enough that a sticky regex of the form
 *   ^content-type:<one line>(?:\r?\n[ \t]<line>)*?<param>\s*=\s*<value>
 * never reads past it. The folded field (continuation lines start with space or tab) holds
 * everything up to the parameter name, and a name cannot run over the field's line break. Past
 * the field only these can run: the `\s*` around '=', and for 'boundary' a quoted value
 * `"[^"]+"`, which may span lines. An unquoted value stops at whitespace, so never crosses it.
 * 'none' is for regexes that read one line only.
 */
export function fieldWindow(raw: Uint8Array, start: number, tail: FieldTail): string {
  const bytes = asBuffer(raw);
  const end = foldedFieldEnd(bytes, start);
  // `\r?\n[ \t]` is tried at the field's end: up to 3 characters.
  let stop = Math.min(bytes.length, end + 3);
  if (tail !== 'none') {
    // A `\s*` that crosses the line break ends at `ws`; from there: '=', `\s*`, then the value.
    const ws = skipSpace(bytes, end);
    stop = Math.max(stop, valueEnd(bytes, ws, tail) + 1);
    if (bytes[ws] === EQUALS) stop = Math.max(stop, valueEnd(bytes, skipSpace(bytes, ws + 1), tail) + 1);
    // A quoted boundary opened at the field's last quote runs on to the next quote.
    if (tail === 'boundary' && quoteOpensValue(bytes, start, end)) stop = Math.max(stop, closingQuote(bytes, end) + 1);
  }
  return bytes.toString('latin1', start, Math.min(bytes.length, stop));
}

/** Index of the line break (CR or LF) that ends the folded field, or the length. */
function foldedFieldEnd(bytes: Buffer, start: number): number {
  let i = start;
  for (;;) {
    while (i < bytes.length && bytes[i] !== CR && bytes[i] !== LF) i++;
    if (i >= bytes.length) return bytes.length;
    const next = bytes[i] === CR ? (bytes[i + 1] === LF ? i + 2 : -1) : i + 1;
    if (next < 0 || (bytes[next] !== SP && bytes[next] !== TAB)) return i;
    i = next + 1;
  }
}

/** Characters JavaScript's \s matches in latin1: \t \n \v \f \r, space and no-break space. */
const isSpace = (c: number | undefined): boolean => c !== undefined && ((c >= 9 && c <= 13) || c === SP || c === 0xa0);

function skipSpace(bytes: Buffer, from: number): number {
  let i = from;
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return i;
}

/** Last index a value starting at `from` can make the regex read (its terminating character). */
function valueEnd(bytes: Buffer, from: number, tail: FieldTail): number {
  // Unquoted value: [^";\s]+ for charset, [^;\s]+ for boundary.
  const stopsAtQuote = tail === 'charset';
  let i = from;
  while (i < bytes.length && bytes[i] !== SEMICOLON && !(stopsAtQuote && bytes[i] === QUOTE) && !isSpace(bytes[i])) i++;
  let last = i;
  if (bytes[from] === QUOTE) {
    if (tail === 'boundary') last = Math.max(last, closingQuote(bytes, from + 1));
    else {
      let j = from + 1;
      while (j < bytes.length && bytes[j] !== SEMICOLON && bytes[j] !== QUOTE && !isSpace(bytes[j])) j++;
      last = Math.max(last, j);
    }
  }
  return last;
}

/** Index of the first '"' at or after `from`, or the length. */
function closingQuote(bytes: Buffer, from: number): number {
  const q = bytes.indexOf(QUOTE, from);
  return q < 0 ? bytes.length : q;
}

/** Whether the field's last '"' could open a boundary value: `boundary\s*=\s*"` ends there. */
function quoteOpensValue(bytes: Buffer, start: number, end: number): boolean {
  // Within the field only: a search from its end back would cross all the message before it.
  const inField = bytes.subarray(start, end).lastIndexOf(QUOTE);
  if (inField < 0) return false;
  const q = start + inField;
  let i = q - 1;
  while (i >= start && isSpace(bytes[i])) i--;
  if (bytes[i] !== EQUALS) return false;
  i--;
  while (i >= start && isSpace(bytes[i])) i--;
  const word = 'boundary';
  for (let k = word.length - 1; k >= 0; k--, i--) {
    const c = bytes[i] ?? 0;
    if (i < start || (c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Each match of `field` (a sticky /^content-type:…/imy regex) at the given field starts, as the
 * same regex with the g flag finds them scanning the whole message: a field start inside the
 * previous match is skipped, like a global scan resuming at that match's end. `index` is the
 * field's offset in the message.
 */
export function* matchFields(raw: Uint8Array, starts: readonly number[], field: RegExp, tail: FieldTail): Generator<RegExpExecArray> {
  let resumeAt = 0;
  for (const start of starts) {
    if (start < resumeAt) continue;
    field.lastIndex = 0;
    const m = field.exec(fieldWindow(raw, start, tail));
    if (!m) continue;
    m.index = start;
    resumeAt = start + m[0].length;
    yield m;
  }
}
