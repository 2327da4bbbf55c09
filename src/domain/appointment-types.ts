/**
 * The appointment as the domain reasons about it. Mirrors the store's appointments row in the
 * fields the rules need; the repository maps rows to this shape.
 */
export const sensitivities = ['normal', 'personal', 'private', 'confidential'] as const;
export type Sensitivity = (typeof sensitivities)[number];

export const appointmentKinds = ['single', 'series_master', 'occurrence', 'exception'] as const;
export type AppointmentKind = (typeof appointmentKinds)[number];

/** crm: made in Tandem (editable, pushed to the provider); provider: made at the provider (read-only). */
export type AppointmentOrigin = 'crm' | 'provider';

export interface Attendee {
  email: string;
  name?: string;
  response?: 'none' | 'accepted' | 'tentative' | 'declined';
}

export interface Appointment {
  id: string;
  companyId: string;
  /** The user whose calendar holds it. */
  ownerUserId: string;
  /** The user who made it in Tandem (crm origin). */
  createdByUserId?: string;
  origin: AppointmentOrigin;
  kind: AppointmentKind;
  subject: string;
  location?: string;
  bodyText?: string;
  /** UTC instants (ISO 8601). For all-day events: midnight UTC of the first day / the day after the last. */
  startAt: string;
  endAt: string;
  /** Wall-clock start / end in `timeZone` ("2026-11-03T09:00:00"), or dates ("2026-11-03") when all-day. */
  startLocal: string;
  endLocal: string;
  timeZone: string;
  allDay: boolean;
  sensitivity: Sensitivity;
  showAs?: 'free' | 'busy' | 'tentative' | 'oof' | 'workingElsewhere';
  attendees: Attendee[];
  cancelled?: boolean;
  /** Provider-side identity: never shown to someone who only sees a busy block. */
  accountId?: string;
  providerId?: string;
  etag?: string;
  iCalUid?: string;
  seriesId?: string;
  /** Regarding is kept opaque here; see regarding.ts. */
  regarding?: { type: string; id: string } | null;
}
