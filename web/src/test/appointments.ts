/** Appointment answers for the web tests. */
import type { Appointment } from '../api/schemas';

export function appointment(overrides: Partial<Appointment> = {}): Appointment {
  return {
    id: 'ap-1',
    ownerUserId: 'u-ann',
    subject: 'Viewing at Elm Street',
    location: '12 Elm Street',
    bodyText: null,
    startAt: '2026-11-26T09:00:00.000Z',
    endAt: '2026-11-26T10:00:00.000Z',
    startLocal: '2026-11-26T09:00:00',
    endLocal: '2026-11-26T10:00:00',
    timeZone: 'UTC',
    allDay: false,
    sensitivity: 'normal',
    attendees: [],
    origin: 'crm',
    readOnly: false,
    kind: 'single',
    seriesId: null,
    cancelled: false,
    canEdit: true,
    ...overrides,
  };
}
