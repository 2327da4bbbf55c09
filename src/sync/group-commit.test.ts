import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

const turn = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('writes items submitted while a write is in flight together in the next write, one write at a time', async () => {
    const writes: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let release: () => void = () => {};
    const group = new GroupCommit<number>(async (items) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      writes.push(items);
      await new Promise<void>((r) => {
        release = r;
      });
      inFlight--;
    });
    const first = [group.submit(1), group.submit(2)];
    await turn();
    expect(writes).toEqual([[1, 2]]);
    const second = [group.submit(3), group.submit(4), group.submit(5)];
    await turn();
    expect(writes).toHaveLength(1);
    release();
    await Promise.all(first);
    await turn();
    expect(writes).toEqual([[1, 2], [3, 4, 5]]);
    release();
    await Promise.all(second);
    expect(maxInFlight).toBe(1);
  });

  it('resolves an item only once its write is done, and rejects only the items whose write fails', async () => {
    const written: string[] = [];
    const group = new GroupCommit<string>(async (items) => {
      if (items.includes('bad')) throw new Error(`refused ${items.join(',')}`);
      written.push(...items);
    });
    const results = await Promise.allSettled([group.submit('a'), group.submit('bad'), group.submit('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: new Error('refused bad') });
    expect(written.sort()).toEqual(['a', 'c']);
    // The writer goes on after a failure.
    await group.submit('d');
    expect(written).toContain('d');
  });

  it('splits a backlog into writes of at most maxGroup items', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number>(async (items) => {
      sizes.push(items.length);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
