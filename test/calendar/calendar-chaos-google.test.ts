/** The calendar chaos run against the Google simulator through the Calendar v3 adapter. */
import { afterAll, beforeAll } from 'vitest';
import { connect, startGoogleTestEnv, type GoogleTestEnv } from '../../src/providers/google/google-test-harness';
import { calendarChaos } from './calendar-chaos';
import { calendarWorld } from './calendar-harness';
import { googleSide } from './google-side';

const mailboxes = [1, 2].map((i) => ({ address: `chaos${i}@greenleaf.example`, password: `pw-chaos-${i}` }));
let env: GoogleTestEnv;
beforeAll(async () => {
  env = await startGoogleTestEnv();
  for (const m of mailboxes) env.sim.handle.addMailbox({ ...m, timeZone: 'Europe/Berlin' });
});
afterAll(() => env.close());

calendarChaos('Google Calendar', async (t, index, options) => {
  const mailbox = mailboxes[index] ?? mailboxes[0];
  if (!mailbox) throw new Error('no mailbox');
  const side = googleSide(env, await connect(env, mailbox.address, mailbox.password), mailbox.address);
  return { world: await calendarWorld(t.db, side.setup, { clock: env.clock, oauth: side.oauth, ...options }), side };
});
