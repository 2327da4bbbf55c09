/** Issue 7's calendar scenarios against a real Radicale through the IMAP/CalDAV provider. */
import { afterAll, beforeAll } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import { startRadicale, type RadicaleServer } from '../support/servers/radicale';
import { caldavSide } from './caldav-side';
import { calendarWorld, startOfTest } from './calendar-harness';
import { calendarScenarios } from './calendar-scenarios';

const users = Array.from({ length: 24 }, (_, i) => ({ user: `cal${i + 1}`, password: `pw-${i + 1}` }));
let radicale: RadicaleServer;
let nextUser = 0;

beforeAll(async () => {
  radicale = await startRadicale({ users });
});
afterAll(async () => {
  await radicale.stop();
});

calendarScenarios('CalDAV', async (t) => {
  const user = users[nextUser++];
  if (!user) throw new Error('raise the number of Radicale users');
  const calendarUrl = await radicale.createCalendar(user.user);
  const clock = new FakeClock(startOfTest);
  const side = caldavSide(radicale, user, calendarUrl, clock);
  return { world: await calendarWorld(t.db, side.setup, { clock }), side };
});
