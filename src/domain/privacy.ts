/**
 * THE privacy projection. Every calendar read passes each appointment through `projectAppointment`
 * before it leaves the domain: the viewer either sees full details or a "Private" busy block with the
 * same times and nothing else (no subject, location, body, attendees, nor any id that could be used
 * to fetch or correlate the details).
 */
import type { Appointment } from './appointment-types';

export interface Viewer {
  userId: string;
  companyId: string;
}

export type CalendarPrivacy = 'public' | 'private';

export interface OwnerCalendar {
  privacy: CalendarPrivacy;
  /** Users the owner shares a Private calendar with. */
  sharedWith: ReadonlySet<string>;
}

export const PRIVATE_SUBJECT = 'Private';

/** Only the times and whose calendar it is: nothing that describes or identifies the event. */
export type BusyBlock = Pick<Appointment, 'ownerUserId' | 'startAt' | 'endAt' | 'startLocal' | 'endLocal' | 'timeZone' | 'allDay'> & {
  visibility: 'busy';
  subject: typeof PRIVATE_SUBJECT;
  showAs: NonNullable<Appointment['showAs']>;
};

export type AppointmentView = { visibility: 'full'; appointment: Appointment } | BusyBlock;

export class PrivacyError extends Error {
  override name = 'PrivacyError';
  readonly code = 'cross_company';
}

/** Why a viewer may see details; null → busy block. Exported for the API's explanations and tests. */
export function detailAccess(viewer: Viewer, appointment: Appointment, calendar: OwnerCalendar): 'owner' | 'public' | 'shared' | null {
  if (viewer.userId === appointment.ownerUserId) return 'owner';
  // Outlook shows share recipients the details of non-private events only (Graph, "Share or delegate
  // a calendar in Outlook"); Google's visibility private/confidential hides details likewise. Tandem
  // treats both markings as a block to everyone but the owner; "personal" is only a label and
  // follows the calendar's setting.
  if (appointment.sensitivity === 'private' || appointment.sensitivity === 'confidential') return null;
  if (calendar.privacy === 'public') return 'public';
  return calendar.sharedWith.has(viewer.userId) ? 'shared' : null;
}

export function projectAppointment(viewer: Viewer, appointment: Appointment, calendar: OwnerCalendar): AppointmentView {
  // Tenant isolation is the repository's job; refusing here too means a scoping bug cannot leak.
  if (viewer.companyId !== appointment.companyId) throw new PrivacyError('appointment belongs to another company');
  if (detailAccess(viewer, appointment, calendar) !== null) return { visibility: 'full', appointment };
  return {
    visibility: 'busy',
    subject: PRIVATE_SUBJECT,
    ownerUserId: appointment.ownerUserId,
    startAt: appointment.startAt,
    endAt: appointment.endAt,
    startLocal: appointment.startLocal,
    endLocal: appointment.endLocal,
    timeZone: appointment.timeZone,
    allDay: appointment.allDay,
    // A "free" item stays free so the block does not invent busy time; anything else reads as busy.
    showAs: appointment.showAs === 'free' ? 'free' : 'busy',
  };
}

/** Projects a list read from one or more owners' calendars. An owner without a calendar entry is Private. */
export function projectAppointments(
  viewer: Viewer,
  appointments: readonly Appointment[],
  calendars: ReadonlyMap<string, OwnerCalendar>,
): AppointmentView[] {
  const closed: OwnerCalendar = { privacy: 'private', sharedWith: new Set() };
  return appointments.map((a) => projectAppointment(viewer, a, calendars.get(a.ownerUserId) ?? closed));
}
