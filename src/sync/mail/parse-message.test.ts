import { describe, expect, it } from 'vitest';
import { hostileMessages, seedMessages, type HostileSample } from '../../../sim/common/seed';
import { chooseParser, mailparserParser, postalMimeParser } from './mime-parsers';
import { parseMessage, sha256Hex } from './parse-message';

const enc = (s: string) => new TextEncoder().encode(s.replace(/\n/g, '\r\n'));
const hostile = (name: HostileSample['name']): HostileSample => {
  const found = hostileMessages().find((h) => h.name === name);
  if (!found) throw new Error(`no hostile sample ${name}`);
  return found;
};

const simple = enc(`From: =?UTF-8?Q?J=C3=BCrgen?= <Juergen@Example.DE>
To: Ava <ava@greenleaf.example>, team: bob@client.example, carol@client.example;
Cc: dave@client.example
Reply-To: replies@example.de
Subject: =?UTF-8?B?QW5nZWJvdCBmw7xyIGRpZSBIZWNrZQ==?=
Date: Mon, 02 Nov 2026 08:15:00 +0100
Message-ID: <abc.123@example.de>
In-Reply-To: <prev@greenleaf.example>
References: <root@greenleaf.example> <prev@greenleaf.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Guten Tag!
`);

describe('parseMessage: the activity fields', () => {
  it('reads headers, addresses and body', async () => {
    const p = await parseMessage(simple);
    expect(p).toMatchObject({
      subject: 'Angebot für die Hecke',
      from: { address: 'juergen@example.de', name: 'Jürgen' },
      to: [{ address: 'ava@greenleaf.example', name: 'Ava' }, { address: 'bob@client.example' }, { address: 'carol@client.example' }],
      cc: [{ address: 'dave@client.example' }],
      replyTo: [{ address: 'replies@example.de' }],
      date: '2026-11-02T07:15:00.000Z',
      messageId: '<abc.123@example.de>',
      dedupeKey: '<abc.123@example.de>',
      inReplyTo: '<prev@greenleaf.example>',
      references: ['<root@greenleaf.example>', '<prev@greenleaf.example>'],
      text: 'Guten Tag!',
      html: null,
      attachments: [],
      problems: [],
    });
  });

  it('gives the same fields whichever parser splits the message', async () => {
    const [m] = seedMessages({ seed: 11, count: 40, mailbox: 'ava@greenleaf.example' }).filter((x) => x.kind === 'inline-image');
    if (!m) throw new Error('seed has no inline-image message');
    const viaPostal = await postalMimeParser(m.raw);
    const viaMailparser = await mailparserParser(m.raw);
    expect(viaPostal.headerLines.map((h) => h.key)).toEqual(viaMailparser.headerLines.map((h) => h.key));
    expect(viaPostal.parts.map((p) => [p.contentType, p.content.byteLength, p.contentId])).toEqual(viaMailparser.parts.map((p) => [p.contentType, p.content.byteLength, p.contentId]));
    expect(viaPostal.html).toBe(viaMailparser.html);
    expect(viaPostal.text).toBe(viaMailparser.text);
  });
});

describe('parseMessage on the seeded mixed mailbox', () => {
  const seeded = seedMessages({ seed: 5, count: 60, mailbox: 'ava@greenleaf.example' });

  it('recovers subject, sender, Message-ID and attachments of every message without problems', async () => {
    for (const m of seeded) {
      const p = await parseMessage(m.raw);
      expect(p.problems, m.messageId).toEqual([]);
      expect(p.subject).toBe(m.subject);
      expect(p.messageId).toBe(m.messageId);
      expect(p.from?.address).toBe(m.from.address.toLowerCase());
      expect(p.to.map((a) => a.address)).toEqual(m.to.map((a) => a.address.toLowerCase()));
      expect(p.attachments.map((a) => [a.filename, a.size, a.inline])).toEqual(m.attachments.map((a) => [a.filename, a.size, a.inline]));
      expect(p.attachments.every((a) => a.content?.byteLength === a.size)).toBe(true);
      expect(p.text.length + (p.html?.length ?? 0)).toBeGreaterThan(0);
    }
  });

  it('routes attachment-heavy mail to mailparser and text mail to postal-mime', () => {
    const many = seedMessages({ seed: 6, count: 150, mailbox: 'ava@greenleaf.example' });
    expect(new Set(many.map((m) => m.kind)).size).toBe(5);
    for (const m of many) {
      expect(chooseParser(m.raw), m.kind).toBe(m.kind === 'attachment' || m.kind === 'inline-image' ? 'mailparser' : 'postal-mime');
    }
  });
});

