/**
 * What the calendar feature stores as its cursor: the provider's opaque cursor plus the window it
 * was made for and whether it sits in the middle of a full sync. Providers bake the window into
 * their tokens (Graph calendarView delta), so a moved window starts a new full sync; a full sync
 * interrupted between pages starts over, because the "delete what was not seen" sweep needs every
 * page of one round.
 */
import { z } from 'zod';
import type { CalendarWindow } from '../../providers/provider';

const envelopeSchema = z.object({
  v: z.literal(1),
  window: z.tuple([z.iso.datetime(), z.iso.datetime()]),
  round: z.enum(['full', 'delta']),
  cursor: z.string(),
});

export interface CalendarCursor {
  window: CalendarWindow;
  /** 'full': more pages of a full sync follow; 'delta': the cursor continues incremental changes. */
  round: 'full' | 'delta';
  cursor: string;
}

export function encodeCalendarCursor(c: CalendarCursor): string {
  return JSON.stringify({ v: 1, window: [c.window.start.toISOString(), c.window.end.toISOString()], round: c.round, cursor: c.cursor });
}

/** Unreadable (an older format, a hand edit) counts as no cursor: a full sync repairs it. */
export function decodeCalendarCursor(raw: string | null): CalendarCursor | null {
  if (raw === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return null;
  const [start, end] = parsed.data.window;
  return { window: { start: new Date(start), end: new Date(end) }, round: parsed.data.round, cursor: parsed.data.cursor };
}

/** The provider cursor to continue from, or null for a full sync of `window`. */
export function resumeFrom(stored: CalendarCursor | null, window: CalendarWindow, fullResync: boolean): string | null {
  if (fullResync || !stored || stored.round !== 'delta') return null;
  const same = stored.window.start.getTime() === window.start.getTime() && stored.window.end.getTime() === window.end.getTime();
  return same ? stored.cursor : null;
}
