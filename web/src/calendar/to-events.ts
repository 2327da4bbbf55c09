/**
 * Appointment views → FullCalendar events. Pure: what a block shows is decided by the server's privacy
 * projection; this only draws it (busy blocks carry no id, subject or details to draw).
 */
import type { EventInput } from '@fullcalendar/react';
import type { Appointment, AppointmentView } from '../api/schemas';

export const calendarColors = ['#1c7ed6', '#2f9e44', '#e8590c', '#9c36b5', '#0c8599', '#c2255c', '#5c940d', '#f08c00'];
export const BUSY_COLOR = '#868e96';

export type EventMeta = { kind: 'busy'; ownerUserId: string } | { kind: 'full'; appointment: Appointment; editable: boolean };

/** A Tandem-made single appointment the server says we may change; provider events and series parts are read-only here. */
export function isEditable(a: Appointment): boolean {
  return a.origin === 'crm' && a.readOnly !== true && a.canEdit !== false && a.kind === 'single';
}

export function isRecurring(a: Appointment): boolean {
  return a.kind === 'occurrence' || a.kind === 'exception' || a.kind === 'series_master';
}

function dateOnly(local: string): string {
  return local.slice(0, 10);
}

export function toEvents(views: AppointmentView[], colorOf: (userId: string) => string): EventInput[] {
  const events: EventInput[] = [];
  views.forEach((v, i) => {
    if (v.visibility === 'busy') {
      events.push({
        id: `busy-${v.ownerUserId}-${v.startAt}-${i}`,
        title: v.subject,
        start: v.allDay ? dateOnly(v.startAt) : v.startAt,
        end: v.allDay ? dateOnly(v.endAt) : v.endAt,
        allDay: v.allDay,
        // FullCalendar 7 reads `color` and `className` (backgroundColor, borderColor and classNames are gone).
        color: BUSY_COLOR,
        className: 'tandem-busy',
        extendedProps: { meta: { kind: 'busy', ownerUserId: v.ownerUserId } satisfies EventMeta },
      });
      return;
    }
    const a = v.appointment;
    // Cancelled occurrences are exceptions the provider removed from the series; not shown.
    if (a.cancelled) return;
    const color = colorOf(a.ownerUserId);
    events.push({
      id: a.id,
      title: a.subject || '(no subject)',
      start: a.allDay ? dateOnly(a.startLocal) : a.startAt,
      end: a.allDay ? dateOnly(a.endLocal) : a.endAt,
      allDay: a.allDay,
      color,
      className: a.origin === 'provider' ? 'tandem-provider' : '',
      extendedProps: { meta: { kind: 'full', appointment: a, editable: isEditable(a) } satisfies EventMeta },
    });
  });
  return events;
}

export function metaOf(extendedProps: Record<string, unknown>): EventMeta | null {
  const meta = extendedProps['meta'];
  return typeof meta === 'object' && meta !== null && 'kind' in meta ? (meta as EventMeta) : null;
}