describe('attachment size limit', () => {
  it('keeps metadata but refuses the bytes of an attachment over the limit', async () => {
    const m = seedMessages({ seed: 5, count: 60, mailbox: 'ava@greenleaf.example' }).find((x) => x.attachments.some((a) => a.size > 20_000));
    if (!m) throw new Error('seed has no big attachment');
    const p = await parseMessage(m.raw, { maxAttachmentBytes: 20_000 });
    const big = p.attachments.filter((a) => a.size > 20_000);
    expect(big.length).toBeGreaterThan(0);
    for (const a of big) {
      expect(a.refused).toBe('too_large');
      expect(a.content).toBeUndefined();
    }
    for (const a of p.attachments.filter((x) => x.size <= 20_000)) expect(a.content?.byteLength).toBe(a.size);
    expect(p.problems.some((x) => x.includes('refused'))).toBe(true);
  });
});

describe('parseMessage never throws on hostile mail', () => {
  it.each(hostileMessages().map((h) => [h.name, h] as const))('%s', async (_name, h) => {
    const p = await parseMessage(h.raw);
    expect(typeof p.subject).toBe('string');
    expect(p.dedupeKey.length).toBeGreaterThan(0);
    if (h.messageId) expect(p.messageId).toBe(h.messageId);
  });

  it('missing headers: synthetic dedupe key from the raw bytes, stable across parses', async () => {
    const h = hostile('missing-headers');
    const [a, b] = await Promise.all([parseMessage(h.raw), parseMessage(h.raw)]);
    expect(a.messageId).toBeNull();
    expect(a.dedupeKey).toBe(`sha256:${sha256Hex(h.raw)}`);
    expect(b.dedupeKey).toBe(a.dedupeKey);
    expect(a.problems).toEqual(expect.arrayContaining(['missing From header', 'missing Message-ID header', 'missing Date header']));
  });

  it('duplicate headers: first wins, each duplicate reported', async () => {
    const p = await parseMessage(hostile('duplicate-headers').raw);
    expect(p.problems).toEqual(expect.arrayContaining(['duplicate from header (first one used)', 'duplicate message-id header (first one used)']));
  });

  it('8-bit garbage: the address is salvaged and the garbage reported', async () => {
    const p = await parseMessage(hostile('eight-bit-header-garbage').raw);
    expect(p.from?.address).toBe('garbage@hostile.example');
    expect(p.problems).toContain('8-bit bytes in the header block');
  });

  it('unknown charset: best-effort body and a problem', async () => {
    const p = await parseMessage(hostile('unknown-charset').raw);
    expect(p.text.length).toBeGreaterThan(0);
    expect(p.problems).toContain('unknown charset "x-unknown-klingon" (decoded as best effort)');
  });

  it('broken boundary: the raw body is kept as text', async () => {
    const p = await parseMessage(hostile('broken-boundary').raw);
    expect(p.text).toContain('This part is delimited by a boundary nobody declared.');
    expect(p.problems).toContain('multipart boundary "declared-boundary" never appears');
  });

  it('header injection: decoded CR/LF never survives into fields', async () => {
    const p = await parseMessage(hostile('header-injection').raw);
    expect(p.subject).not.toMatch(/[\r\n]/);
    expect(p.from?.name ?? '').not.toMatch(/[\r\n]/);
    expect(p.from?.address).toBe('eve@hostile.example');
  });

  it('overlong header and bare LF are reported', async () => {
    expect((await parseMessage(hostile('overlong-header-line').raw)).problems).toContain('header subject longer than 998 characters');
    expect((await parseMessage(hostile('bare-lf-line-endings').raw)).problems).toContain('bare LF line endings');
  });

  it('plain garbage bytes still give a result', async () => {
    const noise = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256);
    const p = await parseMessage(noise);
    expect(p.dedupeKey).toBe(`sha256:${sha256Hex(noise)}`);
    expect(p.problems.length).toBeGreaterThan(0);
  });
});
