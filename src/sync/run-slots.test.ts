import { describe, expect, it } from 'vitest';
import { RunSlots } from './run-slots';

/** A promise and the function that settles it, so a test decides when work ends. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('RunSlots', () => {
  it('never lets more than its size run, and hands a freed slot to the longest waiter', async () => {
    const slots = new RunSlots(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      slots.use(async () => {
        started.push(i);
        await g.promise;
      }),
    );
    await turn();
    expect(started).toEqual([0, 1]);
    expect({ inUse: slots.inUse, queued: slots.queued }).toEqual({ inUse: 2, queued: 2 });
    gates[1]?.open();
    await turn();
    expect(started).toEqual([0, 1, 2]);
    expect(slots.inUse).toBe(2);
    gates[0]?.open();
    gates[2]?.open();
    gates[3]?.open();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect({ inUse: slots.inUse, queued: slots.queued }).toEqual({ inUse: 0, queued: 0 });
  });

  it('gives a slot back when the work throws, and a release called twice frees one slot only', async () => {
    const slots = new RunSlots(1);
    await expect(slots.use(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(slots.inUse).toBe(0);
    const release = await slots.acquire();
    const g = gate();
    const other = slots.use(() => g.promise);
    release();
    release();
    await turn();
    expect(slots.inUse).toBe(1);
    const third = slots.acquire();
    await turn();
    expect(slots.queued).toBe(1);
    g.open();
    await other;
    (await third)();
    expect(slots.inUse).toBe(0);
  });

  it('once closed, waiters and later callers are refused while running work finishes', async () => {
    const slots = new RunSlots(1);
    const g = gate();
    const running = slots.use(() => g.promise);
    const waiting = slots.use(async () => 'ran');
    slots.close(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
    await expect(slots.acquire()).rejects.toThrow('stopping');
    g.open();
    await running;
    expect(slots.inUse).toBe(0);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new RunSlots(0)).toThrow(RangeError);
    expect(() => new RunSlots(1.5)).toThrow(RangeError);
  });
});
