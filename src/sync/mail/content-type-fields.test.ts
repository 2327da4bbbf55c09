import { describe, expect, it } from 'vitest';
import { hostileMessages, seedMessages } from '../../../sim/common/seed';
import { contentTypeFields, matchFields } from './content-type-fields';
import { chooseParser } from './mime-parsers';
import { detectMimeProblems } from './mime-problems';

// The oracle: the whole-message string scans the field index replaces, as they were.
const bytesOf = (text: string) => Buffer.from(text, 'latin1');
const latin1 = (raw: Uint8Array) => Buffer.from(raw).toString('latin1');
const CHARSET = /^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?charset\s*=\s*"?([^";\s]+)"?/gim;
const BOUNDARY = /^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/gim;
const BINARY_PART = /^content-type:[ \t]*(?:image|application|audio|video|font|model)\//im;
const sticky = (re: RegExp) => new RegExp(re.source, 'imy');
const byRegex = (text: string) => [...text.matchAll(/^content-type:/gim)].map((m) => m.index);
const matches = (it: Iterable<RegExpMatchArray>) => [...it].map((m) => [m.index, ...m]);

function oracleProblems(text: string): string[] {
  const problems: string[] = [];
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  if (headerEnd < 0) problems.push('no blank line between headers and body');
  if (/[\x80-\xff]/.test(head)) problems.push('8-bit bytes in the header block');
  if (/(^|[^\r])\n/.test(text.slice(0, 4096))) problems.push('bare LF line endings');
  const charsets = new Set<string>();
  for (const m of text.matchAll(CHARSET)) if (m[1]) charsets.add(m[1].toLowerCase());
  for (const m of head.matchAll(/=\?([^?*\s]+)(?:\*[^?]*)?\?[bq]\?/gi)) if (m[1]) charsets.add(m[1].toLowerCase());
  for (const label of charsets) {
    try {
      new TextDecoder(label);
    } catch {
      problems.push(`unknown charset "${label}" (decoded as best effort)`);
    }
  }
  for (const m of text.matchAll(BOUNDARY)) {
    const boundary = m[1] ?? m[2];
    if (!boundary) continue;
    if (!text.includes(`--${boundary}`, (m.index ?? 0) + m[0].length)) problems.push(`multipart boundary "${boundary}" never appears`);
    else if (!text.includes(`--${boundary}--`)) problems.push(`multipart boundary "${boundary}" is never closed`);
  }
  return problems;
}

const crafted = [
  'Content-Type: text/plain\r\n\r\nbody',
  'content-type:x',
  'X-Content-Type: a\r\nxcontent-type: b\r\n content-type: folded, not a field start\r\nCONTENT-type: c',
  'a\rContent-TYPE: after a bare CR\nContent-Type: after a bare LF\r\n\r\nContent-Type: in the body still counts',
  'Content_Type: no\r\nContent-Typ: no\r\nContent-Type : no\r\nContent-Type:',
  ':::content-type::\ncontent-type:\u00e9:\r\n\u00c9content-type: no',
  'ontent-type: too short at the start',
  '',
  // Values the field regexes read past the field's own line.
  'Content-Type: text/plain; charset=\r\nContent-Type: text/html; charset=koi8-r',
  'Content-Type: text/plain; charset\r\n\r\n  = \u00a0"x-after-blank"\r\n',
  'Content-Type: multipart/mixed; boundary="spans\r\nlines"\r\n\r\n--spans\r\nlines--',
  'Content-Type: multipart/mixed; boundary=\r\n\t"folded"\r\n\r\n--folded\r\n\r\n--folded--',
  'Content-Type: multipart/mixed; boundary=ab"cd; x\r\n\r\n--ab"cd--',
  'Content-Type: multipart/mixed; boundary = "never closed\r\n\r\nbody',
  'Content-Type: multipart/mixed; boundary="spans\r\nmore words"\r\n\r\n--spans\r\nmore words--',
  'Content-Type: multipart/mixed; boundary=\r\nab"cd\r\n\r\n--ab"cd--',
  'Content-Type: multipart/mixed; boundary=\r\n"a b"\r\n\r\n--a b--',
];

// Messy variants: field pieces in random order, so the field regexes hit every way a value can
// run past its line (whitespace incl. no-break space, quotes, bare CR/LF, folding).
function fuzzed(count: number): string[] {
  let state = 2026;
  const rnd = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  const pieces = ['Content-Type:', 'content-TYPE: ', ' multipart/mixed;', ' text/plain;', ' image/png', 'application/', ' boundary', ' charset', '=', ' = ', '"', 'abc', 'x-bad', 'utf-8',
    ';', ' ', '\t', '\u00a0', '\r\n', '\n', '\r', '\r\n ', '\r\n\t', '\r\n\r\n', '--abc', '--abc--', '=?x-word?q?hi?=', '\u00e9', 'From: a@x.example', ' "a b"', 'ab"cd'];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let text = '';
    const length = 5 + Math.floor(rnd() * 60);
    for (let i = 0; i < length; i++) text += pieces[Math.floor(rnd() * pieces.length)] ?? '';
    out.push(text);
  }
  return out;
}

