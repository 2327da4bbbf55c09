/**
 * Where the Content-Type fields of a raw message start (the message's own and every part's), found
 * once and shared by mime-problems.ts and chooseParser, which used to scan the whole message with a
 * regex each. Exactly the offsets at which /^content-type:/im matches the message read as latin1.
 */

const NAME = 'content-type';
const LF = 10;
const CR = 13;

/**
 * Offsets, ascending, of each line start (offset 0 or just after CR or LF) followed by
 * `content-type:` in any case. Looks only at colons: one indexOf per colon is far cheaper than a
 * case-insensitive regex tried at every character of a 50 KB message.
 */
export function contentTypeFields(text: string): number[] {
  const starts: number[] = [];
  for (let colon = text.indexOf(':', NAME.length); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    const start = colon - NAME.length;
    // '-' first: the cheapest test that rejects nearly every other colon.
    if (text.charCodeAt(start + 7) !== 45) continue;
    const before = start === 0 ? LF : text.charCodeAt(start - 1);
    if (before !== LF && before !== CR) continue;
    if (sameIgnoringAsciiCase(text, start)) starts.push(start);
  }
  return starts;
}

/** ASCII-only case folding, as a non-unicode /i regex does for these letters. */
function sameIgnoringAsciiCase(text: string, at: number): boolean {
  for (let i = 0; i < NAME.length; i++) {
    const c = text.charCodeAt(at + i);
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    if (lower !== NAME.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Each match of `field` (a sticky /^content-type:…/imy regex) at the given field starts, as the
 * same regex with the g flag would find them scanning the whole text: a field start inside the
 * previous match is skipped, like a global scan resuming at that match's end.
 */
export function* matchFields(text: string, starts: readonly number[], field: RegExp): Generator<RegExpExecArray> {
  let resumeAt = 0;
  for (const start of starts) {
    if (start < resumeAt) continue;
    field.lastIndex = start;
    const m = field.exec(text);
    if (!m) continue;
    resumeAt = start + m[0].length;
    yield m;
  }
}
