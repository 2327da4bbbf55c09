/**
 * Fills a mailbox with the shared deterministic content (sim/common/seed): messages into Inbox or
 * Sent Items by direction, events (with each series' moved and cancelled occurrence) into Calendar.
 */
import { localToInstant, seedEvents, seedMessages, type SeedEvent, type SeedProfile } from '../common/seed';
import { createCalendarItem, deleteOccurrence, modifyOccurrence, type ParsedItemFields } from './calendar';
import type { Attendee, FreeBusy, Mailbox, Sensitivity } from './model';
import { dayNames, type Recurrence } from './recurrence';
import type { ExchangeStore } from './store';
import { windowsIdFor } from './timezones';

export interface SeedOptions {
  seed: number;
  messages?: number;
  events?: number;
  profile?: SeedProfile;
  /** IANA zone the events are scheduled in (default America/Chicago). */
  timeZone?: string;
}

export interface SeedResult {
  messageIds: string[];
  eventIds: string[];
}

const sensitivity: Record<SeedEvent['sensitivity'], Sensitivity> = { normal: 'Normal', private: 'Private', confidential: 'Confidential' };
const freeBusy: Record<SeedEvent['showAs'], FreeBusy> = { busy: 'Busy', free: 'Free', tentative: 'Tentative' };
const weekday = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 } as const;

function recurrenceOf(e: SeedEvent): Recurrence | undefined {
  const r = e.recurrence;
  if (!r) return undefined;
  const range = { type: 'Numbered' as const, startDate: e.start.slice(0, 10), count: r.count };
  if (r.freq === 'DAILY') return { pattern: { type: 'Daily', interval: r.interval }, range };
  const days = (r.byDay ?? []).map((d) => dayNames[weekday[d]]).join(' ');
  return { pattern: { type: 'Weekly', interval: r.interval, days, firstDayOfWeek: 'Sunday' }, range };
}

function fieldsOf(e: SeedEvent, windowsZone: string): ParsedItemFields {
  const attendees = (type: 'required' | 'optional'): Attendee[] => e.attendees.filter((a) => a.type === type).map((a) => ({ email: a.address, name: a.name }));
  const recurrence = recurrenceOf(e);
  return {
    calendar: {
      uid: e.uid,
      subject: e.subject,
      location: e.location,
      body: e.body,
      start: localToInstant(e.start, e.timeZone).getTime(),
      end: localToInstant(e.end, e.timeZone).getTime(),
      isAllDay: e.allDay,
      sensitivity: sensitivity[e.sensitivity],
      freeBusy: freeBusy[e.showAs],
      startTimeZone: windowsZone,
      endTimeZone: windowsZone,
      required: attendees('required'),
      optional: attendees('optional'),
      ...(recurrence ? { recurrence } : {}),
    },
    extended: [],
    touched: [],
  };
}

export function seedMailbox(store: ExchangeStore, mb: Mailbox, options: SeedOptions): SeedResult {
  const messageIds: string[] = [];
  const eventIds: string[] = [];
  const now = store.clock.now();
  if (options.messages) {
    const inbox = store.distinguished(mb, 'inbox').id;
    const sent = store.distinguished(mb, 'sentitems').id;
    for (const m of seedMessages({ seed: options.seed, count: options.messages, mailbox: mb.address, now, ...(options.profile ? { profile: options.profile } : {}) })) {
      const out = m.direction === 'out';
      messageIds.push(store.addMessage(mb, out ? sent : inbox, Buffer.from(m.raw), { isRead: out }).id);
    }
  }
  if (options.events) {
    const timeZone = options.timeZone ?? 'America/Chicago';
    const windowsZone = windowsIdFor(timeZone);
    const calendar = store.distinguished(mb, 'calendar').id;
    const window = { start: new Date(now.getTime() - 10 * 86_400_000), end: new Date(now.getTime() + 60 * 86_400_000) };
    for (const e of seedEvents({ seed: options.seed, count: options.events, window, timeZone, mailbox: mb.address })) {
      const item = createCalendarItem(store, mb, calendar, fieldsOf(e, windowsZone));
      const r = e.recurrence;
      if (r) {
        const moved = localToInstant(r.moved.originalStart, e.timeZone).getTime();
        modifyOccurrence(store, mb, item, moved, {
          calendar: { start: localToInstant(r.moved.start, e.timeZone).getTime(), end: localToInstant(r.moved.end, e.timeZone).getTime() },
          extended: [],
          touched: [],
        });
        deleteOccurrence(store, mb, item, localToInstant(r.cancelled.originalStart, e.timeZone).getTime());
      }
      eventIds.push(item.id);
    }
  }
  return { messageIds, eventIds };
}
