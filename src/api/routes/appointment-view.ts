/** Appointment rows → the domain shape the rules and the privacy projection reason about, and → API views. */
import { z } from 'zod';
import type { Appointment as DomainAppointment } from '../../domain/appointment-types';
import type { Appointment } from '../../store/repos/appointments';

const fullAppointment = z.object({
  id: z.string(),
  ownerUserId: z.string(),
  createdByUserId: z.string().nullable(),
  subject: z.string(),
  location: z.string().nullable(),
  bodyText: z.string().nullable(),
  startAt: z.string(),
  endAt: z.string(),
  startLocal: z.string(),
  endLocal: z.string(),
  timeZone: z.string(),
  allDay: z.boolean(),
  sensitivity: z.string(),
  showAs: z.string().nullable(),
  attendees: z.array(z.object({ email: z.string(), name: z.string().optional(), response: z.string().optional() })),
  origin: z.enum(['crm', 'provider']),
  readOnly: z.boolean(),
  kind: z.enum(['single', 'series_master', 'occurrence', 'exception']),
  seriesId: z.string().nullable(),
  recurrenceRule: z.string().nullable(),
  cancelled: z.boolean(),
  canEdit: z.boolean(),
  /** Sync state for the UI: pushed to the provider yet? */
  synced: z.boolean(),
});

export const appointmentViewSchema = z.union([
  z.object({ visibility: z.literal('full'), appointment: fullAppointment }),
  z.object({
    visibility: z.literal('busy'),
    subject: z.literal('Private'),
    ownerUserId: z.string(),
    startAt: z.string(),
    endAt: z.string(),
    startLocal: z.string(),
    endLocal: z.string(),
    timeZone: z.string(),
    allDay: z.boolean(),
    showAs: z.string(),
  }),
]);

export function toDomainAppointment(row: Appointment): DomainAppointment {
  return {
    id: row.id,
    companyId: row.companyId,
    ownerUserId: row.ownerUserId,
    ...(row.createdByUserId ? { createdByUserId: row.createdByUserId } : {}),
    origin: row.origin,
    kind: row.kind,
    subject: row.subject,
    ...(row.location ? { location: row.location } : {}),
    ...(row.body ? { bodyText: row.body } : {}),
    startAt: row.startAt.toISOString(),
    endAt: row.endAt.toISOString(),
    startLocal: row.startLocal,
    endLocal: row.endLocal,
    timeZone: row.timeZone,
    allDay: row.allDay,
    sensitivity: row.sensitivity,
    ...(row.showAs ? { showAs: row.showAs } : {}),
    attendees: row.attendees,
    cancelled: row.cancelled,
  };
}

export function toFullView(row: Appointment, canEdit: boolean): z.infer<typeof appointmentViewSchema> {
  return {
    visibility: 'full',
    appointment: {
      id: row.id,
      ownerUserId: row.ownerUserId,
      createdByUserId: row.createdByUserId,
      subject: row.subject,
      location: row.location,
      bodyText: row.body,
      startAt: row.startAt.toISOString(),
      endAt: row.endAt.toISOString(),
      startLocal: row.startLocal,
      endLocal: row.endLocal,
      timeZone: row.timeZone,
      allDay: row.allDay,
      sensitivity: row.sensitivity,
      showAs: row.showAs,
      attendees: row.attendees,
      origin: row.origin,
      readOnly: row.readOnly || row.origin === 'provider',
      kind: row.kind,
      seriesId: row.seriesId,
      recurrenceRule: row.recurrenceRule,
      cancelled: row.cancelled,
      canEdit,
      synced: row.providerId !== null,
    },
  };
}
