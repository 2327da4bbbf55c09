import { describe, expect, it } from 'vitest';
import { isProviderError } from '../errors';
import { appointment } from '../contract/contract-fixtures';
import { utcToLocal } from '../../domain/zoned-time';
import { tandemPropertyId, toGraphEventBody, toProviderEvent, type GraphEvent } from './event-mapping';

const base: GraphEvent = {
  '@odata.etag': 'W/"ck1"',
  id: 'AAMk1',
  type: 'singleInstance',
  subject: 'Review',
  start: { dateTime: '2026-11-10T08:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2026-11-10T09:00:00.0000000', timeZone: 'UTC' },
  originalStartTimeZone: 'W. Europe Standard Time',
  originalEndTimeZone: 'W. Europe Standard Time',
  isAllDay: false,
  sensitivity: 'private',
  showAs: 'tentative',
  body: { contentType: 'html', content: '<p>Bring the <b>quote</b> &amp; plans</p>' },
  organizer: { emailAddress: { address: 'ava@contoso.example', name: 'Ava' } },
  attendees: [
    { emailAddress: { address: 'carol@client.test', name: 'Carol' }, status: { response: 'tentativelyAccepted' } },
    { emailAddress: { address: 'dave@client.test' }, status: { response: 'notResponded' } },
  ],
};

describe('toProviderEvent', () => {
  it('shows every minute around offset changes exactly as the uncached conversion does', () => {
    // Berlin's spring and autumn changes, Adelaide's half-hour zone, Lord Howe's half-hour DST step.
    const cases = [
      ['W. Europe Standard Time', 'Europe/Berlin', '2026-03-29T00:00:00Z'],
      ['W. Europe Standard Time', 'Europe/Berlin', '2026-10-25T00:00:00Z'],
      ['Cen. Australia Standard Time', 'Australia/Adelaide', '2026-04-04T15:00:00Z'],
      ['Lord Howe Standard Time', 'Australia/Lord_Howe', '2026-10-03T14:00:00Z'],
    ] as const;
    for (const [windows, iana, from] of cases) {
      for (let m = 0; m < 4 * 60; m += 7) {
        const instant = new Date(Date.parse(from) + m * 60_000 + 13_000);
        const dateTime = instant.toISOString().slice(0, 19);
        const e = toProviderEvent({ ...base, start: { dateTime, timeZone: 'UTC' }, originalStartTimeZone: windows, originalEndTimeZone: windows });
        expect(e.start).toEqual({ local: utcToLocal(instant, iana), timeZone: iana });
      }
    }
  });

  it('shows UTC answers in the zone the event was made in, with the rest of the fields', () => {
    const e = toProviderEvent({ ...base, singleValueExtendedProperties: [{ id: tandemPropertyId.toLowerCase(), value: 'appt-9' }] });
    expect(e).toMatchObject({
      providerId: 'AAMk1',
      etag: 'W/"ck1"',
      kind: 'single',
      start: { local: '2026-11-10T09:00:00', timeZone: 'Europe/Berlin' },
      end: { local: '2026-11-10T10:00:00', timeZone: 'Europe/Berlin' },
      sensitivity: 'private',
      showAs: 'tentative',
      bodyText: 'Bring the quote & plans',
      organizer: { email: 'ava@contoso.example', name: 'Ava' },
      tandemId: 'appt-9',
    });
    expect(e.attendees).toEqual([
      { email: 'carol@client.test', name: 'Carol', response: 'tentative' },
      { email: 'dave@client.test', response: 'none' },
    ]);
  });

  it('keeps a caller zone that is the same Windows zone, and falls back to UTC for custom zones', () => {
    expect(toProviderEvent(base, 'Europe/Amsterdam').start.timeZone).toBe('Europe/Amsterdam');
    expect(toProviderEvent(base, 'America/Chicago').start.timeZone).toBe('Europe/Berlin');
    expect(toProviderEvent({ ...base, originalStartTimeZone: 'tzone://Microsoft/Custom' }).start).toEqual({ local: '2026-11-10T08:00:00', timeZone: 'UTC' });
  });

  it('maps occurrences, exceptions and masters', () => {
    const occ = toProviderEvent({ ...base, id: 'occ', type: 'exception', seriesMasterId: 'm1', originalStart: '2026-10-22T07:00:00Z' });
    expect(occ).toMatchObject({ kind: 'exception', seriesMasterId: 'm1', originalStart: '2026-10-22T07:00:00.000Z' });
    const master = toProviderEvent({
      ...base,
      type: 'seriesMaster',
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] }, range: { type: 'numbered', startDate: '2026-10-15', numberOfOccurrences: 4 } },
    });
    expect(master.recurrence).toEqual({ rrule: 'FREQ=WEEKLY;BYDAY=TH;COUNT=4', exdates: [] });
  });

  it('keeps all-day bounds as dates', () => {
    const e = toProviderEvent({ ...base, isAllDay: true, start: { dateTime: '2026-11-10T00:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2026-11-11T00:00:00.0000000', timeZone: 'UTC' } });
    expect([e.start.local, e.end.local, e.allDay]).toEqual(['2026-11-10', '2026-11-11', true]);
  });
});

describe('toGraphEventBody', () => {
  it('writes Windows zone names, our extended property and attendees', () => {
    const body = toGraphEventBody(appointment('t-1', { sensitivity: 'private' }));
    expect(body).toMatchObject({
      subject: 'Appointment t-1',
      start: { dateTime: '2026-11-10T09:00:00', timeZone: 'W. Europe Standard Time' },
      sensitivity: 'private',
      attendees: [{ type: 'required', emailAddress: { address: 'carol@client.test', name: 'Carol Client' } }],
      singleValueExtendedProperties: [{ id: tandemPropertyId, value: 't-1' }],
    });
  });

  it('puts all-day bounds at midnight and refuses a zone Graph cannot name', () => {
    const allDay = toGraphEventBody(appointment('t-2', { allDay: true, start: { local: '2026-11-10', timeZone: 'Europe/Berlin' }, end: { local: '2026-11-11', timeZone: 'Europe/Berlin' } }));
    expect(allDay.start).toEqual({ dateTime: '2026-11-10T00:00:00', timeZone: 'W. Europe Standard Time' });
    let caught: unknown;
    try {
      toGraphEventBody(appointment('t-3', { start: { local: '2026-11-10T09:00:00', timeZone: 'Mars/Olympus' } }));
    } catch (e) {
      caught = e;
    }
    expect(isProviderError(caught) && caught.kind).toBe('invalid_input');
  });
});
