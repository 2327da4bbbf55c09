import { describe, expect, it } from 'vitest';
import { headerRecipients, withBccRecipients } from './mime-recipients';

const mime = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('withBccRecipients', () => {
  const message = 'From: a@x.test\r\nTo: "Carol" <carol@client.test>,\r\n dave@client.test\r\nCc: Eve <EVE@client.test>\r\nSubject: s\r\n\r\nTo: not-a-header@body.test\r\n';

  it('reads To / Cc across folded lines, ignoring the body', () => {
    expect([...headerRecipients(mime(message))].sort()).toEqual(['carol@client.test', 'dave@client.test', 'eve@client.test']);
  });

  it('adds only the envelope recipients missing from the headers, as Bcc', () => {
    const out = text(withBccRecipients(mime(message), ['carol@client.test', 'eve@client.test', 'boss@client.test', 'not-a-header@body.test']));
    expect(out.startsWith('Bcc: boss@client.test, not-a-header@body.test\r\nFrom: a@x.test')).toBe(true);
  });

  it('leaves the bytes alone when every recipient is named, and follows LF-only messages', () => {
    const same = mime(message);
    expect(withBccRecipients(same, ['dave@client.test'])).toBe(same);
    expect(text(withBccRecipients(mime('To: a@x.test\n\nbody\n'), ['b@x.test']))).toBe('Bcc: b@x.test\nTo: a@x.test\n\nbody\n');
  });
});
