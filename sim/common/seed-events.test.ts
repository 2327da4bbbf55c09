import { describe, expect, it } from 'vitest';
import { localToInstant, seedEvents } from './seed-events';

const window = { start: new Date('2026-10-23T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') };

describe('localToInstant', () => {
  it.each([
    ['2026-11-02T09:00:00', 'America/Chicago', '2026-11-02T15:00:00.000Z'], // CST after the 1 Nov change
    ['2026-07-01T09:00', 'America/Chicago', '2026-07-01T14:00:00.000Z'], // CDT
    ['2026-03-08T02:30:00', 'America/Chicago', '2026-03-08T08:30:00.000Z'], // skipped hour resolves forward
    ['2026-11-02T09:00:00', 'Asia/Tokyo', '2026-11-02T00:00:00.000Z'],
    ['2026-11-02', 'Europe/Berlin', '2026-11-01T23:00:00.000Z'],
  ])('%s in %s is %s', (local, zone, iso) => {
    expect(localToInstant(local, zone).toISOString()).toBe(iso);
  });

  it('rejects text that is not a local date-time', () => {
    expect(() => localToInstant('2026-11-02T09:00:00Z', 'UTC')).toThrow(RangeError);
  });
});

describe('seedEvents', () => {
  const events = seedEvents({ seed: 11, count: 80, window, timeZone: 'America/Chicago', mailbox: 'ben@greenleaf.example' });

  it('is deterministic and seed-dependent', () => {
    expect(seedEvents({ seed: 11, count: 80, window, timeZone: 'America/Chicago', mailbox: 'ben@greenleaf.example' })).toEqual(events);
    expect(seedEvents({ seed: 12, count: 80, window, timeZone: 'America/Chicago' })).not.toEqual(events);
  });

  it('keeps every event inside the window with end after start', () => {
    for (const e of events) {
      const start = localToInstant(e.start, e.timeZone);
      const end = localToInstant(e.end, e.timeZone);
      expect(start.getTime(), e.uid).toBeGreaterThanOrEqual(window.start.getTime());
      expect(end.getTime(), e.uid).toBeLessThanOrEqual(window.end.getTime());
      expect(end.getTime()).toBeGreaterThan(start.getTime());
      expect(e.allDay ? /^\d{4}-\d{2}-\d{2}$/.test(e.start) : /T\d{2}:\d{2}:00$/.test(e.start)).toBe(true);
      expect(e.organizer.address).toBe('ben@greenleaf.example');
      expect(e.attendees.some((a) => a.address === 'ben@greenleaf.example')).toBe(false);
    }
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
  });

  it('mixes all-day, private, confidential and recurring events', () => {
    expect(events.some((e) => e.allDay)).toBe(true);
    expect(events.some((e) => e.sensitivity === 'private')).toBe(true);
    expect(events.some((e) => e.sensitivity === 'confidential')).toBe(true);
    expect(events.some((e) => e.recurrence?.freq === 'WEEKLY')).toBe(true);
    expect(events.some((e) => e.recurrence?.freq === 'DAILY')).toBe(true);
  });

  it('gives each series a moved and a cancelled occurrence that belong to the series', () => {
    const series = events.filter((e) => e.recurrence);
    expect(series.length).toBeGreaterThan(3);
    for (const e of series) {
      const r = e.recurrence;
      if (!r) continue;
      const step = (r.freq === 'WEEKLY' ? 7 : 1) * 86_400_000;
      const first = Date.parse(`${e.start}Z`);
      const occurrenceIndex = (local: string) => (Date.parse(`${local}Z`) - first) / step;
      expect(occurrenceIndex(r.moved.originalStart)).toBe(1);
      expect(occurrenceIndex(r.cancelled.originalStart)).toBe(2);
      expect(r.count).toBeGreaterThanOrEqual(4);
      expect(r.moved.start).not.toBe(r.moved.originalStart);
      // A moved occurrence keeps its duration and stays before the next occurrence (Outlook's rule).
      expect(Date.parse(`${r.moved.end}Z`) - Date.parse(`${r.moved.start}Z`)).toBe(Date.parse(`${e.end}Z`) - first);
      expect(Date.parse(`${r.moved.start}Z`)).toBeLessThan(first + 2 * step);
      expect(r.rrule).toBe(`FREQ=${r.freq}${r.byDay ? `;BYDAY=${r.byDay.join(',')}` : ''};COUNT=${r.count}`);
    }
  });

  it('schedules timed events on weekdays', () => {
    for (const e of events.filter((x) => !x.allDay)) {
      const day = new Date(`${e.start.slice(0, 10)}T00:00:00Z`).getUTCDay();
      expect([0, 6], e.start).not.toContain(day);
    }
  });
});
