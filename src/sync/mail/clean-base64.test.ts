import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCleanBase64, decodeCleanBase64Range } from './clean-base64';

/** Base64 of `bytes` in lines of `width` characters, each ended by CRLF (as MIME encoders write it). */
function mimeBase64(bytes: Buffer, width = 76): string {
  const text = bytes.toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < text.length; at += width) lines.push(text.slice(at, at + width));
  return `${lines.join('\r\n')}\r\n`;
}

/** decodeCleanBase64Range over `text` placed between other bytes, as a part sits inside a message. */
function decodeWithin(text: string): Buffer | null {
  const before = Buffer.from('Content-Transfer-Encoding: base64\r\n\r\n');
  const after = Buffer.from('\r\n--boundary--\r\n');
  const bytes = Buffer.concat([before, Buffer.from(text, 'latin1'), after]);
  return decodeCleanBase64Range(bytes, before.length, before.length + text.length);
}

describe('decodeCleanBase64Range', () => {
  it('decodes long bodies in steps to exactly the bytes, whatever the padding and line breaks', () => {
    for (const size of [48_000, 200_001, 200_002, 300_000]) {
      const raw = randomBytes(size);
      for (const text of [mimeBase64(raw), mimeBase64(raw, 64), raw.toString('base64'), `${mimeBase64(raw)}\r\n\r\n`]) {
        expect(decodeWithin(text)?.equals(raw), `${size} bytes, ${text.length} characters`).toBe(true);
      }
    }
  });

  it('answers as decodeCleanBase64 does on unclean text, long or short', () => {
    const long = mimeBase64(randomBytes(150_000));
    const short = mimeBase64(randomBytes(3_000));
    const spoil = (text: string, at: number, what: string) => `${text.slice(0, at)}${what}${text.slice(at + what.length)}`;
    for (const text of [long, short]) {
      const middle = Math.floor(text.length / 2 / 78) * 78 + 10; // inside a line
      const unclean = [
        spoil(text, middle, '-_'), // the URL-safe alphabet
        spoil(text, middle, '!'), // outside the alphabet
        spoil(text, middle, '=='), // padding in the middle
        spoil(text, middle, '\n'), // a bare LF
        text.slice(0, -3), // a partial quantum at the end
      ];
      for (const u of unclean) {
        expect(decodeWithin(u)).toBeNull();
        expect(decodeCleanBase64(u)).toBeNull();
      }
    }
  });

  it('reads a long body of nothing but line breaks as empty, whatever precedes it', () => {
    const breaks = '\r\n'.repeat(40_000);
    const bytes = Buffer.from(`x==${breaks}`, 'latin1');
    expect(decodeCleanBase64(breaks)?.length).toBe(0);
    expect(decodeCleanBase64Range(bytes, 3, bytes.length)?.length).toBe(0);
  });

  it('never decodes wrong bytes when lines do not hold whole quanta, and leaves such a body to the parser when a step ends inside one', () => {
    const raw = randomBytes(120_000);
    for (const width of [73, 74, 75, 77]) {
      const text = mimeBase64(raw, width);
      expect(decodeCleanBase64(text)?.equals(raw)).toBe(true);
      const stepped = decodeWithin(text);
      expect(stepped === null || stepped.equals(raw), `lines of ${width}`).toBe(true);
    }
    // Lines of 74: the first step ends after 863 lines, 63,862 characters, inside a quantum.
    expect(decodeWithin(mimeBase64(raw, 74))).toBeNull();
  });
});
