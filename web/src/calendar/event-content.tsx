/** How one event reads in the grid: a lock on provider (read-only) events, a repeat mark on series, "Private" blocks. */
import type { EventApi } from '@fullcalendar/react';
import { isRecurring, metaOf } from './to-events';

/** Below this a timed event is one text line high in the week grid: room for its start time and title, not a range. */
export const SHORT_EVENT_MS = 45 * 60_000;

export function LockIcon() {
  return (
    <svg width="11" height="11" viewBox="0 0 16 16" role="img" aria-label="Read-only" style={{ flex: 'none' }}>
      <path fill="currentColor" d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 1 0-4 0v2z" />
    </svg>
  );
}

export function RepeatIcon() {
  return (
    <svg width="11" height="11" viewBox="0 0 16 16" role="img" aria-label="Recurring" style={{ flex: 'none' }}>
      <path fill="currentColor" d="M3 6a5 5 0 0 1 9-2.4V2h2v5H9V5h1.9A3 3 0 0 0 5 6H3zm10 4a5 5 0 0 1-9 2.4V14H2V9h5v2H5.1A3 3 0 0 0 11 10h2z" />
    </svg>
  );
}

/**
 * The time shown on an event. FullCalendar hands a range ("11:30 – 12:00"); in a short event the
 * range used to wrap onto three lines and the box, one line high, showed only the middle "–". A
 * short event shows its start, as calendar apps do; the range is still in the tooltip.
 */
export function eventTimeLabel(timeText: string, event: Pick<EventApi, 'allDay' | 'start' | 'end'>): string {
  if (!timeText || event.allDay || !event.start || !event.end) return timeText;
  if (event.end.getTime() - event.start.getTime() >= SHORT_EVENT_MS) return timeText;
  // Intl's range formats join start and end with an en dash (or a hyphen) between spaces.
  return timeText.split(/\s[–-]\s/)[0]?.trim() ?? timeText;
}

export function EventContent({ event, timeText }: { event: EventApi; timeText: string }) {
  const meta = metaOf(event.extendedProps);
  const appointment = meta?.kind === 'full' ? meta.appointment : null;
  const time = eventTimeLabel(timeText, event);
  const short = time !== timeText;
  return (
    <div
      style={{ display: 'flex', flexWrap: short ? 'nowrap' : 'wrap', columnGap: 3, alignItems: 'center', overflow: 'hidden', fontSize: 12 }}
      data-testid="calendar-event"
      title={timeText ? `${timeText} ${event.title}` : event.title}
    >
      {meta?.kind === 'full' && !meta.editable && <LockIcon />}
      {appointment && isRecurring(appointment) && <RepeatIcon />}
      {time && (
        <span data-testid="calendar-event-time" style={{ whiteSpace: 'nowrap', flex: 'none' }}>
          {time}
        </span>
      )}
      <span style={{ fontWeight: 600, flex: '1 1 auto', minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{event.title}</span>
    </div>
  );
}
