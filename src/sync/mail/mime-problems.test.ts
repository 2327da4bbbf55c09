import { describe, expect, it } from 'vitest';
import { detectMimeProblems } from './mime-problems';

const mail = (...lines: string[]) => lines.join('\r\n');
const head = ['From: a@x.example', 'Message-ID: <m@x.example>'];

describe('detectMimeProblems', () => {
  it('reports nothing for well-formed nested multiparts', () => {
    const text = mail(...head, 'Content-Type: multipart/mixed; boundary="outer"', '', '--outer',
      'Content-Type: multipart/alternative;', '\tboundary=inner', '', '--inner', 'Content-Type: text/plain; charset=utf-8', '', 'hi',
      '--inner--', '--outer', 'Content-Type: application/pdf', '', 'JVBERi0=', '--outer--', '');
    expect(detectMimeProblems(text)).toEqual([]);
  });

  it('reports an unclosed nested multipart and an unclosed outermost one', () => {
    const nested = mail(...head, 'Content-Type: multipart/mixed; boundary="outer"', '', '--outer',
      'Content-Type: multipart/alternative; boundary=inner', '', '--inner', '', 'hi', '--outer', '', 'x', '--outer--', '');
    expect(detectMimeProblems(nested)).toEqual(['multipart boundary "inner" is never closed']);
    const outer = mail(...head, 'Content-Type: multipart/mixed; boundary="outer"', '', '--outer', '', 'hi', '');
    expect(detectMimeProblems(outer)).toEqual(['multipart boundary "outer" is never closed']);
  });

  it('counts a closing delimiter that appears before the field declaring it, as the whole-text check did', () => {
    const text = mail(...head, 'X-Note: --b--', 'Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'hi', '');
    expect(detectMimeProblems(text)).toEqual([]);
  });

  it('reports a boundary that never appears after its declaration', () => {
    const text = mail(...head, 'Content-Type: multipart/mixed; boundary=gone', '', '--other', '', 'hi', '--other--', '');
    expect(detectMimeProblems(text)).toEqual(['multipart boundary "gone" never appears']);
  });

  it('reports an unknown charset in a folded part header, again on every message', () => {
    const text = mail(...head, 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain;', ' charset="x-klingon"', '', 'hi', '--b--', '');
    const expected = ['unknown charset "x-klingon" (decoded as best effort)'];
    expect(detectMimeProblems(text)).toEqual(expected);
    expect(detectMimeProblems(text)).toEqual(expected);
    expect(detectMimeProblems(text.replace('x-klingon', 'ISO-8859-2'))).toEqual([]);
  });

  it('ignores charset and boundary outside Content-Type fields', () => {
    const text = mail(...head, 'Content-Type: text/html; charset=utf-8', '', '<meta charset=3D"x-fake"> boundary=nowhere', '');
    expect(detectMimeProblems(text)).toEqual([]);
  });
});

describe('detectMimeProblems: line endings', () => {
  const bare = 'bare LF line endings';
  it('reports an LF without CR in the first 4 KB only', () => {
    expect(detectMimeProblems('\nFrom: a@x.example\r\n\r\nhi')).toContain(bare);
    expect(detectMimeProblems('From: a@x.example\r\nTo: b@x.example\n\r\nhi')).toContain(bare);
    expect(detectMimeProblems('From: a@x.example\r\n\r\nhi\r\n')).not.toContain(bare);
    const late = `From: a@x.example\r\n\r\n${'x'.repeat(4090)}\n`;
    expect(late.indexOf('\n', 21)).toBeGreaterThan(4096);
    expect(detectMimeProblems(late)).not.toContain(bare);
    expect(detectMimeProblems(`${late.slice(0, 4094)}\n`)).toContain(bare);
  });
});
