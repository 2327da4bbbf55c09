import { describe, expect, it } from 'vitest';
import { hostileMessages, seedMessages } from '../../../sim/common/seed';
import { contentTypeFields, matchFields } from './content-type-fields';

const latin1 = (raw: Uint8Array) => Buffer.from(raw).toString('latin1');
/** The whole-text scan the field index replaces: the oracle. */
const byRegex = (text: string) => [...text.matchAll(/^content-type:/gim)].map((m) => m.index);

const crafted = [
  'Content-Type: text/plain\r\n\r\nbody',
  'content-type:x',
  'X-Content-Type: a\r\nxcontent-type: b\r\n content-type: folded, not a field start\r\nCONTENT-type: c',
  'a\rContent-TYPE: after a bare CR\nContent-Type: after a bare LF\r\n\r\nContent-Type: in the body still counts',
  'Content_Type: no\r\nContent-Typ: no\r\nContent-Type : no\r\nContent-Type:',
  ':::content-type::\ncontent-type:\u00e9:\r\n\u00c9content-type: no',
  'ontent-type: too short at the start',
  '',
];

const corpus = [
  ...crafted,
  ...hostileMessages().map((h) => latin1(h.raw)),
  ...seedMessages({ seed: 3, count: 60, mailbox: 'ava@greenleaf.example', profile: 'mixed' }).map((m) => latin1(m.raw)),
];

describe('contentTypeFields', () => {
  it('finds exactly the offsets /^content-type:/im matches', () => {
    for (const text of corpus) expect(contentTypeFields(text), JSON.stringify(text.slice(0, 60))).toEqual(byRegex(text));
  });

  it('finds a field at offset 0 and after CR, LF and CRLF, in any case, and nothing else', () => {
    const found = (text: string) => contentTypeFields(text).map((i) => text.slice(i, i + 20));
    expect(found(crafted[0] ?? '')).toEqual(['Content-Type: text/p']);
    expect(found(crafted[2] ?? '')).toEqual(['CONTENT-type: c']);
    expect(found(crafted[3] ?? '')).toEqual(['Content-TYPE: after ', 'Content-Type: after ', 'Content-Type: in the']);
    expect(found(crafted[4] ?? '')).toEqual(['Content-Type:']);
    expect(found(crafted[5] ?? '')).toEqual(['content-type:\u00e9:\r\n\u00c9co']);
  });
});

describe('matchFields', () => {
  const charset = /^content-type:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*?charset\s*=\s*"?([^";\s]+)"?/im;
  const sticky = new RegExp(charset.source, 'imy');
  const global = new RegExp(charset.source, 'gim');

  it('gives the matches a global scan of the whole text gives', () => {
    const tricky = [
      'Content-Type: text/plain;\r\n charset=utf-8\r\nContent-Type: text/html; charset=latin1',
      // The value runs onto the next line, swallowing the next field start: a global scan resumes after it.
      'Content-Type: text/plain; charset=\r\nContent-Type: text/html; charset=koi8-r',
      'Content-Type: text/plain\r\nContent-Type: text/html; charset="x-a"',
    ];
    for (const text of [...tricky, ...corpus]) {
      const got = [...matchFields(text, contentTypeFields(text), sticky)].map((m) => [m.index, m[0], m[1]]);
      expect(got).toEqual([...text.matchAll(global)].map((m) => [m.index, m[0], m[1]]));
    }
    expect([...matchFields(tricky[1] ?? '', contentTypeFields(tricky[1] ?? ''), sticky)].map((m) => m[1])).toEqual(['Content-Type:']);
  });
});
