import { simpleParser } from 'mailparser';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { hostileMessages, hugeAttachmentMessage, type HostileName } from './seed-hostile';

const samples = new Map(hostileMessages().map((s) => [s.name, s]));
function sample(name: HostileName) {
  const s = samples.get(name);
  if (!s) throw new Error(`missing sample ${name}`);
  return s;
}
const latin1 = (raw: Uint8Array) => Buffer.from(raw).toString('latin1');
const headerLines = (raw: Uint8Array) => (latin1(raw).split(/\r?\n\r?\n/)[0] ?? '').split(/\r?\n/);

describe('hostileMessages', () => {
  it('has unique names and parses without throwing in both parsers', async () => {
    const all = hostileMessages();
    expect(new Set(all.map((s) => s.name)).size).toBe(all.length);
    for (const s of all) {
      const p = await PostalMime.parse(s.raw);
      const m = await simpleParser(Buffer.from(s.raw));
      if (s.messageId) {
        expect(p.messageId, s.name).toBe(s.messageId);
        expect(m.messageId, s.name).toBe(s.messageId);
      }
    }
  });

  it('broken-boundary: the declared boundary never delimits anything and there is no close', () => {
    const text = latin1(sample('broken-boundary').raw);
    expect(text).toContain('boundary="declared-boundary"');
    expect(text).not.toContain('--declared-boundary');
    expect(text).not.toMatch(/--other-boundary--/);
  });

  it('missing-headers: no From, Date or Message-ID', async () => {
    const names = headerLines(sample('missing-headers').raw).map((l) => l.split(':')[0]?.toLowerCase());
    expect(names).toEqual(['subject']);
    const parsed = await PostalMime.parse(sample('missing-headers').raw);
    expect(parsed.from).toBeUndefined();
    expect(parsed.messageId).toBeUndefined();
  });

  it('duplicate-headers: From, Subject, Date and Message-ID appear twice each', () => {
    const names = headerLines(sample('duplicate-headers').raw).map((l) => l.split(':')[0]?.toLowerCase());
    for (const h of ['from', 'subject', 'date', 'message-id']) expect(names.filter((n) => n === h)).toHaveLength(2);
  });

  it('eight-bit-header-garbage: the header section holds bytes that are not valid UTF-8', () => {
    const raw = sample('eight-bit-header-garbage').raw;
    const end = Buffer.from(raw).indexOf('\r\n\r\n');
    const head = raw.subarray(0, end);
    expect(head.some((b) => b >= 0x80)).toBe(true);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(head)).toThrow();
  });

  it('unknown-charset: declares a charset TextDecoder does not know', () => {
    const text = latin1(sample('unknown-charset').raw);
    const charset = /charset="([^"]+)"/.exec(text)?.[1] ?? '';
    expect(charset).toBe('x-unknown-klingon');
    expect(() => new TextDecoder(charset)).toThrow(RangeError);
  });

  it('script-and-tracking-html: carries script, handlers, javascript: links and a 1x1 pixel', async () => {
    const html = (await PostalMime.parse(sample('script-and-tracking-html').raw)).html ?? '';
    expect(html).toContain('<script>');
    expect(html).toMatch(/onerror=/);
    expect(html).toContain('javascript:');
    expect(html).toMatch(/width="1" height="1"/);
  });

  it('header-injection: decodes to CRLF + Bcc while the raw headers have no Bcc', async () => {
    const raw = sample('header-injection').raw;
    expect(headerLines(raw).some((l) => /^bcc:/i.test(l))).toBe(false);
    const p = await PostalMime.parse(raw);
    const m = await simpleParser(Buffer.from(raw));
    expect(p.subject).toMatch(/\r?\nBcc: everyone@greenleaf\.example/);
    expect(m.subject).toMatch(/\r?\nBcc: everyone@greenleaf\.example/);
    expect(p.from?.name).toMatch(/\nBcc: victim@/);
  });

  it('bare-lf-line-endings: no carriage return anywhere', () => {
    expect(sample('bare-lf-line-endings').raw.includes(0x0d)).toBe(false);
  });

  it('overlong-header-line: one header line beyond 998 characters', () => {
    expect(Math.max(...headerLines(sample('overlong-header-line').raw).map((l) => l.length))).toBeGreaterThan(998);
  });
});

describe('hugeAttachmentMessage', () => {
  it('reports its exact size and decodes to an attachment of the requested length', async () => {
    const huge = hugeAttachmentMessage({ attachmentBytes: 300_013 });
    const bytes = Buffer.concat([...huge.chunks()]);
    expect(bytes.length).toBe(huge.size);
    const parsed = await simpleParser(bytes);
    expect(parsed.messageId).toBe(huge.messageId);
    expect(parsed.attachments.map((a) => a.size)).toEqual([300_013]);
  });

  it('produces 25 MB lazily, chunk by chunk', () => {
    const huge = hugeAttachmentMessage();
    expect(huge.size).toBeGreaterThan(25 * 1024 * 1024);
    let total = 0;
    let largest = 0;
    for (const chunk of huge.chunks()) {
      total += chunk.length;
      largest = Math.max(largest, chunk.length);
    }
    expect(total).toBe(huge.size);
    expect(largest).toBeLessThan(128 * 1024);
  });
});
