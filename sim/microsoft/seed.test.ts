import type { Event } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import type { SimServer } from '../common/sim-server';
import type { MicrosoftSimHandle } from './handle';
import { startMicrosoftSim } from './index';
import { graphClient, obtainTokens } from './testing';

let sim: SimServer<MicrosoftSimHandle>;
const ava = 'ava@greenleaf.example';

beforeAll(async () => {
  sim = await startMicrosoftSim({ clock: new FakeClock('2026-11-02T09:00:00Z'), seed: 2 });
  sim.handle.addMailbox({ address: ava, type: 'user' });
  await sim.handle.seed(ava, { messages: 12, events: 10, seed: 2 });
});
afterAll(() => sim.close());

describe('seed', () => {
  it('fills Inbox and Sent Items and a calendar whose series carry a moved and a cancelled occurrence', async () => {
    const inbox = sim.handle.listFolderMessages(ava, 'Inbox');
    const sent = sim.handle.sentItems(ava);
    expect(inbox.length + sent.length).toBe(12);
    expect(sim.handle.events(ava)).toHaveLength(10);
    const graph = graphClient(sim.url, (await obtainTokens(sim.url, { login: ava })).accessToken);
    const view = (await (await graph('/me/calendarView?startDateTime=2026-10-20T00:00:00Z&endDateTime=2027-03-01T00:00:00Z&$top=500')).json()) as { value: Event[] };
    const series = sim.handle.events(ava).filter((e) => e.type === 'seriesMaster');
    expect(series.length).toBeGreaterThan(0);
    for (const s of series) {
      const instances = view.value.filter((e) => e.seriesMasterId === s.id);
      expect(instances.filter((e) => e.type === 'exception')).toHaveLength(1);
      expect(instances).toHaveLength((s.recurrence?.range?.numberOfOccurrences ?? 0) - 1);
    }
  });

  it('is deterministic for a seed', async () => {
    const other = await startMicrosoftSim({ clock: new FakeClock('2026-11-02T09:00:00Z'), seed: 2 });
    try {
      other.handle.addMailbox({ address: ava, type: 'user' });
      await other.handle.seed(ava, { messages: 12, events: 10, seed: 2 });
      expect(other.handle.sentItems(ava).map((m) => m.internetMessageId)).toEqual(sim.handle.sentItems(ava).map((m) => m.internetMessageId));
      expect(other.handle.events(ava).map((e) => [e.subject, e.start?.dateTime])).toEqual(sim.handle.events(ava).map((e) => [e.subject, e.start?.dateTime]));
    } finally {
      await other.close();
    }
  });
});
