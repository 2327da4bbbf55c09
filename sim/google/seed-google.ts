/** Fills a simulated Google mailbox from the shared deterministic seed (sim/common/seed.ts). */
import type { calendar_v3 } from '@googleapis/calendar';
import { localToUtc } from '../../src/domain/zoned-time';
import { seedEvents, seedMessages, type SeedEvent } from '../common/seed';
import { instanceId } from './calendar-model';
import type { CalendarStore } from './calendar-store';
import type { GmailStore } from './gmail-store';
import type { GoogleMailbox } from './state';

export interface GoogleSeedOptions {
  messages: number;
  events: number;
  seed: number;
  /** Default: 10 days back to 60 days ahead of the simulator clock (Tandem's sync window). */
  window?: { start: Date; end: Date };
  timeZone?: string;
  profile?: 'mixed' | 'small';
}

const visibilityOf: Record<SeedEvent['sensitivity'], string> = { normal: 'default', private: 'private', confidential: 'confidential' };

function timeOf(local: string, ev: SeedEvent): calendar_v3.Schema$EventDateTime {
  return ev.allDay ? { date: local.slice(0, 10) } : { dateTime: local, timeZone: ev.timeZone };
}

export function seedMailbox(mb: GoogleMailbox, gmail: GmailStore, calendar: CalendarStore, now: Date, opts: GoogleSeedOptions): void {
  for (const m of seedMessages({ seed: opts.seed, count: opts.messages, mailbox: mb.address, now, profile: opts.profile })) {
    const labelIds = m.direction === 'out' ? ['SENT'] : ['INBOX', 'UNREAD'];
    gmail.addMessage(mb, Buffer.from(m.raw), { labelIds, internalDate: m.date.getTime() });
  }
  const window = opts.window ?? { start: new Date(now.getTime() - 10 * 86_400_000), end: new Date(now.getTime() + 60 * 86_400_000) };
  for (const ev of seedEvents({ seed: opts.seed, count: opts.events, window, timeZone: opts.timeZone ?? 'America/Chicago', mailbox: mb.address })) {
    const created = calendar.insert(mb, {
      summary: ev.subject,
      location: ev.location,
      description: ev.body,
      start: timeOf(ev.start, ev),
      end: timeOf(ev.end, ev),
      visibility: visibilityOf[ev.sensitivity],
      transparency: ev.showAs === 'free' ? 'transparent' : 'opaque',
      attendees: ev.attendees.map((a) => ({ email: a.address, displayName: a.name, optional: a.type === 'optional' })),
      recurrence: ev.recurrence ? [`RRULE:${ev.recurrence.rrule}`] : undefined,
    });
    const rec = ev.recurrence;
    if (!rec || !created.id) continue;
    const key = (local: string): string => (ev.allDay ? local.slice(0, 10) : localToUtc(local, ev.timeZone).toISOString());
    calendar.patch(mb, instanceId(created.id, key(rec.moved.originalStart), ev.allDay), { start: timeOf(rec.moved.start, ev), end: timeOf(rec.moved.end, ev) });
    calendar.delete(mb, instanceId(created.id, key(rec.cancelled.originalStart), ev.allDay));
  }
}
