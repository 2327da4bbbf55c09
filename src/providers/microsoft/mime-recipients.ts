/**
 * sendMail in MIME form takes its recipients from the message's own To / Cc / Bcc headers (user-sendmail
 * docs: "provide the applicable Internet message headers"). Our outbox keeps Bcc out of the MIME and
 * passes envelope recipients separately, so recipients missing from the headers are added as a Bcc
 * header; Exchange strips Bcc from what recipients receive and keeps it on the Sent Items copy.
 */
const addressPattern = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

function headerBlock(text: string): { end: number; eol: string } {
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { end: crlf, eol: '\r\n' };
  if (lf >= 0) return { end: lf, eol: '\n' };
  return { end: text.length, eol: '\r\n' };
}

/** Lower-case addresses named in the To, Cc and Bcc headers (folded lines joined). */
export function headerRecipients(mime: Uint8Array): Set<string> {
  // latin1 keeps byte offsets and never fails on 8-bit header bytes; addresses are ASCII.
  const text = Buffer.from(mime).toString('latin1');
  const { end } = headerBlock(text);
  const unfolded = text.slice(0, end).replace(/\r?\n[ \t]+/g, ' ');
  const out = new Set<string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const m = /^(to|cc|bcc)\s*:(.*)$/i.exec(line);
    if (!m) continue;
    for (const a of m[2]?.match(addressPattern) ?? []) out.add(a.toLowerCase());
  }
  return out;
}

export function withBccRecipients(mime: Uint8Array, recipients: string[]): Uint8Array {
  const present = headerRecipients(mime);
  const missing = [...new Set(recipients.map((r) => r.trim()).filter((r) => r && !present.has(r.toLowerCase())))];
  if (missing.length === 0) return mime;
  const { eol } = headerBlock(Buffer.from(mime).toString('latin1'));
  return new Uint8Array(Buffer.concat([Buffer.from(`Bcc: ${missing.join(', ')}${eol}`, 'latin1'), Buffer.from(mime)]));
}
