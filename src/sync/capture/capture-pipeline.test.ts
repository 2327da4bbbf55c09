import { describe, expect, it } from 'vitest';
import { runOverlapped, serialLane, type BatchSteps } from './capture-pipeline';

/** Steps that log when each starts and ends; a step yields a few times so neighbours can interleave. */
function recorder(options: { failLoad?: number; failMove?: number; failStore?: number } = {}) {
  const log: string[] = [];
  let providerBusy = 0;
  let maxProviderBusy = 0;
  const yieldTurns = async (n: number) => {
    for (let i = 0; i < n; i++) await Promise.resolve();
  };
  const provider = async <T>(name: string, fail: boolean, value: T): Promise<T> => {
    providerBusy++;
    maxProviderBusy = Math.max(maxProviderBusy, providerBusy);
    log.push(`${name} start`);
    await yieldTurns(5);
    log.push(`${name} end`);
    providerBusy--;
    if (fail) throw new Error(`${name} failed`);
    return value;
  };
  const batch = (i: number): BatchSteps<string, string, string, string> => ({
    load: () => provider(`load${i}`, options.failLoad === i, `loaded${i}`),
    prepare: async (loaded) => {
      log.push(`prepare${i} start`);
      await yieldTurns(10);
      log.push(`prepare${i} end`);
      return loaded;
    },
    store: async (loaded) => {
      log.push(`store${i} start (${loaded})`);
      await yieldTurns(20);
      log.push(`store${i} end`);
      if (options.failStore === i) throw new Error(`store${i} failed`);
      return `stored${i}`;
    },
    move: (stored) => provider(`move${i}`, options.failMove === i, `${stored} moved`),
  });
  return { log, batch, maxProviderBusy: () => maxProviderBusy, providerBusy: () => providerBusy };
}

const before = (log: string[], a: string, b: string) => {
  expect(log).toContain(a);
  expect(log).toContain(b);
  expect(log.indexOf(a)).toBeLessThan(log.indexOf(b));
};

describe('runOverlapped', () => {
  it('fetches the next batch while preparing this one and prepares it while this one is stored; one provider call at a time; stores in order', async () => {
    const r = recorder();
    const out = await runOverlapped([0, 1, 2].map(r.batch));
    expect(out).toEqual(['stored0 moved', 'stored1 moved', 'stored2 moved']);
    expect(r.maxProviderBusy()).toBe(1);
    // Overlap: batch 1 is being fetched while batch 0 is stored.
    before(r.log, 'prepare0 start', 'load1 end');
    // Overlap: batch 1 is parsed while batch 0's transaction runs.
    before(r.log, 'prepare1 start', 'store0 end');
    for (const i of [0, 1, 2]) before(r.log, `prepare${i} end`, `store${i} start (loaded${i})`);
    // A batch moves only after its store step finished; stores never overlap each other.
    for (const i of [0, 1, 2]) before(r.log, `store${i} end`, `move${i} start`);
    before(r.log, 'store0 end', 'store1 start (loaded1)');
    before(r.log, 'store1 end', 'store2 start (loaded2)');
    // Provider calls keep the order they were asked in.
    const providerOrder = r.log.filter((l) => /^(load|move)\d start$/.test(l));
    expect(providerOrder).toEqual(['load0 start', 'load1 start', 'load2 start', 'move0 start', 'move1 start', 'move2 start']);
  });

  it('keeps two batches fetched ahead of the one being parsed, or as many as asked', async () => {
    const two = recorder();
    await runOverlapped([0, 1, 2, 3].map(two.batch));
    before(two.log, 'load2 start', 'prepare0 end');
    before(two.log, 'load3 start', 'prepare1 end');
    const one = recorder();
    await runOverlapped([0, 1, 2, 3].map(one.batch), { loadAhead: 1 });
    before(one.log, 'prepare0 start', 'load2 start');
    before(one.log, 'prepare1 start', 'load3 start');
    expect(one.maxProviderBusy()).toBe(1);
    expect(two.maxProviderBusy()).toBe(1);
  });

  it('stops at a failed move, stores nothing more, and returns only when no step is running', async () => {
    const r = recorder({ failMove: 0 });
    await expect(runOverlapped([0, 1, 2, 3].map(r.batch))).rejects.toThrow('move0 failed');
    expect(r.providerBusy()).toBe(0);
    expect(r.log).not.toContain('store2 start (loaded2)');
    expect(r.log.some((l) => l.startsWith('move2') || l.startsWith('move3'))).toBe(false);
  });

  it('reports a failed load after the batches before it were stored and moved', async () => {
    const r = recorder({ failLoad: 1 });
    await expect(runOverlapped([0, 1, 2].map(r.batch))).rejects.toThrow('load1 failed');
    expect(r.log).toContain('store0 end');
    expect(r.log).toContain('move0 end');
    expect(r.log.some((l) => l.startsWith('store1') || l.startsWith('move1'))).toBe(false);
    expect(r.providerBusy()).toBe(0);
  });

  it('does not move a batch whose store failed, and waits for the prefetch in flight', async () => {
    const r = recorder({ failStore: 0 });
    await expect(runOverlapped([0, 1].map(r.batch))).rejects.toThrow('store0 failed');
    expect(r.log.some((l) => l.startsWith('move'))).toBe(false);
    expect(r.log).toContain('load1 end');
    expect(r.providerBusy()).toBe(0);
  });

  it('runs a call queued after the last load on the shared lane before the last moves (the next listing)', async () => {
    const r = recorder();
    const lane = serialLane();
    let listed: Promise<string> | undefined;
    const out = await runOverlapped([0, 1, 2].map(r.batch), {
      lane,
      afterLastLoad: () => {
        listed = lane(() => {
          r.log.push('list start');
          return Promise.resolve('page 2');
        });
      },
    });
    expect(out).toEqual(['stored0 moved', 'stored1 moved', 'stored2 moved']);
    expect(await listed).toBe('page 2');
    const providerOrder = r.log.filter((l) => /^((load|move)\d|list) start$/.test(l));
    expect(providerOrder).toEqual(['load0 start', 'load1 start', 'load2 start', 'list start', 'move0 start', 'move1 start', 'move2 start']);
    // Never two provider calls at once, the listing included.
    expect(r.maxProviderBusy()).toBe(1);
  });

  it('stores nothing after a failed store, though the next batch was already prepared meanwhile', async () => {
    const r = recorder({ failStore: 1 });
    await expect(runOverlapped([0, 1, 2].map(r.batch))).rejects.toThrow('store1 failed');
    expect(r.log).toContain('move0 end');
    expect(r.log).toContain('prepare2 end');
    expect(r.log.some((l) => l.startsWith('store2') || l.startsWith('move1') || l.startsWith('move2'))).toBe(false);
    expect(r.providerBusy()).toBe(0);
  });

  it('runs nothing for no batches', async () => {
    expect(await runOverlapped([])).toEqual([]);
  });
});