const corpus = [
  ...crafted,
  ...hostileMessages().map((h) => latin1(h.raw)),
  ...seedMessages({ seed: 3, count: 60, mailbox: 'ava@greenleaf.example', profile: 'mixed' }).map((m) => latin1(m.raw)),
  ...fuzzed(4000),
];

describe('contentTypeFields', () => {
  it('finds exactly the offsets /^content-type:/im matches', () => {
    for (const text of corpus) expect(contentTypeFields(bytesOf(text)), JSON.stringify(text.slice(0, 60))).toEqual(byRegex(text));
  });

  it('finds a field at offset 0 and after CR, LF and CRLF, in any case, and nothing else', () => {
    const found = (text: string) => contentTypeFields(bytesOf(text)).map((i) => text.slice(i, i + 20));
    expect(found(crafted[0] ?? '')).toEqual(['Content-Type: text/p']);
    expect(found(crafted[2] ?? '')).toEqual(['CONTENT-type: c']);
    expect(found(crafted[3] ?? '')).toEqual(['Content-TYPE: after ', 'Content-Type: after ', 'Content-Type: in the']);
    expect(found(crafted[4] ?? '')).toEqual(['Content-Type:']);
    expect(found(crafted[5] ?? '')).toEqual(['content-type:\u00e9:\r\n\u00c9co']);
  });
});

describe('field regexes on field windows', () => {
  it('match as a global scan of the whole message does, values running past the line included', () => {
    for (const text of corpus) {
      const bytes = bytesOf(text);
      const fields = contentTypeFields(bytes);
      const label = JSON.stringify(text);
      expect(matches(matchFields(bytes, fields, sticky(CHARSET), 'charset')), label).toEqual(matches(text.matchAll(CHARSET)));
      expect(matches(matchFields(bytes, fields, sticky(BOUNDARY), 'boundary')), label).toEqual(matches(text.matchAll(BOUNDARY)));
    }
  });

  it('read values that continue on later lines', () => {
    const values = (text: string, re: RegExp, tail: 'charset' | 'boundary') =>
      [...matchFields(bytesOf(text), contentTypeFields(bytesOf(text)), sticky(re), tail)].map((m) => m[1] ?? m[2]);
    expect(values(crafted[8] ?? '', CHARSET, 'charset')).toEqual(['Content-Type:']);
    expect(values(crafted[9] ?? '', CHARSET, 'charset')).toEqual(['x-after-blank']);
    expect(values(crafted[10] ?? '', BOUNDARY, 'boundary')).toEqual(['spans\r\nlines']);
    expect(values(crafted[11] ?? '', BOUNDARY, 'boundary')).toEqual(['folded']);
    expect(values(crafted[14] ?? '', BOUNDARY, 'boundary')).toEqual(['spans\r\nmore words']);
    expect(values(crafted[15] ?? '', BOUNDARY, 'boundary')).toEqual(['ab"cd']);
    expect(values(crafted[16] ?? '', BOUNDARY, 'boundary')).toEqual(['a b']);
  });

  it('find the end of a header block of any length, as the whole-message scan did', () => {
    for (const size of [4096, 32 * 1024]) {
      for (let at = size - 8; at <= size + 4; at++) {
        for (const blank of ['\r\n\r\n', '\n\n', '\n\r\n', '\r\n\n', '\r\r\n']) {
          // The last header carries an encoded word with an unknown charset and an 8-bit byte, so
          // a header block cut short or run long changes the problems found.
          const filler = 'X: ' + 'a'.repeat(Math.max(0, at - 40));
          const text = `${filler}\r\nS: =?x-late?q?z?=\u00e9`.slice(0, at) + `${blank}=?x-body?q?z?= \u00e9 body\n`;
          expect(detectMimeProblems(bytesOf(text)), `${at} ${JSON.stringify(blank)}`).toEqual(oracleProblems(text));
        }
      }
    }
  });

  it('give the problems and the parser choice the whole-message scans gave', () => {
    const padding = `\r\n\r\n${'x'.repeat(16 * 1024)}`;
    for (const text of corpus) {
      expect(detectMimeProblems(bytesOf(text)), JSON.stringify(text)).toEqual(oracleProblems(text));
      const big = text + padding;
      expect(chooseParser(bytesOf(big)), JSON.stringify(text)).toBe(BINARY_PART.test(big) ? 'mailparser' : 'postal-mime');
    }
  });
});
