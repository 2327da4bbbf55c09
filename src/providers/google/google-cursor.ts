/**
 * The calendar cursor handed to the engine: where the next events.list call starts. A full round
 * continues with its page token; an incremental round with its sync token (and page token, since
 * Google wants the same parameters on every page); `{mode:'full'}` alone starts a full round again.
 */
import { z } from 'zod';

const cursorSchema = z.union([
  z.object({ mode: z.literal('full'), page: z.string().optional() }),
  z.object({ mode: z.literal('delta'), sync: z.string(), page: z.string().optional() }),
]);

export type GoogleCursor = z.infer<typeof cursorSchema>;

export function encodeGoogleCursor(c: GoogleCursor): string {
  return JSON.stringify(c);
}

/** null (no cursor yet) starts a full round; an unreadable cursor does too, which a full sync repairs. */
export function decodeGoogleCursor(raw: string | null): GoogleCursor {
  if (raw === null) return { mode: 'full' };
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(raw) as unknown);
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  return { mode: 'full' };
}
