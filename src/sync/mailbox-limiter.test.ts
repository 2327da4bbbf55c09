import { describe, expect, it } from 'vitest';
import { MailboxLimiter } from './mailbox-limiter';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('MailboxLimiter', () => {
  it('never runs more than the limit for one mailbox, and runs queued work as slots free up', async () => {
    const limiter = new MailboxLimiter(() => 4);
    const gates = Array.from({ length: 10 }, deferred);
    let peak = 0;
    let running = 0;
    const done = gates.map((gate, i) =>
      limiter.run('a@x', async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
        return i;
      }),
    );
    await Promise.resolve();
    expect(limiter.inFlight('a@x')).toBe(4);
    for (const g of gates) g.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(4);
    expect(limiter.inFlight('a@x')).toBe(0);
  });

  it('keeps mailboxes independent', async () => {
    const limiter = new MailboxLimiter(() => 1);
    const gate = deferred();
    const a = limiter.run('a@x', () => gate.promise);
    const b = await limiter.run('b@x', async () => 'b ran while a was busy');
    expect(b).toBe('b ran while a was busy');
    gate.resolve();
    await a;
  });

  it('releases the slot when the task throws', async () => {
    const limiter = new MailboxLimiter(() => 1);
    await expect(limiter.run('a@x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run('a@x', async () => 'next')).toBe('next');
  });
});
