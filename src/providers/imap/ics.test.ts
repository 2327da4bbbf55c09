import { describe, expect, it } from 'vitest';
import type { EventInput } from '../provider';
import { readCalendarObject } from './ics-read';
import { uidForTandemId, writeEventIcs } from './ics-write';

const window = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z') };
const resource = { href: '/alice/calendar/series.ics', etag: '"e1"' };

// Weekly on Thursdays 09:00 Berlin, across the 25 Oct 2026 change; 22 Oct moved to 14:00, 29 Oct cancelled.
const series = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:STANDARD',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
  'BEGIN:VEVENT',
  'UID:weekly-1',
  'DTSTAMP:20261001T000000Z',
  'DTSTART;TZID=Europe/Berlin:20261015T090000',
  'DTEND;TZID=Europe/Berlin:20261015T100000',
  'RRULE:FREQ=WEEKLY;COUNT=4',
  'EXDATE;TZID=Europe/Berlin:20261029T090000',
  'SUMMARY:Weekly review',
  'CLASS:PRIVATE',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly-1',
  'DTSTAMP:20261001T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20261022T090000',
  'DTSTART;TZID=Europe/Berlin:20261022T140000',
  'DTEND;TZID=Europe/Berlin:20261022T150000',
  'SUMMARY:Weekly review (moved)',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('readCalendarObject', () => {
  it('expands a series across DST with a moved and a cancelled instance', () => {
    const events = readCalendarObject(series, resource, window);
    const master = events.find((e) => e.kind === 'seriesMaster');
    expect(master).toMatchObject({ providerId: resource.href, sensitivity: 'private', recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', exdates: ['2026-10-29T08:00:00.000Z'] } });
    const instances = events.filter((e) => e.kind !== 'seriesMaster').map((e) => [e.kind, e.originalStart, e.start.local, e.subject]);
    expect(instances).toEqual([
      ['occurrence', '2026-10-15T07:00:00.000Z', '2026-10-15T09:00:00', 'Weekly review'],
      ['exception', '2026-10-22T07:00:00.000Z', '2026-10-22T14:00:00', 'Weekly review (moved)'],
      // After the change to CET the wall-clock time stays 09:00, the UTC instant moves by an hour.
      ['occurrence', '2026-11-05T08:00:00.000Z', '2026-11-05T09:00:00', 'Weekly review'],
    ]);
    expect(events.every((e) => e.start.timeZone === 'Europe/Berlin')).toBe(true);
    expect(events.find((e) => e.kind === 'exception')?.seriesMasterId).toBe(resource.href);
  });

  it('leaves out instances outside the window', () => {
    const narrow = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z') };
    expect(readCalendarObject(series, resource, narrow).map((e) => e.kind)).toEqual(['seriesMaster', 'occurrence']);
  });
});

describe('writeEventIcs', () => {
  const input: EventInput = {
    tandemId: 'appt-42',
    subject: 'Site visit; bring plans, keys',
    bodyText: 'Line one\nLine two',
    location: 'Hauptstraße 1',
    start: { local: '2026-11-03T09:00:00', timeZone: 'Europe/Berlin' },
    end: { local: '2026-11-03T10:30:00', timeZone: 'Europe/Berlin' },
    allDay: false,
    sensitivity: 'confidential',
    attendees: [{ email: 'bob@example.test', name: 'Bob, Builder', response: 'accepted' }],
  };

  it('round-trips through the reader with our id, zone and escaping intact', () => {
    const ics = writeEventIcs(input, { uid: uidForTandemId(input.tandemId), sequence: 0, now: new Date('2026-11-02T09:00:00Z') });
    const [event] = readCalendarObject(ics, { href: '/c/x.ics', etag: '"1"' }, window);
    expect(event).toMatchObject({
      kind: 'single',
      tandemId: 'appt-42',
      iCalUid: 'tandem-appt-42',
      subject: input.subject,
      bodyText: input.bodyText,
      location: input.location,
      start: input.start,
      end: input.end,
      sensitivity: 'confidential',
      attendees: [{ email: 'bob@example.test', name: 'Bob, Builder', response: 'accepted' }],
    });
    expect(ics).toContain('BEGIN:VTIMEZONE');
  });

  it('writes all-day events as dates', () => {
    const allDay = { ...input, allDay: true, start: { local: '2026-11-03', timeZone: 'Europe/Berlin' }, end: { local: '2026-11-04', timeZone: 'Europe/Berlin' } };
    const ics = writeEventIcs(allDay, { uid: 'u', sequence: 0, now: new Date('2026-11-02T09:00:00Z') });
    expect(ics).toContain('DTSTART;VALUE=DATE:20261103');
    const [event] = readCalendarObject(ics, { href: '/c/y.ics', etag: '"1"' }, window);
    expect(event).toMatchObject({ allDay: true, start: { local: '2026-11-03' }, end: { local: '2026-11-04' } });
  });
});
