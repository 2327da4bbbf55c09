/**
 * Another client writes an event between our PUT and our read-back GET (real Radicale): what we
 * record must be the ETag of our own write, or that client's edit would look already seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRadicale, type RadicaleServer } from '../../../test/support/servers/radicale';
import { FakeClock } from '../../domain/clock';
import { appointment } from '../contract/contract-fixtures';
import type { CalendarAbility, FetchLike } from '../provider';
import { createCalDavCalendar } from './caldav-calendar';
import { CalDavClient } from './caldav-client';

const user = { user: 'racer', password: 'pw-racer' };
const window = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };

describe('caldav write answered while another client writes', () => {
  let radicale: RadicaleServer;
  let calendarUrl: string;
  let calendar: CalendarAbility;
  /** The other client's write, run once our next PUT of that href is answered, before we read it back. */
  const afterNextPut = new Map<string, () => Promise<void>>();

  beforeAll(async () => {
    radicale = await startRadicale({ users: [user] });
    calendarUrl = await radicale.createCalendar(user.user);
    const fetchRacing: FetchLike = async (input, init) => {
      const res = await fetch(input, init);
      const hook = init?.method === 'PUT' && res.ok ? afterNextPut.get(String(input)) : undefined;
      if (hook) {
        afterNextPut.delete(String(input));
        await hook();
      }
      return res;
    };
    const clock = new FakeClock('2026-11-02T09:00:00Z');
    calendar = createCalDavCalendar({ dav: new CalDavClient({ url: calendarUrl, user: user.user, pass: user.password }, fetchRacing, clock), clock, organizer: 'racer@tandem.test' });
  });
  afterAll(async () => {
    await radicale?.stop();
  });

  /** The calendar app renames the event (GET, edit, PUT: no precondition). */
  async function renameInApp(href: string, subject: string): Promise<void> {
    const auth = radicale.authHeader(user.user);
    const ics = await (await fetch(href, { headers: { authorization: auth } })).text();
    const res = await fetch(href, { method: 'PUT', headers: { authorization: auth, 'content-type': 'text/calendar' }, body: ics.replace(/^SUMMARY:.*$/m, `SUMMARY:${subject}`) });
    expect(res.ok).toBe(true);
  }

  it('an update keeps the ETag it wrote, so the other edit stays visible as a change', async () => {
    const made = await calendar.createEvent(appointment('race-1'));
    afterNextPut.set(made.providerId, () => renameInApp(made.providerId, 'Renamed in the app'));
    const updated = await calendar.updateEvent(made.providerId, made.etag, appointment('race-1', { subject: 'Ours' }));
    const now = await calendar.findByTandemId?.('race-1', window);
    expect(now?.subject).toBe('Renamed in the app');
    expect(updated.etag).not.toBe(now?.etag);
    // Our etag names our write: writing again with it is refused, as the app's edit deserves.
    await expect(calendar.updateEvent(made.providerId, updated.etag, appointment('race-1', { subject: 'Ours again' }))).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('a create does the same', async () => {
    const href = `${calendarUrl}tandem-race-2.ics`;
    afterNextPut.set(href, () => renameInApp(href, 'Renamed in the app'));
    const made = await calendar.createEvent(appointment('race-2'));
    expect(made.providerId).toBe(href);
    const now = await calendar.findByTandemId?.('race-2', window);
    expect(now?.subject).toBe('Renamed in the app');
    expect(made.etag).not.toBe(now?.etag);
  });
});
