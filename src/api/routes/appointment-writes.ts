/**
 * The CRM side of an appointment write: the row and the outbox entry that tells the provider, both
 * in the caller's transaction (invariant 2: nothing outbound is lost or doubled; the idempotency key
 * names the version, so a repeat of the same write is one delivery). The appointment routes write
 * through these, and so do the calendar tests, so both write exactly what the product writes.
 */
import type { AppointmentInput, ValidAppointmentTimes } from '../../domain/appointments';
import type { Store } from '../../store/db';
import type { Appointment } from '../../store/repos/appointments';
import type { Scope } from '../../store/repos/common';

export interface NewCrmAppointment {
  ownerUserId: string;
  createdByUserId: string;
  input: AppointmentInput;
  /** validateAppointmentInput(input): the caller maps its rule errors before the transaction. */
  times: ValidAppointmentTimes;
  /** The account pushing the owner's calendar; null keeps the appointment in Tandem only. */
  accountId: string | null;
  now: Date;
}

function fieldsOf(input: AppointmentInput, times: ValidAppointmentTimes) {
  return {
    subject: input.subject,
    location: input.location ?? null,
    body: input.bodyText ?? null,
    startAt: new Date(times.startAt),
    endAt: new Date(times.endAt),
    startLocal: input.startLocal,
    endLocal: input.endLocal,
    timeZone: input.timeZone,
    allDay: input.allDay,
    sensitivity: input.sensitivity ?? 'normal',
    attendees: input.attendees ?? [],
  };
}

async function enqueueEventWrite(tx: Store, scope: Scope, row: Appointment, accountId: string, now: Date): Promise<void> {
  await tx.repos.outbox.enqueue(scope, {
    kind: row.providerId ? 'update_event' : 'create_event',
    accountId,
    appointmentId: row.id,
    payload: { appointmentId: row.id, version: row.version },
    idempotencyKey: `appointment:${row.id}:v${row.version}`,
    now,
  });
}

export async function createCrmAppointment(tx: Store, scope: Scope, a: NewCrmAppointment): Promise<Appointment> {
  const row = await tx.repos.appointments.create(scope, {
    ownerUserId: a.ownerUserId,
    createdByUserId: a.createdByUserId,
    ...fieldsOf(a.input, a.times),
    origin: 'crm',
    readOnly: false,
    kind: 'single',
    accountId: a.accountId,
    now: a.now,
  });
  if (row.accountId) await enqueueEventWrite(tx, scope, row, row.accountId, a.now);
  return row;
}

/**
 * Cancels a CRM appointment. One never pushed is simply deleted; a pushed one is kept (cancelled)
 * until the provider confirms, so the reconciler can tell our delete from theirs.
 */
export async function cancelCrmAppointment(tx: Store, scope: Scope, current: Appointment, now: Date): Promise<void> {
  if (!current.accountId) {
    await tx.repos.appointments.delete(scope, current.id);
    return;
  }
  const cancelled = await tx.repos.appointments.update(scope, current.id, { cancelled: true }, { now, expectedVersion: current.version });
  await tx.repos.outbox.enqueue(scope, {
    kind: 'delete_event',
    accountId: current.accountId,
    appointmentId: current.id,
    payload: { appointmentId: current.id, version: cancelled.version, providerId: current.providerId, etag: current.etag },
    idempotencyKey: `appointment:${current.id}:delete`,
    now,
  });
}

/** Writes `input` over `current` (optimistic on its version); a row not yet at the provider is created there. */
export async function updateCrmAppointment(tx: Store, scope: Scope, current: Appointment, input: AppointmentInput, times: ValidAppointmentTimes, now: Date): Promise<Appointment> {
  const updated = await tx.repos.appointments.update(scope, current.id, fieldsOf(input, times), { now, expectedVersion: current.version });
  if (updated.accountId) await enqueueEventWrite(tx, scope, updated, updated.accountId, now);
  return updated;
}
