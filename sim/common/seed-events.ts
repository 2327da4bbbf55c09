/**
 * Deterministic calendar content as neutral specs (local wall-clock times + an IANA zone) that each
 * simulator translates into its own model: Graph patternedRecurrence + Windows zone names, Calendar
 * v3 RRULE lines, EWS WeeklyRecurrence. Every recurring series carries one moved and one cancelled
 * occurrence, because that is where sync code usually breaks.
 */
import { zoneOffsetMs as offsetAt } from '../../src/domain/zoned-time';
import { pick, seededRandom } from './random';
import { coworkers, customers, eventTitles, locations } from './seed-content';
import type { SeedAddress } from './seed-mime';

export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
const weekdays: readonly Weekday[] = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

export interface SeedRecurrence {
  freq: 'DAILY' | 'WEEKLY';
  interval: number;
  /** WEEKLY only: the weekday of the first occurrence. */
  byDay?: Weekday[];
  count: number;
  /** RFC 5545 RRULE value without the "RRULE:" prefix, e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=8. */
  rrule: string;
  /** One occurrence moved: its original local start and its new local start/end. */
  moved: { originalStart: string; start: string; end: string };
  /** One occurrence cancelled, by original local start. */
  cancelled: { originalStart: string };
}

export interface SeedEvent {
  /** Stable id usable as iCalUID. */
  uid: string;
  subject: string;
  location: string;
  body: string;
  /** Local wall-clock 'YYYY-MM-DDTHH:mm:ss' in `timeZone`, or 'YYYY-MM-DD' for all-day events. */
  start: string;
  /** Exclusive end, same form as start (all-day: the day after the last day). */
  end: string;
  timeZone: string;
  allDay: boolean;
  sensitivity: 'normal' | 'private' | 'confidential';
  showAs: 'busy' | 'free' | 'tentative';
  organizer: SeedAddress;
  attendees: Array<SeedAddress & { type: 'required' | 'optional' }>;
  recurrence?: SeedRecurrence;
}

export interface SeedEventsOptions {
  seed: number;
  count: number;
  window: { start: Date; end: Date };
  /** IANA zone the events are scheduled in, e.g. America/Chicago. */
  timeZone: string;
  /** Organizer of the events (default ava@greenleaf.example). */
  mailbox?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar date (y, m, d) of an instant as seen in a zone. */
function zonedDate(instant: Date, timeZone: string): { y: number; m: number; d: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), m: get('month'), d: get('day') };
}

const zoneOffsetMs = (instant: Date, timeZone: string): number => offsetAt(timeZone, instant.getTime());

/**
 * The instant of a local wall-clock time ('YYYY-MM-DDTHH:mm[:ss]' or 'YYYY-MM-DD') in an IANA zone.
 * A time skipped by a DST jump resolves forward, as calendar servers do.
 */
export function localToInstant(local: string, timeZone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(local);
  if (!m) throw new RangeError(`not a local date-time: ${local}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  const second = wall - zoneOffsetMs(new Date(guess), timeZone);
  if (second !== guess) guess = Math.max(guess, second);
  return new Date(guess);
}

function addDays(date: { y: number; m: number; d: number }, days: number): Date {
  return new Date(Date.UTC(date.y, date.m - 1, date.d + days));
}

function dateText(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function localText(day: Date, minutes: number): string {
  return `${dateText(day)}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00`;
}

export function seedEvents(options: SeedEventsOptions): SeedEvent[] {
  const rnd = seededRandom(options.seed ^ 0x5eed_e7e7);
  const { window, timeZone } = options;
  const organizerAddress = (options.mailbox ?? 'ava@greenleaf.example').toLowerCase();
  const organizer = coworkers.find((c) => c.address === organizerAddress) ?? { name: organizerAddress.split('@')[0] ?? '', address: organizerAddress };
  const first = zonedDate(window.start, timeZone);
  const spanDays = Math.floor((window.end.getTime() - window.start.getTime()) / 86_400_000);
  // Keep a day of margin at both ends so zone offsets never push an event outside the window.
  const usable = Math.max(1, spanDays - 2);
  const events: SeedEvent[] = [];

  for (let i = 0; i < options.count; i++) {
    let day = addDays(first, (spanDays > 2 ? 1 : 0) + Math.floor(rnd() * usable));
    const allDay = rnd() < 0.1;
    // Field crews work weekdays: timed events falling on a weekend move to the Monday after.
    if (!allDay && (day.getUTCDay() === 0 || day.getUTCDay() === 6)) {
      const shift = day.getUTCDay() === 6 ? 2 : 1;
      const shifted = new Date(day.getTime() + shift * 86_400_000);
      if (localToInstant(dateText(shifted), timeZone).getTime() + 86_400_000 < window.end.getTime()) day = shifted;
    }
    const startMin = (7 + Math.floor(rnd() * 10)) * 60 + (rnd() < 0.5 ? 0 : 30);
    const duration = 30 * (1 + Math.floor(rnd() * 6));
    const sensRoll = rnd();
    const sensitivity = sensRoll < 0.15 ? 'private' : sensRoll < 0.2 ? 'confidential' : 'normal';
    const attendees = [...customers, ...coworkers]
      .filter((a) => a.address !== organizer.address)
      .filter(() => rnd() < 0.12)
      .slice(0, 4)
      .map((a) => ({ ...a, type: rnd() < 0.8 ? ('required' as const) : ('optional' as const) }));
    const start = allDay ? dateText(day) : localText(day, startMin);
    const end = allDay ? dateText(new Date(day.getTime() + 86_400_000)) : localText(day, startMin + duration);

    let recurrence: SeedRecurrence | undefined;
    if (!allDay && rnd() < 0.2) {
      const weekly = rnd() < 0.7;
      const count = 4 + Math.floor(rnd() * 6);
      const step = weekly ? 7 : 1;
      const occurrence = (k: number) => new Date(day.getTime() + k * step * 86_400_000);
      const byDay = weekly ? [weekdays[day.getUTCDay()] as Weekday] : undefined;
      // Moving an occurrence past its neighbour is refused by Outlook; weekly moves a day, daily two hours.
      const movedDay = weekly ? new Date(occurrence(1).getTime() + 86_400_000) : occurrence(1);
      const movedStart = weekly ? startMin : startMin + 120;
      recurrence = {
        freq: weekly ? 'WEEKLY' : 'DAILY',
        interval: 1,
        byDay,
        count,
        rrule: `FREQ=${weekly ? 'WEEKLY' : 'DAILY'}${byDay ? `;BYDAY=${byDay.join(',')}` : ''};COUNT=${count}`,
        moved: { originalStart: localText(occurrence(1), startMin), start: localText(movedDay, movedStart), end: localText(movedDay, movedStart + duration) },
        cancelled: { originalStart: localText(occurrence(2), startMin) },
      };
    }

    events.push({
      uid: `seed-${options.seed}-${i}-${Math.floor(rnd() * 0xffffffff).toString(16)}@greenleaf.example`,
      subject: pick(rnd, eventTitles),
      location: pick(rnd, locations),
      body: rnd() < 0.5 ? 'Bring the trailer and the backpack blowers. Gate code is on the work ticket.' : '',
      start,
      end,
      timeZone,
      allDay,
      sensitivity,
      showAs: allDay ? 'free' : rnd() < 0.1 ? 'tentative' : 'busy',
      organizer,
      attendees,
      recurrence,
    });
  }
  return events.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}
