/**
 * The capture-folder cursor `{uidValidity, uid, modseq}` and the message reference format.
 * UIDs only mean something together with the folder's UIDVALIDITY (RFC 3501 §2.3.1.1): a changed
 * UIDVALIDITY voids every UID we hold, which the engine treats as an expired cursor.
 */
import { z } from 'zod';
import { ProviderError } from '../errors';

const cursorSchema = z.object({
  v: z.literal(1),
  uidValidity: z.string().regex(/^\d+$/),
  /** Highest UID listed so far. */
  uid: z.number().int().nonnegative(),
  /** HIGHESTMODSEQ (RFC 7162) when the server has CONDSTORE. */
  modseq: z.string().regex(/^\d+$/).optional(),
});

export type CaptureCursor = z.infer<typeof cursorSchema>;

export function encodeCursor(c: Omit<CaptureCursor, 'v'>): string {
  return JSON.stringify({ v: 1, ...c });
}

/** Parses an opaque JSON cursor; one we cannot read is as good as expired: the engine starts over. */
export function parseJsonCursor<T>(schema: z.ZodType<T>, raw: string, what: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new ProviderError('cursor_expired', `${what}: unreadable cursor`, { code: 'BAD_CURSOR' });
  return result.data;
}

export function decodeCursor(raw: string): CaptureCursor {
  return parseJsonCursor(cursorSchema, raw, 'imap');
}

export interface MessageRef {
  path: string;
  uidValidity: string;
  uid: number;
}

/** `imap:<uidvalidity>:<uid>:<mailbox path>` — the path last, since it may contain ':'. */
export function encodeRefId(ref: MessageRef): string {
  return `imap:${ref.uidValidity}:${ref.uid}:${ref.path}`;
}

export function decodeRefId(id: string): MessageRef | undefined {
  const m = /^imap:(\d+):(\d+):(.+)$/s.exec(id);
  if (!m || !m[1] || !m[2] || !m[3]) return undefined;
  return { uidValidity: m[1], uid: Number(m[2]), path: m[3] };
}

/** Page token: the UIDVALIDITY and the last UID of the previous page. */
export function encodePageToken(uidValidity: string, afterUid: number): string {
  return `${uidValidity}:${afterUid}`;
}

export function decodePageToken(token: string): { uidValidity: string; afterUid: number } {
  const m = /^(\d+):(\d+)$/.exec(token);
  if (!m || !m[1] || !m[2]) throw new ProviderError('invalid_input', 'imap: bad page token', { code: 'BAD_PAGE_TOKEN' });
  return { uidValidity: m[1], afterUid: Number(m[2]) };
}
