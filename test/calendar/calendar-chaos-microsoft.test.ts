/** The calendar chaos run against the Microsoft 365 simulator through the Graph adapter. */
import { afterAll, beforeAll } from 'vitest';
import { connect, startMicrosoftTestEnv, type MicrosoftTestEnv } from '../../src/providers/microsoft/microsoft-test-harness';
import { calendarChaos } from './calendar-chaos';
import { calendarWorld } from './calendar-harness';
import { microsoftSide } from './microsoft-side';

const mailboxes = [1, 2].map((i) => ({ address: `chaos${i}@contoso.example`, type: 'user' as const }));
let env: MicrosoftTestEnv;
beforeAll(async () => {
  env = await startMicrosoftTestEnv({ mailboxes });
});
afterAll(() => env.close());

calendarChaos('Microsoft Graph', async (t, index, options) => {
  const mailbox = (mailboxes[index] ?? mailboxes[0])?.address;
  if (!mailbox) throw new Error('no mailbox');
  const side = microsoftSide(env, await connect(env, mailbox), mailbox);
  return { world: await calendarWorld(t.db, side.setup, { clock: env.clock, oauth: side.oauth, ...options }), side };
});
