/** Issue 7's calendar scenarios against the Google simulator through the Calendar v3 adapter. */
import { afterAll, beforeAll } from 'vitest';
import { connect, startGoogleTestEnv, type GoogleTestEnv } from '../../src/providers/google/google-test-harness';
import { calendarWorld } from './calendar-harness';
import { calendarScenarios } from './calendar-scenarios';
import { googleSide } from './google-side';

const mailboxes = Array.from({ length: 24 }, (_, i) => ({ address: `cal${i + 1}@greenleaf.example`, password: `pw-cal-${i + 1}` }));
let env: GoogleTestEnv;
let next = 0;

beforeAll(async () => {
  env = await startGoogleTestEnv();
  for (const m of mailboxes) env.sim.handle.addMailbox({ ...m, timeZone: 'Europe/Berlin' });
});
afterAll(() => env.close());

calendarScenarios('Google Calendar', async (t) => {
  const mailbox = mailboxes[next++];
  if (!mailbox) throw new Error('raise the number of simulated mailboxes');
  const side = googleSide(env, await connect(env, mailbox.address, mailbox.password), mailbox.address);
  return { world: await calendarWorld(t.db, side.setup, { clock: env.clock, oauth: side.oauth }), side };
});
