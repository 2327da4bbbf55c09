/** Issue 7's calendar scenarios against the Exchange simulator through the EWS adapter. */
import { afterAll, beforeAll } from 'vitest';
import { startExchangeTestEnv, type ExchangeTestEnv } from '../../src/providers/exchange/exchange-test-harness';
import { calendarWorld } from './calendar-harness';
import { calendarScenarios } from './calendar-scenarios';
import { exchangeSide } from './exchange-side';

const users = Array.from({ length: 24 }, (_, i) => ({ address: `cal${i + 1}@contoso.com`, username: `CONTOSO\\cal${i + 1}`, password: `pw-cal-${i + 1}` }));
let env: ExchangeTestEnv;
let next = 0;

beforeAll(async () => {
  env = await startExchangeTestEnv();
  for (const u of users) env.handle.addMailbox({ ...u, type: 'user', displayName: `Cal ${u.address}` });
});
afterAll(() => env.close());

calendarScenarios('Exchange Web Services', async (t) => {
  const user = users[next++];
  if (!user) throw new Error('raise the number of simulated mailboxes');
  const side = exchangeSide(env, user);
  return { world: await calendarWorld(t.db, side.setup, { clock: env.clock }), side };
});
