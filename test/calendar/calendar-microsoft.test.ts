/** Issue 7's calendar scenarios against the Microsoft 365 simulator through the Graph adapter. */
import { afterAll, beforeAll } from 'vitest';
import { connect, startMicrosoftTestEnv, type MicrosoftTestEnv } from '../../src/providers/microsoft/microsoft-test-harness';
import { calendarWorld } from './calendar-harness';
import { calendarScenarios } from './calendar-scenarios';
import { microsoftSide } from './microsoft-side';

const mailboxes = Array.from({ length: 24 }, (_, i) => ({ address: `cal${i + 1}@contoso.example`, type: 'user' as const }));
let env: MicrosoftTestEnv;
let next = 0;

beforeAll(async () => {
  env = await startMicrosoftTestEnv({ mailboxes });
});
afterAll(() => env.close());

calendarScenarios('Microsoft Graph', async (t) => {
  const mailbox = mailboxes[next++]?.address;
  if (!mailbox) throw new Error('raise the number of simulated mailboxes');
  const side = microsoftSide(env, await connect(env, mailbox), mailbox);
  return { world: await calendarWorld(t.db, side.setup, { clock: env.clock, oauth: side.oauth }), side };
});
