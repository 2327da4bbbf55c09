/**
 * Appointment rules: who may change what, what a valid appointment is, and how a write that lost a
 * race against the provider is recorded. Pure; the API and the calendar reconciler call these before
 * touching the store or the outbox.
 */
import type { Appointment, Attendee, Sensitivity } from './appointment-types';
import { localToUtc } from './zoned-time';

export const appointmentRuleCodes = ['read_only', 'recurring_not_supported', 'not_allowed', 'invalid'] as const;
export type AppointmentRuleCode = (typeof appointmentRuleCodes)[number];

export class AppointmentRuleError extends Error {
  override name = 'AppointmentRuleError';
  constructor(
    readonly code: AppointmentRuleCode,
    message: string,
    /** The input field at fault, for `invalid`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface Actor {
  userId: string;
}

/** What the API accepts to create or change a CRM appointment. */
export interface AppointmentInput {
  subject: string;
  location?: string;
  bodyText?: string;
  /** "2026-11-03T09:00:00" in timeZone, or "2026-11-03" when all-day (end exclusive). */
  startLocal: string;
  endLocal: string;
  timeZone: string;
  allDay: boolean;
  sensitivity?: Sensitivity;
  attendees?: Attendee[];
  /** Present when a client tries to make a series; always refused. */
  recurrence?: unknown;
}

export interface ValidAppointmentTimes {
  startAt: string;
  endAt: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const MAX_SUBJECT = 255;

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.trim() !== '';
  } catch {
    return false;
  }
}

/** Rejects calendar nonsense the regexes let through (2026-02-30, 25:00). */
function validLocal(value: string): boolean {
  const day = value.slice(0, 10);
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) return false;
  const [h = 0, m = 0, s = 0] = value.slice(11).split(':').map(Number);
  return h < 24 && m < 60 && s < 60;
}

/** Refuses what Tandem will not write, and returns the UTC bounds of a valid appointment. */
export function validateAppointmentInput(input: AppointmentInput): ValidAppointmentTimes {
  if (input.recurrence !== undefined && input.recurrence !== null) {
    throw new AppointmentRuleError(
      'recurring_not_supported',
      'Tandem does not create recurring series. Create the series in your calendar (Outlook, Google); it will appear here.',
      'recurrence',
    );
  }
  if (input.subject.trim() === '') throw new AppointmentRuleError('invalid', 'A subject is required', 'subject');
  if (input.subject.length > MAX_SUBJECT) throw new AppointmentRuleError('invalid', `The subject is longer than ${MAX_SUBJECT} characters`, 'subject');
  if (!isIanaZone(input.timeZone)) throw new AppointmentRuleError('invalid', `Unknown time zone "${input.timeZone}"`, 'timeZone');
  const shape = input.allDay ? DATE : DATE_TIME;
  for (const field of ['startLocal', 'endLocal'] as const) {
    const value = input[field];
    if (!shape.test(value) || !validLocal(value)) {
      throw new AppointmentRuleError('invalid', input.allDay ? `An all-day ${field} must be a date (YYYY-MM-DD)` : `${field} must be a local date-time`, field);
    }
  }
  const startAt = input.allDay ? new Date(`${input.startLocal}T00:00:00Z`) : localToUtc(input.startLocal, input.timeZone);
  const endAt = input.allDay ? new Date(`${input.endLocal}T00:00:00Z`) : localToUtc(input.endLocal, input.timeZone);
  if (endAt.getTime() <= startAt.getTime()) throw new AppointmentRuleError('invalid', 'The end must be after the start', 'endLocal');
  return { startAt: startAt.toISOString(), endAt: endAt.toISOString() };
}

/**
 * Provider-made events are mirrored read-only (their organiser owns them at the provider); a CRM
 * appointment may be changed by the user who made it or the user whose calendar holds it.
 */
export function assertCanEdit(actor: Actor, appointment: Pick<Appointment, 'origin' | 'ownerUserId' | 'createdByUserId' | 'kind'>): void {
  if (appointment.origin === 'provider') {
    throw new AppointmentRuleError('read_only', 'This appointment was made in the calendar provider and is read-only in Tandem.');
  }
  if (appointment.kind !== 'single') {
    throw new AppointmentRuleError('recurring_not_supported', 'Recurring series are edited in the calendar provider, not in Tandem.');
  }
  if (actor.userId !== appointment.ownerUserId && actor.userId !== appointment.createdByUserId) {
    throw new AppointmentRuleError('not_allowed', 'Only the owner or the creator of an appointment may change it.');
  }
}

export function canEdit(actor: Actor, appointment: Pick<Appointment, 'origin' | 'ownerUserId' | 'createdByUserId' | 'kind'>): boolean {
  try {
    assertCanEdit(actor, appointment);
    return true;
  } catch {
    return false;
  }
}

/** The fields a user edits; a pending change is a subset of them. */
export type AppointmentChange = Partial<Pick<Appointment, 'subject' | 'location' | 'bodyText' | 'startLocal' | 'endLocal' | 'timeZone' | 'allDay' | 'sensitivity' | 'attendees'>>;

export interface PendingChange {
  appointmentId: string;
  actorUserId: string;
  change: AppointmentChange;
  /** The provider etag the change was based on. */
  baseEtag?: string;
}

export interface HistoryEntry {
  appointmentId: string;
  at: string;
  actorUserId: string;
  what: 'conflict_overwritten';
  /** What the user tried to write, kept so nothing typed is lost silently. */
  attemptedChange: AppointmentChange;
  /** The provider version that won. */
  providerEtag: string;
}

export interface ConflictResolution<P> {
  /** The provider's version is the truth: store it as it is. */
  winner: P;
  history: HistoryEntry;
}

/**
 * The provider changed the event after our change was queued (412 on If-Match). The provider wins
 * — the person who changed it there acted later than the queue — and the user's attempted change
 * becomes a history entry they can reapply.
 */
export function resolveConflict<P extends { etag: string }>(pending: PendingChange, providerVersion: P, now: Date): ConflictResolution<P> {
  return {
    winner: providerVersion,
    history: {
      appointmentId: pending.appointmentId,
      at: now.toISOString(),
      actorUserId: pending.actorUserId,
      what: 'conflict_overwritten',
      attemptedChange: pending.change,
      providerEtag: providerVersion.etag,
    },
  };
}
