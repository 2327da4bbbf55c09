/**
 * Reads the top-level header fields of a raw RFC 5322 message: enough to check the From and
 * Message-ID of a message built elsewhere, without parsing (or re-encoding) the body.
 */
import addressparser from 'nodemailer/lib/addressparser';

export function headerFields(mime: Uint8Array): Map<string, string[]> {
  const text = Buffer.from(mime.buffer, mime.byteOffset, mime.byteLength).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = end === -1 ? text : text.slice(0, end);
  // Unfold continuation lines (RFC 5322 2.2.3).
  const lines = head.replace(/\r?\n[ \t]/g, ' ').split(/\r?\n/);
  const fields = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/** The addresses of the From field(s), lower-cased. */
export function fromAddresses(fields: Map<string, string[]>): string[] {
  return (fields.get('from') ?? []).flatMap((v) => addressparser(v, { flatten: true }).map((a) => a.address.toLowerCase())).filter((a) => a.includes('@'));
}

export function domainOf(address: string): string {
  return (address.split('@').pop() ?? '').toLowerCase().replace(/\.$/, '');
}
