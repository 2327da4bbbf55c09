import { describe, expect, it } from 'vitest';
import { withoutBcc } from './delivered-copy';

const msg = (head: string[], body = 'Bcc: stays in the body\r\n') => Buffer.from([...head, '', body].join('\r\n'), 'latin1');

describe('withoutBcc', () => {
  it('drops the Bcc field, folded lines included, and nothing else', () => {
    const raw = msg(['From: a@x.example', 'BCC: one@x.example,', '\ttwo@x.example', 'To: b@x.example', 'Subject: Hi']);
    expect(withoutBcc(raw).toString('latin1')).toBe(msg(['From: a@x.example', 'To: b@x.example', 'Subject: Hi']).toString('latin1'));
  });

  it('keeps the body byte for byte when Bcc is the last field (LF-only mail too)', () => {
    const body = Buffer.from([0xe9, 0x0d, 0x0a, 0xff]);
    const crlf = Buffer.concat([Buffer.from('To: b@x.example\r\nBcc: c@x.example\r\n\r\n'), body]);
    expect(withoutBcc(crlf)).toEqual(Buffer.concat([Buffer.from('To: b@x.example\r\n\r\n'), body]));
    const lf = Buffer.concat([Buffer.from('To: b@x.example\nBcc: c@x.example\n\n'), body]);
    expect(withoutBcc(lf)).toEqual(Buffer.concat([Buffer.from('To: b@x.example\n\n'), body]));
  });

  it('returns mail without Bcc unchanged', () => {
    const raw = msg(['To: b@x.example', 'X-Bcc-Note: not the field']);
    expect(withoutBcc(raw)).toBe(raw);
  });
});
