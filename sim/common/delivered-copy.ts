/**
 * What a sending server hands to the recipients: RFC 5322 §3.6.3 — the Bcc field is removed from the
 * copy sent to the To / Cc recipients (Gmail and Exchange do so), while the sender's copy in Sent keeps
 * it. Works on the raw bytes (latin1 round-trips every byte), so the body is untouched.
 */
export function withoutBcc(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const blank = /\r?\n\r?\n/.exec(text);
  // The header section with each line's own terminator; the blank line and body follow unchanged.
  const headEnd = blank ? blank.index + (text[blank.index] === '\r' ? 2 : 1) : text.length;
  const lines = text.slice(0, headEnd).split(/(?<=\n)/);
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    const folded = /^[ \t]/.test(line);
    if (!folded) dropping = /^bcc[ \t]*:/i.test(line);
    if (!dropping) kept.push(line);
  }
  if (kept.length === lines.length) return raw;
  return Buffer.concat([Buffer.from(kept.join(''), 'latin1'), raw.subarray(headEnd)]);
}
