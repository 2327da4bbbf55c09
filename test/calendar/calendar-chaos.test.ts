/** The calendar chaos run against a real Radicale through the IMAP/CalDAV provider. */
import { afterAll, beforeAll } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import { startRadicale, type RadicaleServer } from '../support/servers/radicale';
import { caldavSide } from './caldav-side';
import { calendarChaos } from './calendar-chaos';
import { calendarWorld, startOfTest } from './calendar-harness';

const users = [1, 2].map((i) => ({ user: `chaos${i}`, password: `pw-${i}` }));
let radicale: RadicaleServer;
beforeAll(async () => {
  radicale = await startRadicale({ users });
});
afterAll(async () => {
  await radicale.stop();
});

let calendars = 0;
calendarChaos('CalDAV', async (t, index, options) => {
  const user = users[index] ?? users[0];
  if (!user) throw new Error('no user');
  const clock = new FakeClock(startOfTest);
  const side = caldavSide(radicale, user, await radicale.createCalendar(user.user, `calendar-${++calendars}`), clock);
  return { world: await calendarWorld(t.db, side.setup, { clock, ...options }), side };
});
