import { describe, expect, it } from 'vitest';
import { hostileMessages, seedMessages } from '../../../sim/common/seed';
import { liftBinaryParts } from './binary-parts';
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

describe('liftBinaryParts', () => {
  it('lifts base64 binary bodies and gives the same parse as the whole message', async () => {
    const raw = message(mixed([textPart, pdfPart()]));
    const lifted = liftBinaryParts(raw);
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
    const seeded = seedMessages({ seed: 21, count: 120, mailbox: 'ava@greenleaf.example', profile: 'mixed' });
    let lifts = 0;
    for (const m of seeded) {
      const viaLift = await liftedParser(m.raw);
      if (!viaLift) {
        expect(m.kind === 'attachment' || m.kind === 'inline-image', `${m.kind} not lifted`).toBe(false);
        continue;
      }
      lifts++;
      expect(comparable(viaLift), m.messageId).toEqual(comparable(await postalMimeParser(m.raw)));
    }
    expect(lifts).toBe(seeded.filter((m) => m.kind === 'attachment' || m.kind === 'inline-image').length);
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
    expect(liftBinaryParts(message(mixed([textPart, pdfPart(bytesOf(600, 3))])))).toBeNull();
    const qp = crlf('Content-Type: application/octet-stream\nContent-Transfer-Encoding: quoted-printable\n\n') + 'x'.repeat(4000);
    expect(liftBinaryParts(message(mixed([textPart, qp])))).toBeNull();
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
    expect(liftBinaryParts(message(body))).toBeNull();
  });

  it('answers null for a multipart without a boundary or nested too deep', () => {
    expect(liftBinaryParts(message(mixed([textPart, pdfPart()]), 'multipart/mixed'))).toBeNull();
    const nested = (levels: number): Buffer => {
      let body = mixed([pdfPart()], 'n0');
      for (let depth = 1; depth <= levels; depth++) body = mixed([`Content-Type: multipart/mixed; boundary="n${depth - 1}"\r\n\r\n${body}`], `n${depth}`);
      return message(body, `multipart/mixed; boundary="n${levels}"`);
    };
    expect(liftBinaryParts(nested(6))).not.toBeNull();
    expect(liftBinaryParts(nested(9))).toBeNull();
  });

  it('never takes an attachment that looks like a marker for a lifted part', async () => {
    // A small attachment (left to the parser) whose bytes imitate a marker without the per-process tag.
    const forged = pdfPart(Buffer.from('tandem-lifted-000000000000000000000000-0'), 'Content-Type: application/octet-stream; name="x.bin"\nContent-Transfer-Encoding: base64\n');
    const raw = message(mixed([textPart, forged, pdfPart()]));
    const viaLift = await liftedParser(raw);
    expect(viaLift?.parts.map((p) => Buffer.from(p.content).toString('latin1').slice(0, 20))).toEqual(['tandem-lifted-000000', PDF.toString('latin1', 0, 20)]);
  });

  it('says when a lifted part did not come back from the parser exactly once', () => {
    const lifted = liftBinaryParts(message(mixed([textPart, pdfPart(), pdfPart(PNG)])));
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
