import { describe, expect, it } from 'vitest';
import { ComposeError, composeMime, type ComposeInput } from './compose-mime';
import { parseMessage } from './parse-message';

const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
const deps = { newId: () => uuid };
const base: ComposeInput = {
  from: { address: 'ava@greenleaf.example', name: 'Ava Müller' },
  to: [{ address: 'client@oakridge.example', name: 'Margaret Ellis' }],
  cc: [{ address: 'office@oakridge.example' }],
  bcc: [{ address: 'archive@greenleaf.example' }],
  subject: 'Quote — 2 oaks, back lot',
  text: 'Hello Margaret,\nplease find the quote attached.',
  html: '<p>Hello Margaret,</p><p>please find the quote attached.</p><img src="cid:logo@greenleaf">',
  attachments: [
    { filename: 'quote-4800.pdf', contentType: 'application/pdf', content: Uint8Array.from([37, 80, 68, 70, 45, 49]) },
    { filename: 'logo.png', contentType: 'image/png', content: Uint8Array.from([137, 80, 78, 71]), contentId: 'logo@greenleaf' },
  ],
  inReplyTo: '<prev@oakridge.example>',
  references: ['<root@oakridge.example>', '<prev@oakridge.example>'],
  date: new Date('2026-11-02T09:00:00Z'),
};

function composeError(input: ComposeInput): Promise<ComposeError> {
  return composeMime(input, deps).then(
    () => {
      throw new Error('expected a ComposeError');
    },
    (e: unknown) => {
      if (e instanceof ComposeError) return e;
      throw e;
    },
  );
}

describe('composeMime', () => {
  it('generates <uuid@tandem.domain> from the injected id source and the sender domain', async () => {
    const mail = await composeMime(base, deps);
    expect(mail.messageId).toBe(`<${uuid}@tandem.greenleaf.example>`);
    expect((await composeMime(base, { ...deps, domain: 'Example.COM' })).messageId).toBe(`<${uuid}@tandem.example.com>`);
  });

  it('reuses a Message-ID made earlier (retries of the same send)', async () => {
    const mail = await composeMime({ ...base, messageId: '<kept@tandem.greenleaf.example>' }, { newId: () => 'never' });
    expect(mail.messageId).toBe('<kept@tandem.greenleaf.example>');
    expect(Buffer.from(mail.mime).toString()).toContain('Message-ID: <kept@tandem.greenleaf.example>');
  });

  it('round-trips through our parser: headers, bodies, attachments', async () => {
    const mail = await composeMime(base, deps);
    const p = await parseMessage(mail.mime);
    expect(p).toMatchObject({
      subject: base.subject,
      from: { address: 'ava@greenleaf.example', name: 'Ava Müller' },
      to: [{ address: 'client@oakridge.example', name: 'Margaret Ellis' }],
      cc: [{ address: 'office@oakridge.example' }],
      date: '2026-11-02T09:00:00.000Z',
      messageId: mail.messageId,
      inReplyTo: '<prev@oakridge.example>',
      references: ['<root@oakridge.example>', '<prev@oakridge.example>'],
      text: base.text,
      problems: [],
    });
    expect(p.html).toContain('cid:logo@greenleaf');
    expect(p.attachments.map((a) => [a.filename, a.contentType, a.size, a.contentId ?? null]).sort()).toEqual([
      ['logo.png', 'image/png', 4, 'logo@greenleaf'],
      ['quote-4800.pdf', 'application/pdf', 6, null],
    ]);
  });

  it('composes the same send to the same CRLF bytes', async () => {
    const [a, b] = await Promise.all([composeMime(base, deps), composeMime(base, deps)]);
    expect(Buffer.from(a.mime).equals(Buffer.from(b.mime))).toBe(true);
    expect(Buffer.from(a.mime).toString('latin1')).not.toMatch(/[^\r]\n/);
  });

  it('keeps Bcc out of the headers and puts every recipient in the envelope once', async () => {
    const mail = await composeMime({ ...base, cc: [...(base.cc ?? []), { address: 'CLIENT@oakridge.example' }] }, deps);
    const text = Buffer.from(mail.mime).toString();
    expect(text).not.toMatch(/^bcc:/im);
    expect(text).not.toContain('archive@greenleaf.example');
    expect(mail.recipients).toEqual(['client@oakridge.example', 'office@oakridge.example', 'archive@greenleaf.example']);
  });

  it.each<[string, Partial<ComposeInput>, string, string]>([
    ['CRLF in the subject', { subject: 'Hi\r\nBcc: everyone@evil.example' }, 'header_injection', 'subject'],
    ['bare LF in the subject', { subject: 'Hi\nX: y' }, 'header_injection', 'subject'],
    ['CR/LF in a display name', { to: [{ address: 'a@b.example', name: 'Eve\r\nBcc: x@evil.example' }] }, 'header_injection', 'to[0].name'],
    ['CR/LF in an address', { cc: [{ address: 'a@b.example\r\nBcc: x@evil.example' }] }, 'header_injection', 'cc[0]'],
    ['two addresses in one field', { to: [{ address: 'client@oakridge.example' }, { address: 'a@b.example, c@d.example' }] }, 'invalid_address', 'to[1]'],
    ['garbage address', { bcc: [{ address: 'not-an-address' }] }, 'invalid_address', 'bcc[0]'],
    ['bad sender', { from: { address: 'ava@' } }, 'invalid_address', 'from'],
    ['CR/LF in an attachment name', { attachments: [{ filename: 'a.pdf\r\nContent-Type: text/html', contentType: 'application/pdf', content: new Uint8Array(1) }] }, 'header_injection', 'attachments[0].filename'],
    ['no recipients', { to: [], cc: [], bcc: [] }, 'no_recipients', 'to'],
    ['malformed Message-ID', { messageId: 'no-brackets@x' }, 'invalid_message_id', 'messageId'],
  ])('refuses %s, naming the field', async (_name, patch, code, field) => {
    const err = await composeError({ ...base, ...patch });
    expect(err.code).toBe(code);
    expect(err.field).toBe(field);
  });
});
