import { describe, expect, it } from 'vitest';
import { hostileMessages, seedMessages } from '../../../sim/common/seed';
import { liftParts } from './lifted-parts';
import { liftedParser, postalMimeParser, type SplitMessage } from './mime-parsers';
import { parseMessage } from './parse-message';

/** `n` bytes that differ per `seed`. */
const bytesOf = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 17) % 256));
/** Base64 in 76-character CRLF lines, as mailers write it. */
const lines = (b: Buffer): string => (b.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

const PDF = bytesOf(9000, 1);
const PNG = bytesOf(5000, 2);

function message(body: string, contentType = 'multipart/mixed; boundary="b1"', extraHeaders = ''): Buffer {
  const head = crlf(`From: Ana <ana@client.example>\nTo: ava@greenleaf.example\nSubject: Quote\nDate: Fri, 27 Nov 2026 09:30:00 +0000\nMessage-ID: <q1@client.example>\nMIME-Version: 1.0\n${extraHeaders}Content-Type: ${contentType}\n\n`);
  return Buffer.from(head + body, 'latin1');
}

const textPart = crlf('Content-Type: text/plain; charset=utf-8\n\nHello Ava,\nthe quote is attached.\n');
const pdfPart = (data: Buffer = PDF, headers = 'Content-Type: application/pdf; name="quote.pdf"\nContent-Disposition: attachment; filename="quote.pdf"\nContent-Transfer-Encoding: base64\n'): string =>
  crlf(`${headers}\n`) + lines(data);

const mixed = (parts: string[], boundary = 'b1'): string => `--${boundary}\r\n${parts.join(`\r\n--${boundary}\r\n`)}\r\n--${boundary}--\r\n`;

/** Everything but the raw bytes, for comparing two parses. */
const comparable = (m: SplitMessage) => ({ ...m, parts: m.parts.map((p) => ({ ...p, content: Buffer.from(p.content).toString('base64') })) });

describe('liftParts', () => {
  it('lifts base64 binary bodies and gives the same parse as the whole message', async () => {
    const raw = message(mixed([textPart, pdfPart()]));
    const lifted = liftParts(raw);
    expect(lifted).not.toBeNull();
    expect(lifted?.skeleton.byteLength).toBeLessThan(raw.byteLength - 10_000);
    const viaLift = await liftedParser(raw);
    expect(viaLift).not.toBeNull();
    if (!viaLift) return;
    expect(comparable(viaLift)).toEqual(comparable(await postalMimeParser(raw)));
    expect(Buffer.from(viaLift.parts[0]?.content ?? new Uint8Array()).equals(PDF)).toBe(true);
  });

  it('walks nested multiparts and keeps names, RFC 2231 filenames and Content-IDs', async () => {
    const image = crlf('Content-Type: image/png\nContent-ID: <logo@client.example>\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\n') + lines(PNG);
    const html = crlf('Content-Type: text/html; charset=utf-8\n\n<p>See <img src="cid:logo@client.example"></p>\n');
    const related = `Content-Type: multipart/related; boundary="rel"\r\n\r\n${mixed([html, image], 'rel')}`;
    const alternative = `Content-Type: multipart/alternative;\r\n boundary=alt\r\n\r\npreamble\r\n${mixed([textPart, related], 'alt')}`;
    const rfc2231 = pdfPart(PDF, "Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*=utf-8''Angebot%20f%C3%BCr%20M%C3%BCller.pdf\nContent-Transfer-Encoding: BASE64\n");
    const raw = message(mixed([alternative, rfc2231]));
    const viaLift = await liftedParser(raw);
    expect(viaLift?.parts.map((p) => [p.filename, p.contentId, p.content.byteLength])).toEqual([
      [null, '<logo@client.example>', PNG.length],
      ['Angebot für Müller.pdf', null, PDF.length],
    ]);
    if (!viaLift) return;
    expect(comparable(viaLift)).toEqual(comparable(await postalMimeParser(raw)));
  });

  it('matches the whole-message parse on every seeded message it lifts', async () => {
    const seeded = [
      ...seedMessages({ seed: 21, count: 160, mailbox: 'ava@greenleaf.example', profile: 'mixed' }),
      ...seedMessages({ seed: 22, count: 40, mailbox: 'ava@greenleaf.example', profile: 'small' }),
    ];
    const mustLift = new Set(['attachment', 'inline-image', 'long-text']);
    let lifts = 0;
    for (const m of seeded) {
      const viaLift = await liftedParser(m.raw);
      if (!viaLift) {
        expect(mustLift.has(m.kind), `${m.kind} not lifted`).toBe(false);
        continue;
      }
      lifts++;
      expect(comparable(viaLift), m.messageId).toEqual(comparable(await postalMimeParser(m.raw)));
    }
    expect(lifts).toBeGreaterThan(seeded.filter((m) => mustLift.has(m.kind)).length);
  });

  it('lifts the body of a single-part binary message', async () => {
    const raw = message(lines(PDF), 'application/pdf; name="quote.pdf"', 'Content-Transfer-Encoding: base64\r\n');
    const viaLift = await liftedParser(raw);
    expect(viaLift?.parts.map((p) => p.content.byteLength)).toEqual([PDF.length]);
    if (!viaLift) return;
    expect(comparable(viaLift)).toEqual(comparable(await postalMimeParser(raw)));
  });

  it('lifts a body that ends in a line break, and one whose last line is padded', async () => {
    for (const data of [PDF, bytesOf(9001, 3), bytesOf(9002, 4)]) {
      const raw = message(`${lines(data)}\r\n`, 'application/octet-stream', 'Content-Transfer-Encoding: base64\r\n');
      const viaLift = await liftedParser(raw);
      expect(viaLift?.parts.map((p) => Buffer.from(p.content).equals(data))).toEqual([true]);
      if (viaLift) expect(comparable(viaLift)).toEqual(comparable(await postalMimeParser(raw)));
    }
  });

  it('leaves small bodies and non-base64 parts to the parser', () => {
    expect(liftParts(message(mixed([textPart, pdfPart(bytesOf(600, 3))])))).toBeNull();
    const qp = crlf('Content-Type: application/octet-stream\nContent-Transfer-Encoding: quoted-printable\n\n') + 'x'.repeat(4000);
    expect(liftParts(message(mixed([textPart, qp])))).toBeNull();
  });

  it.each([
    ['padding in mid-body', mixed([textPart, pdfPart(PDF).replace(/(\r\n[A-Za-z0-9+/]{8})/, '$1==')])],
    ['a stray character in the body', mixed([textPart, `${pdfPart()}\r\n*`])],
    ['a space in place of a base64 character', mixed([textPart, pdfPart().replace(/(\r\n\r\n[A-Za-z0-9+/]{4})[A-Za-z0-9+/]/, '$1 ')])],
    ['a non-ASCII byte in place of a base64 character', mixed([textPart, pdfPart().replace(/(\r\n\r\n[A-Za-z0-9+/]{4})[A-Za-z0-9+/]/, '$1\u00e9')])],
    ['the URL-safe alphabet', mixed([textPart, crlf('Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n') + lines(Buffer.alloc(3000, 0xfb)).replace(/\+/g, '-').replace(/\//g, '_')])],
    ['a bare CR in the body', mixed([textPart, crlf('Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n') + lines(PDF).replace('\r\n', '\r')])],
    ['a bare LF in the body', mixed([textPart, crlf('Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n') + lines(PDF).replace('\r\n', '\n')])],
    ['a never-closed boundary', mixed([textPart, pdfPart()]).replace('--b1--', '--b2--')],
    ['junk after a delimiter', mixed([textPart, pdfPart()]).replace('--b1\r\nContent-Type: application', '--b1 junk\r\nContent-Type: application')],
    ['a repeated Content-Type', mixed([textPart, pdfPart(PDF, 'Content-Type: application/pdf\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n')])],
    ['a header line without a colon', mixed([textPart, pdfPart(PDF, 'Content-Type: application/pdf\nnot a header\nContent-Transfer-Encoding: base64\n')])],
    ['a nested part reusing its parent boundary', mixed([`Content-Type: multipart/mixed; boundary="b1"\r\n\r\n${mixed([pdfPart()])}`])],
  ])('answers null for %s', (_what, body) => {
    expect(liftParts(message(body))).toBeNull();
  });

  it('answers null for a multipart without a boundary or nested too deep', () => {
    expect(liftParts(message(mixed([textPart, pdfPart()]), 'multipart/mixed'))).toBeNull();
    const nested = (levels: number): Buffer => {
      let body = mixed([pdfPart()], 'n0');
      for (let depth = 1; depth <= levels; depth++) body = mixed([`Content-Type: multipart/mixed; boundary="n${depth - 1}"\r\n\r\n${body}`], `n${depth}`);
      return message(body, `multipart/mixed; boundary="n${levels}"`);
    };
    expect(liftParts(nested(6))).not.toBeNull();
    expect(liftParts(nested(9))).toBeNull();
  });

  it('never takes an attachment that looks like a marker for a lifted part', async () => {
    // A small attachment (left to the parser) whose bytes imitate a marker without the per-process tag.
    const forged = pdfPart(Buffer.from('tandem-lifted-000000000000000000000000-0'), 'Content-Type: application/octet-stream; name="x.bin"\nContent-Transfer-Encoding: base64\n');
    const raw = message(mixed([textPart, forged, pdfPart()]));
    const viaLift = await liftedParser(raw);
    expect(viaLift?.parts.map((p) => Buffer.from(p.content).toString('latin1').slice(0, 20))).toEqual(['tandem-lifted-000000', PDF.toString('latin1', 0, 20)]);
  });

  it('says when a lifted part did not come back from the parser exactly once', () => {
    const lifted = liftParts(message(mixed([textPart, pdfPart(), pdfPart(PNG)])));
    expect(lifted).not.toBeNull();
    if (!lifted) return;
    expect(lifted.allRestored()).toBe(false);
    const skeleton = Buffer.from(lifted.skeleton).toString('latin1');
    const markers = [...skeleton.matchAll(/\r\n\r\n([A-Za-z0-9+/=]+)\r\n--b1/g)].map((m) => Buffer.from(m[1] ?? '', 'base64'));
    expect(markers).toHaveLength(2);
    expect(Buffer.from(lifted.restore(markers[0] ?? new Uint8Array()) ?? []).equals(PDF)).toBe(true);
    expect(lifted.allRestored()).toBe(false);
    expect(Buffer.from(lifted.restore(markers[1] ?? new Uint8Array()) ?? []).equals(PNG)).toBe(true);
    expect(lifted.allRestored()).toBe(true);
    lifted.restore(markers[1] ?? new Uint8Array());
    expect(lifted.allRestored()).toBe(false);
  });
});

describe('liftParts on text bodies', () => {
  const words = 'Grüße aus München: die Hecke ist geschnitten, 50 % erledigt = gut. ';
  const long = (line: string, n = 120) => Array.from({ length: n }, (_, i) => `${i} ${line}`).join('\r\n');
  const qp = (text: string) =>
    Buffer.from(text, 'utf8')
      .toString('latin1')
      .replace(/[=%\x80-\xff]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  const part = (headers: string, body: string) => `${crlf(headers)}\r\n${body}`;

  /** Lifted, and read exactly as postal-mime reads the whole message. */
  async function expectSameAsWhole(raw: Buffer): Promise<void> {
    const lifted = liftParts(raw);
    expect(lifted, 'lifted').not.toBeNull();
    expect(lifted?.skeleton.byteLength).toBeLessThan(raw.byteLength - 500);
    const viaLift = await liftedParser(raw);
    expect(viaLift, 'markers restored').not.toBeNull();
    if (viaLift) expect(comparable(viaLift)).toEqual(comparable(await postalMimeParser(raw)));
  }

  it.each([
    ['7bit lines', 'Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n', long('The hedge was trimmed.')],
    ['8bit UTF-8 with a BOM', 'Content-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: 8bit\n', Buffer.from(`\ufeff${long(words)}`, 'utf8').toString('latin1')],
    ['ISO-8859-1', 'Content-Type: text/plain; charset=iso-8859-1\n', Buffer.from(long(words), 'latin1').toString('latin1')],
    ['windows-1252 bytes 0x80-0x9f', 'Content-Type: text/plain; charset=windows-1252\n', long('\x80 \x93quoted\x94 \x85')],
    ['CR runs, bare CRs and blank lines', 'Content-Type: text/plain\n', long('a\rb\r\r\n\r\n\rend\r\r')],
    ['a long run of bare CRs (hostile)', 'Content-Type: text/plain\n', `${'\r'.repeat(200_000)}x\r\r\r\nend`],
    ['invalid UTF-8 next to a line break', 'Content-Type: text/plain; charset=utf-8\n', long('broken \xe2\x82\r\nnext \xf0\x9f')],
    ['quoted-printable with soft breaks and bad escapes', 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n', long(`${qp(words)}=\r\n=4=41 ==41 =zz =3D=\r\n%u0041 %41 =`)],
    ['quoted-printable HTML', 'Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: Quoted-Printable\n', long(`<p>${qp(words)}</p>`)],
    ['base64 text', 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n', lines(Buffer.from(long(words), 'utf8'))],
    ['an inline disposition', 'Content-Type: text/plain; format=fixed; charset=utf-8\nContent-Disposition: inline\n', long(words)],
  ])('decodes %s as postal-mime does, in a part and as the whole message', async (_what, headers, body) => {
    const text = part(headers, body);
    for (const ending of ['', '\r\n', '\r\n\r\n']) await expectSameAsWhole(message(mixed([`${text}${ending}`, pdfPart()])));
    const head = crlf(headers).replace(/Content-Type: [^\r]*\r\n/i, '');
    const type = /Content-Type: ([^\n]*)/i.exec(headers)?.[1] ?? 'text/plain';
    // A base64 body that does not end cleanly is left to the parser (decodeCleanBase64).
    const endings = /base64/.test(headers) ? ['', '\r\n'] : ['', '\r\n', '=\r\n', '\r\n\r\n', '\r'];
    for (const ending of endings) await expectSameAsWhole(message(`${body}${ending}`, type, head));
  });

  it('lifts the text and the HTML of an alternative, beside attachments', async () => {
    const alternative = `Content-Type: multipart/alternative; boundary="alt"\r\n\r\n${mixed(
      [
        part('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n', long(qp(words))),
        part('Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n', long(`<p>${qp(words)}</p>`)),
      ],
      'alt',
    )}`;
    await expectSameAsWhole(message(mixed([alternative, pdfPart()])));
  });

  it.each([
    ['format=flowed', 'Content-Type: text/plain; charset=utf-8; format=flowed\n'],
    ['a charset that does not read ASCII as ASCII', 'Content-Type: text/plain; charset=utf-16le\n'],
    ['an unknown charset', 'Content-Type: text/plain; charset=x-unknown-klingon\n'],
    ['a charset with escape states (ISO-2022-JP)', 'Content-Type: text/plain; charset=iso-2022-jp\n'],
    ['an RFC 2231 charset', "Content-Type: text/plain; charset*=utf-8''x\n"],
    ['a comment in the Content-Type', 'Content-Type: text/plain; (note) charset=utf-8\n'],
    ['a repeated parameter', 'Content-Type: text/plain; charset=utf-8; charset=iso-8859-1\n'],
    ['an overlong Content-Type (blanks a pattern could backtrack over)', `Content-Type: text/plain; charset=utf-8${' '.repeat(5000)}x\n`],
    ['an attachment disposition', 'Content-Type: text/plain\nContent-Disposition: attachment; filename="log.txt"\n'],
    ['a repeated disposition', 'Content-Type: text/plain\nContent-Disposition: inline\nContent-Disposition: inline\n'],
    ['an unknown transfer encoding', 'Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n'],
  ])('leaves a text part with %s to the parser', async (_what, headers) => {
    const raw = message(mixed([part(headers, long(words))]));
    expect(liftParts(raw)).toBeNull();
    expect((await parseMessage(raw)).parser).not.toBe('postal-mime-lifted');
  });

  it('gives up when the parser converts a lifted text (text and HTML side by side, not alternatives)', async () => {
    const ascii = 'The hedge along the north fence is trimmed.';
    const raw = message(mixed([part('Content-Type: text/plain\n', long(ascii)), part('Content-Type: text/html\n', long(`<p>${ascii}</p>`))]));
    expect(liftParts(raw)).not.toBeNull();
    expect(await liftedParser(raw)).toBeNull();
    const parsed = await parseMessage(raw);
    expect(parsed.parser).not.toBe('postal-mime-lifted');
    expect(parsed.html).toContain(`119 <p>${ascii}</p>`);
    expect(parsed.text).toContain(`0 ${ascii}`);
  });

  it('never takes text a sender wrote for a marker', async () => {
    const lifted = liftParts(message(mixed([part('Content-Type: text/plain\n', long(words)), pdfPart()])));
    expect(lifted?.restoreText('tandem-lifted-000000000000000000000000-t0.\n', null)).toBeNull();
  });
});

describe('parseMessage with lifted binary parts', () => {
  it('parses attachment-heavy mail through the lift, with the fields a full parse gives', async () => {
    const raw = message(mixed([textPart, pdfPart()]));
    const p = await parseMessage(raw);
    expect(p.parser).toBe('postal-mime-lifted');
    expect(p.text).toBe('Hello Ava,\r\nthe quote is attached.'.replace(/\r\n/g, '\n'));
    expect(p.attachments).toEqual([{ filename: 'quote.pdf', contentType: 'application/pdf', size: PDF.length, inline: false, content: expect.any(Uint8Array) }]);
    expect(Buffer.from(p.attachments[0]?.content ?? new Uint8Array()).equals(PDF)).toBe(true);
    expect(p.problems).toEqual([]);
  });

  it('falls back to the full parse where the lift does not apply, and hostile mail still parses', async () => {
    const padded = message(mixed([textPart, pdfPart(PDF).replace(/(\r\n[A-Za-z0-9+/]{8})/, '$1==')]));
    const p = await parseMessage(padded);
    expect(p.parser).not.toBe('postal-mime-lifted');
    expect(p.attachments.map((a) => a.filename)).toEqual(['quote.pdf']);
    for (const h of hostileMessages()) expect((await parseMessage(h.raw)).dedupeKey.length).toBeGreaterThan(0);
  });
});
