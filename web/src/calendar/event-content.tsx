/** How one event reads in the grid: a lock on provider (read-only) events, a repeat mark on series, "Private" blocks. */
import type { EventApi } from '@fullcalendar/react';
import { isRecurring, metaOf } from './to-events';

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

export function EventContent({ event, timeText }: { event: EventApi; timeText: string }) {
  const meta = metaOf(event.extendedProps);
  const appointment = meta?.kind === 'full' ? meta.appointment : null;
  return (
    <div style={{ display: 'flex', gap: 3, alignItems: 'center', overflow: 'hidden', fontSize: 12 }} data-testid="calendar-event">
      {meta?.kind === 'full' && !meta.editable && <LockIcon />}
      {appointment && isRecurring(appointment) && <RepeatIcon />}
      {timeText && <span>{timeText}</span>}
      <span style={{ fontWeight: 600, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{event.title}</span>
    </div>
  );
}
