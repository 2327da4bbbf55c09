import { simpleParser, type AddressObject } from 'mailparser';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { seedMessages, type SeededMessage } from './seed';

const mailbox = 'ava@greenleaf.example';
const latin1 = (raw: Uint8Array) => Buffer.from(raw).toString('latin1');
const headerSection = (raw: Uint8Array) => latin1(raw).split('\r\n\r\n')[0] ?? '';
const addressesOf = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address));

describe('seedMessages', () => {
  const mixed = seedMessages({ seed: 7, count: 120, mailbox });

  it('gives the same bytes for the same options and different bytes otherwise', () => {
    const again = seedMessages({ seed: 7, count: 120, mailbox });
    expect(again.map((m) => Buffer.from(m.raw).toString('base64'))).toEqual(mixed.map((m) => Buffer.from(m.raw).toString('base64')));
    const otherSeed = seedMessages({ seed: 8, count: 5, mailbox });
    const otherMailbox = seedMessages({ seed: 7, count: 5, mailbox: 'ben@greenleaf.example' });
    expect(Buffer.from(otherSeed[0]?.raw ?? []).equals(Buffer.from(mixed[0]?.raw ?? []))).toBe(false);
    expect(Buffer.from(otherMailbox[0]?.raw ?? []).equals(Buffer.from(mixed[0]?.raw ?? []))).toBe(false);
  });

  it('parses with postal-mime and mailparser to the headers it reports', async () => {
    for (const m of mixed) {
      const p = await PostalMime.parse(m.raw);
      const s = await simpleParser(Buffer.from(m.raw));
      expect(p.subject, m.messageId).toBe(m.subject);
      expect(s.subject, m.messageId).toBe(m.subject);
      expect(p.messageId).toBe(m.messageId);
      expect(s.messageId).toBe(m.messageId);
      expect(p.from?.address).toBe(m.from.address);
      expect(p.from?.name).toBe(m.from.name);
      expect(s.from?.value[0]?.name).toBe(m.from.name);
      expect((p.to ?? []).map((a) => a.address)).toEqual(m.to.map((a) => a.address));
      expect(addressesOf(s.to)).toEqual(m.to.map((a) => a.address));
      expect((p.cc ?? []).map((a) => a.address)).toEqual(m.cc.map((a) => a.address));
      expect(addressesOf(s.cc)).toEqual(m.cc.map((a) => a.address));
      expect(s.date?.getTime()).toBe(Math.floor(m.date.getTime() / 1000) * 1000);
      expect(p.inReplyTo).toBe(m.inReplyTo);
      expect(s.inReplyTo).toBe(m.inReplyTo);
      expect(s.attachments.map((a) => [a.filename, a.size])).toEqual(m.attachments.map((a) => [a.filename, a.size]));
      expect(p.attachments.map((a) => a.filename)).toEqual(m.attachments.map((a) => a.filename));
      expect(s.text?.length ?? 0).toBeGreaterThan(50);
    }
  });

  it('writes CRLF only and keeps header lines within the RFC 5322 limits', () => {
    for (const m of mixed) {
      const text = latin1(m.raw);
      expect(/[^\r]\n/.test(text), m.messageId).toBe(false);
      for (const line of headerSection(m.raw).split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(78);
    }
  });

  it('covers the realistic mix: languages, threads, HTML quirks, attachments, long bodies', () => {
    const has = (pred: (m: SeededMessage) => boolean) => mixed.filter(pred).length;
    expect(has((m) => /[äöüß]/.test(m.subject))).toBeGreaterThan(0);
    expect(has((m) => /[ñ¿áé]/.test(m.subject))).toBeGreaterThan(0);
    expect(has((m) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(m.subject))).toBeGreaterThan(0);
    expect(has((m) => /=\?UTF-8\?Q\?/.test(headerSection(m.raw)))).toBeGreaterThan(0);
    expect(has((m) => /=\?UTF-8\?B\?/.test(headerSection(m.raw)))).toBeGreaterThan(0);
    expect(has((m) => m.references.length >= 2)).toBeGreaterThan(0);
    expect(has((m) => m.direction === 'out')).toBeGreaterThan(0);
    expect(has((m) => m.to.length + m.cc.length >= 3)).toBeGreaterThan(0);
    expect(has((m) => m.attachments.some((a) => a.inline))).toBeGreaterThan(0);
    expect(has((m) => m.attachments.some((a) => a.contentType === 'application/pdf'))).toBeGreaterThan(0);
    expect(has((m) => m.kind === 'long-text')).toBeGreaterThan(0);
  });

  it('puts quoted replies, tracking pixels, scripts and cid images in the HTML', async () => {
    let quoted = 0;
    let pixels = 0;
    let scripts = 0;
    let cids = 0;
    for (const m of mixed.filter((x) => x.kind !== 'text' && x.kind !== 'long-text')) {
      const html = (await PostalMime.parse(m.raw)).html ?? '';
      if (html.includes('<blockquote type="cite"')) quoted++;
      if (/<img src="https:[^"]+" width="1" height="1"/.test(html)) pixels++;
      if (html.includes('<script>')) scripts++;
      if (html.includes('src="cid:')) cids++;
    }
    expect({ quoted: quoted > 0, pixels: pixels > 0, scripts: scripts > 0, cids: cids > 0 }).toEqual({ quoted: true, pixels: true, scripts: true, cids: true });
  });

  it('writes 1,500-line plain-text bodies for the long-text kind', async () => {
    const long = mixed.find((m) => m.kind === 'long-text');
    const text = (await simpleParser(Buffer.from(long?.raw ?? []))).text ?? '';
    expect(text.split('\n').length).toBeGreaterThanOrEqual(1500);
  });

  it('averages 40–60 KB per message in the mixed profile and a few KB in the small one', () => {
    for (const seed of [1, 2, 3]) {
      const msgs = seedMessages({ seed, count: 150, mailbox: 'cara@greenleaf.example' });
      const avg = msgs.reduce((n, m) => n + m.raw.length, 0) / msgs.length / 1024;
      expect(avg, `seed ${seed}`).toBeGreaterThan(40);
      expect(avg, `seed ${seed}`).toBeLessThan(60);
    }
    const small = seedMessages({ seed: 1, count: 150, mailbox, profile: 'small' });
    expect(small.every((m) => m.attachments.length === 0 && m.raw.length < 16_384)).toBe(true);
  });

  it('uses the given contacts as correspondents and orders messages by date', () => {
    const contacts = ['Pat Customer <pat@customer.example>', 'lee.buyer@customer.example'];
    const msgs = seedMessages({ seed: 3, count: 30, mailbox, contacts, profile: 'small' });
    for (const m of msgs) {
      const other = m.direction === 'in' ? m.from : m.to[0];
      expect(['pat@customer.example', 'lee.buyer@customer.example']).toContain(other?.address);
    }
    expect(msgs.find((m) => m.from.address === 'lee.buyer@customer.example')?.from.name).toBe('Lee Buyer');
    const times = msgs.map((m) => m.date.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThan(new Date('2026-11-02T09:00:00Z').getTime());
  });
});
