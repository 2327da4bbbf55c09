import { describe, expect, it } from 'vitest';
import { makeAppointment } from './appointment-fixture';
import { AppointmentRuleError, assertCanEdit, canEdit, resolveConflict, validateAppointmentInput, type AppointmentInput } from './appointments';

const timed: AppointmentInput = { subject: 'Viewing', startLocal: '2026-11-03T09:00:00', endLocal: '2026-11-03T10:00', timeZone: 'Europe/Berlin', allDay: false };
const allDay: AppointmentInput = { subject: 'Trade fair', startLocal: '2026-11-03', endLocal: '2026-11-05', timeZone: 'Europe/Berlin', allDay: true };

function ruleError(fn: () => unknown): AppointmentRuleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppointmentRuleError) return e;
    throw e;
  }
  throw new Error('expected an AppointmentRuleError');
}

describe('validateAppointmentInput', () => {
  it('returns UTC bounds of a timed appointment in its zone', () => {
    expect(validateAppointmentInput(timed)).toEqual({ startAt: '2026-11-03T08:00:00.000Z', endAt: '2026-11-03T09:00:00.000Z' });
  });

  it('keeps all-day bounds as dates (UTC midnight, end exclusive)', () => {
    expect(validateAppointmentInput(allDay)).toEqual({ startAt: '2026-11-03T00:00:00.000Z', endAt: '2026-11-05T00:00:00.000Z' });
  });

  it.each([
    ['end before start', { ...timed, endLocal: '2026-11-03T08:00:00' }, 'endLocal'],
    ['end equal to start', { ...timed, endLocal: timed.startLocal }, 'endLocal'],
    ['all-day with times', { ...allDay, startLocal: '2026-11-03T00:00:00' }, 'startLocal'],
    ['all-day ending the day it starts', { ...allDay, endLocal: '2026-11-03' }, 'endLocal'],
    ['timed with dates only', { ...timed, startLocal: '2026-11-03' }, 'startLocal'],
    ['impossible date', { ...timed, startLocal: '2026-02-30T09:00:00' }, 'startLocal'],
    ['impossible hour', { ...timed, endLocal: '2026-11-03T25:00:00' }, 'endLocal'],
    ['unknown zone', { ...timed, timeZone: 'Pacific Standard Time' }, 'timeZone'],
    ['empty subject', { ...timed, subject: '  ' }, 'subject'],
  ])('refuses %s', (_name, input, field) => {
    expect(ruleError(() => validateAppointmentInput(input))).toMatchObject({ code: 'invalid', field });
  });

  it('refuses to create a recurring series, saying where to do it', () => {
    const err = ruleError(() => validateAppointmentInput({ ...timed, recurrence: { rrule: 'FREQ=WEEKLY' } }));
    expect(err.code).toBe('recurring_not_supported');
    expect(err.message).toMatch(/does not create recurring series/);
  });
});

describe('who may edit', () => {
  const owner = { userId: 'u-owner' };
  const creator = { userId: 'u-assistant' };
  const other = { userId: 'u-other' };
  const crm = makeAppointment({ createdByUserId: 'u-assistant' });

  it.each([
    ['owner, CRM appointment', owner, crm, null],
    ['creator, CRM appointment', creator, crm, null],
    ['someone else, CRM appointment', other, crm, 'not_allowed'],
    ['owner, provider-made appointment', owner, makeAppointment({ origin: 'provider' }), 'read_only'],
    ['owner, occurrence of a series', owner, makeAppointment({ kind: 'occurrence' }), 'recurring_not_supported'],
  ] as const)('%s', (_name, actor, appt, code) => {
    if (code === null) {
      expect(() => assertCanEdit(actor, appt)).not.toThrow();
      expect(canEdit(actor, appt)).toBe(true);
    } else {
      expect(ruleError(() => assertCanEdit(actor, appt)).code).toBe(code);
      expect(canEdit(actor, appt)).toBe(false);
    }
  });
});

describe('resolveConflict', () => {
  it('lets the provider win and records the attempted change', () => {
    const provider = { providerId: 'AAMk', etag: 'W/"v7"', subject: 'Moved by the client' };
    const result = resolveConflict(
      { appointmentId: 'appt-1', actorUserId: 'u-owner', change: { subject: 'Our title', startLocal: '2026-11-03T11:00:00' }, baseEtag: 'W/"v6"' },
      provider,
      new Date('2026-11-02T09:00:00Z'),
    );
    expect(result.winner).toBe(provider);
    expect(result.history).toEqual({
      appointmentId: 'appt-1',
      at: '2026-11-02T09:00:00.000Z',
      actorUserId: 'u-owner',
      what: 'conflict_overwritten',
      attemptedChange: { subject: 'Our title', startLocal: '2026-11-03T11:00:00' },
      providerEtag: 'W/"v7"',
    });
  });
});
