import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ews, startFixture, type SimFixture } from './test-helpers';

let fx: SimFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx.sim.close();
});

const tandemIdProp = new ews.ExtendedPropertyDefinition(ews.DefaultExtendedPropertySet.PublicStrings, 'TandemId', ews.MapiPropertyType.String);
const NOV = [new ews.DateTime('2026-11-01T00:00:00Z'), new ews.DateTime('2026-12-01T00:00:00Z')] as const;

async function calendarView(service: ews.ExchangeService, from: ews.DateTime, to: ews.DateTime, max = 100) {
  return service.FindAppointments(ews.WellKnownFolderName.Calendar, new ews.CalendarView(from, to, max));
}

function iso(d: ews.DateTime): string {
  return d.ToISOString().replace(/\.\d{3}Z$/, 'Z');
}

describe('recurring series made through EWS', () => {
  let masterId: ews.ItemId;

  it('creates a weekly series with sensitivity, time zone and Tandem extended property', async () => {
    const service = fx.service();
    const a = new ews.Appointment(service);
    a.Subject = 'Site visit';
    // 10:00 in Berlin (CET, UTC+1) on Tuesday 3 November 2026.
    a.Start = new ews.DateTime('2026-11-03T09:00:00Z');
    a.End = new ews.DateTime('2026-11-03T10:00:00Z');
    a.StartTimeZone = ews.TimeZoneInfo.FindSystemTimeZoneById('W. Europe Standard Time');
    a.Sensitivity = ews.Sensitivity.Private;
    a.Location = 'Main St 1';
    // The library's typings only declare the no-argument constructor.
    const pattern = new ews.Recurrence.WeeklyPattern();
    pattern.StartDate = new ews.DateTime('2026-11-03');
    pattern.Interval = 1;
    pattern.DaysOfTheWeek.AddRange([ews.DayOfTheWeek.Tuesday, ews.DayOfTheWeek.Thursday]);
    pattern.NumberOfOccurrences = 10;
    a.Recurrence = pattern;
    a.SetExtendedProperty(tandemIdProp, 'appt-42');
    await a.Save(ews.WellKnownFolderName.Calendar, ews.SendInvitationsMode.SendToNone);
    masterId = a.Id;

    const props = new ews.PropertySet(ews.BasePropertySet.FirstClassProperties, [tandemIdProp]);
    const back = await ews.Appointment.Bind(service, masterId, props);
    expect(back.AppointmentType).toBe(ews.AppointmentType.RecurringMaster);
    expect(back.Sensitivity).toBe(ews.Sensitivity.Private);
    expect(back.ExtendedProperties.Count).toBe(1);
    expect(back.ExtendedProperties._getItem(0).Value).toBe('appt-42');
    expect(fx.sim.handle.events(ALICE)[0]).toMatchObject({ startTimeZone: 'W. Europe Standard Time', extended: { TandemId: 'appt-42' } });
  });

  it('expands occurrences in CalendarView with a moved and a deleted occurrence', async () => {
    const service = fx.service();
    const moved = await ews.Appointment.BindToOccurrence(service, masterId, 2);
    moved.Start = new ews.DateTime('2026-11-05T14:00:00Z');
    moved.End = new ews.DateTime('2026-11-05T15:00:00Z');
    await moved.Update(ews.ConflictResolutionMode.AutoResolve, ews.SendInvitationsOrCancellationsMode.SendToNone);
    const gone = await ews.Appointment.BindToOccurrence(service, masterId, 3);
    await gone.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);

    const view = await calendarView(service, ...NOV);
    const items = view.Items;
    // Ten occurrences from 3 Nov (Tue/Thu); eight fall in November, the one on 10 Nov is deleted,
    // the one on 5 Nov moved to 14:00 UTC.
    expect(items.map((i) => iso(i.Start))).toEqual([
      '2026-11-03T09:00:00Z',
      '2026-11-05T14:00:00Z',
      '2026-11-12T09:00:00Z',
      '2026-11-17T09:00:00Z',
      '2026-11-19T09:00:00Z',
      '2026-11-24T09:00:00Z',
      '2026-11-26T09:00:00Z',
    ]);
    expect(items.map((i) => i.AppointmentType)).toEqual([
      ews.AppointmentType.Occurrence,
      ews.AppointmentType.Exception,
      ...Array.from({ length: 5 }, () => ews.AppointmentType.Occurrence),
    ]);

    const master = await ews.Appointment.Bind(service, masterId, new ews.PropertySet(ews.BasePropertySet.FirstClassProperties, [ews.AppointmentSchema.ModifiedOccurrences, ews.AppointmentSchema.DeletedOccurrences]));
    expect(master.ModifiedOccurrences.Count).toBe(1);
    expect(master.DeletedOccurrences.Count).toBe(1);
    expect(iso(master.DeletedOccurrences._getItem(0).OriginalStart)).toBe('2026-11-10T09:00:00Z');
  });

  it('truncates a CalendarView at MaxEntriesReturned and says so', async () => {
    const view = await calendarView(fx.service(), NOV[0], NOV[1], 3);
    expect(view.Items).toHaveLength(3);
    expect(view.MoreAvailable).toBe(true);
    expect(view.TotalCount).toBe(7);
  });
});
