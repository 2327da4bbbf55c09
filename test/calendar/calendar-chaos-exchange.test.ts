/** The calendar chaos run against the Exchange simulator through the EWS adapter. */
import { afterAll, beforeAll } from 'vitest';
import { startExchangeTestEnv, type ExchangeTestEnv } from '../../src/providers/exchange/exchange-test-harness';
import { calendarChaos } from './calendar-chaos';
import { calendarWorld } from './calendar-harness';
import { exchangeSide } from './exchange-side';

const users = [1, 2].map((i) => ({ address: `chaos${i}@contoso.com`, username: `CONTOSO\\chaos${i}`, password: `pw-chaos-${i}` }));
let env: ExchangeTestEnv;
beforeAll(async () => {
  env = await startExchangeTestEnv();
  for (const u of users) env.handle.addMailbox({ ...u, type: 'user' });
});
afterAll(() => env.close());

calendarChaos('Exchange Web Services', async (t, index, options) => {
  const user = users[index] ?? users[0];
  if (!user) throw new Error('no user');
  const side = exchangeSide(env, user);
  return { world: await calendarWorld(t.db, side.setup, { clock: env.clock, ...options }), side };
});
