/** Test helper: a complete appointment with overridable fields. */
import type { Appointment } from './appointment-types';

export function makeAppointment(overrides: Partial<Appointment> = {}): Appointment {
  return {
    id: 'appt-1',
    companyId: 'co-1',
    ownerUserId: 'u-owner',
    createdByUserId: 'u-owner',
    origin: 'crm',
    kind: 'single',
    subject: 'Site visit at 12 Elm St',
    location: '12 Elm St',
    bodyText: 'Bring the lease papers',
    startAt: '2026-11-03T08:00:00.000Z',
    endAt: '2026-11-03T09:00:00.000Z',
    startLocal: '2026-11-03T09:00:00',
    endLocal: '2026-11-03T10:00:00',
    timeZone: 'Europe/Berlin',
    allDay: false,
    sensitivity: 'normal',
    showAs: 'busy',
    attendees: [{ email: 'client@example.com', name: 'Client' }],
    accountId: 'acc-1',
    providerId: 'AAMkAGI2',
    etag: 'W/"abc"',
    iCalUid: '040000008200E000',
    regarding: { type: 'property', id: 'prop-1' },
    ...overrides,
  };
}
