/**
 * Fills a mailbox with the shared deterministic content (sim/common/seed.ts): messages into Inbox /
 * Sent Items, and events — series with one moved and one cancelled occurrence — created through the
 * same Graph handlers a client uses, so seeded state is indistinguishable from user-made state.
 */
import { seedEvents, seedMessages, type SeedEvent } from '../common/seed';
import { instantOf, occurrenceId } from './graph/event-view';
import type { SimState } from './state';

export interface MicrosoftSeedOptions {
  messages: number;
  events: number;
  seed: number;
  /** IANA zone the seeded events are scheduled in (default America/Chicago). */
  timeZone?: string;
}

export type OwnerCall = (mailbox: string, method: string, url: string, body?: unknown) => Promise<unknown>;

const weekdayNames: Record<string, string> = { SU: 'sunday', MO: 'monday', TU: 'tuesday', WE: 'wednesday', TH: 'thursday', FR: 'friday', SA: 'saturday' };

function graphTime(local: string, timeZone: string): { dateTime: string; timeZone: string } {
  return { dateTime: local.length === 10 ? `${local}T00:00:00` : local, timeZone };
}

function graphEvent(e: SeedEvent): Record<string, unknown> {
  const body: Record<string, unknown> = {
    subject: e.subject,
    body: { contentType: 'text', content: e.body },
    location: { displayName: e.location },
    start: graphTime(e.start, e.timeZone),
    end: graphTime(e.end, e.timeZone),
    isAllDay: e.allDay,
    sensitivity: e.sensitivity,
    showAs: e.showAs,
    attendees: e.attendees.map((a) => ({ type: a.type, emailAddress: { name: a.name, address: a.address } })),
  };
  const r = e.recurrence;
  if (r) {
    body.recurrence = {
      pattern:
        r.freq === 'DAILY'
          ? { type: 'daily', interval: r.interval }
          : { type: 'weekly', interval: r.interval, daysOfWeek: (r.byDay ?? []).map((d) => weekdayNames[d] ?? 'monday'), firstDayOfWeek: 'sunday' },
      range: { type: 'numbered', startDate: e.start.slice(0, 10), numberOfOccurrences: r.count },
    };
  }
  return body;
}

export async function seedMailbox(state: SimState, asOwner: OwnerCall, address: string, options: MicrosoftSeedOptions): Promise<void> {
  const box = state.mailbox(address);
  const now = state.clock.now();
  const inbox = state.wellKnown(box, 'inbox').id;
  const sent = state.wellKnown(box, 'sentitems').id;
  for (const m of seedMessages({ seed: options.seed, count: options.messages, mailbox: box.address, now })) {
    const stored = await state.insertMessage(box, m.direction === 'out' ? sent : inbox, m.raw, { isRead: m.direction === 'out' });
    stored.receivedDateTime = m.date.toISOString();
  }
  const window = { start: new Date(now.getTime() - 10 * 86_400_000), end: new Date(now.getTime() + 60 * 86_400_000) };
  const timeZone = options.timeZone ?? 'America/Chicago';
  for (const e of seedEvents({ seed: options.seed, count: options.events, window, timeZone, mailbox: box.address })) {
    const created = (await asOwner(box.address, 'POST', '/me/events', graphEvent(e))) as { id: string };
    const r = e.recurrence;
    if (!r) continue;
    const movedId = occurrenceId(created.id, instantOf({ dateTime: r.moved.originalStart, timeZone }));
    await asOwner(box.address, 'PATCH', `/me/events/${movedId}`, { start: graphTime(r.moved.start, timeZone), end: graphTime(r.moved.end, timeZone) });
    const cancelledId = occurrenceId(created.id, instantOf({ dateTime: r.cancelled.originalStart, timeZone }));
    await asOwner(box.address, 'DELETE', `/me/events/${cancelledId}`);
  }
}
