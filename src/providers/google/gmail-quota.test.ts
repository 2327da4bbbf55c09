import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../domain/clock';
import { isProviderError } from '../errors';
import { GmailRawCache } from './gmail-quota-cache';
import { GmailQuotaPacer, gmailCosts, type GmailQuotaOptions } from './gmail-quota';

/** A pacer on a fake clock whose sleep moves the clock, recording each wait and each charge. */
function paced(options: GmailQuotaOptions = {}, mailbox = 'ava@greenleaf.example') {
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const pacer = new GmailQuotaPacer(options);
  const waits: number[] = [];
  const spent: { at: number; units: number }[] = [];
  const run = (who = mailbox) => {
    const r = pacer.forRun(who, {
      clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    });
    return {
      r,
      spend: async (method: keyof typeof gmailCosts, count = 1) => {
        await r.spend(method, count);
        spent.push({ at: clock.now().getTime(), units: gmailCosts[method] * count });
      },
    };
  };
  /** The most units charged within any one-minute window (Gmail's per-user window). */
  const worstMinute = () => Math.max(...spent.map((s) => spent.filter((o) => o.at >= s.at && o.at < s.at + 60_000).reduce((n, o) => n + o.units, 0)));
  return { clock, pacer, waits, spent, run, worstMinute };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('Gmail quota pacer', () => {
  it('lets a burst go at once, then waits exactly for the refill', async () => {
    // 6,000 × 0.9 = 5,400 a minute: a burst of 1,350 and 4,050 a minute (67.5 units/s) after it.
    const { pacer, waits, run } = paced();
    expect(pacer.burst).toBe(1350);
    const { spend } = run();
    for (let i = 0; i < 5; i++) await spend('messages.get', 50); // 1,250 units
    expect(waits).toEqual([]);
    await spend('messages.get', 50); // 100 left: 150 more refill in 150 / 67.5 units/s
    expect(waits).toEqual([Math.ceil(150 / (4050 / 60_000))]);
  });

  it('keeps every sliding minute under the share of the limit while spending at the paced rate', async () => {
    // No run cap here: only the pacing is measured.
    const { run, clock, spent, worstMinute } = paced({ maxRunWaitMs: Number.POSITIVE_INFINITY });
    const start = clock.now().getTime();
    // Ten simulated minutes of capture: batches of 50 raw gets, a list page and a batchModify now and then.
    const { spend } = run();
    while (clock.now().getTime() - start < 10 * 60_000) {
      await spend('messages.list');
      for (let i = 0; i < 10; i++) await spend('messages.get', 50);
      await spend('messages.batchModify');
    }
    expect(worstMinute()).toBeLessThanOrEqual(5400);
    const total = spent.reduce((n, s) => n + s.units, 0);
    const minutes = (clock.now().getTime() - start) / 60_000;
    // Close to the paced rate, not far below it: burst + 4,050 a minute.
    expect(total).toBeGreaterThanOrEqual(1350 + 4050 * minutes - 300);
  });

  it('paces each mailbox on its own bucket, whatever the address case', async () => {
    const { run, waits } = paced();
    await run('ava@greenleaf.example').spend('messages.get', 270); // the whole burst
    await run('ben@greenleaf.example').spend('messages.get', 270);
    expect(waits).toEqual([]);
    await run('AVA@greenleaf.example').spend('messages.list');
    expect(waits).toHaveLength(1);
  });

  it('ends the run as throttled, with the time to refill, once its waits would pass the run cap', async () => {
    const { run, waits, pacer, clock } = paced({ maxRunWaitMs: 10_000 });
    const { r, spend } = run();
    await spend('messages.get', 270); // empty bucket
    await spend('messages.get', 100); // 500 units: 7.4 s
    expect(waits).toHaveLength(1);
    const e = await rejection(spend('messages.get', 50)); // 250 more: 3.7 s → 11.1 s in all
    expect(isProviderError(e) && e).toMatchObject({ kind: 'throttled', code: 'gmail_quota_paced' });
    const retryAfterMs = isProviderError(e) ? (e.retryAfterMs ?? 0) : 0;
    expect(retryAfterMs).toBe(pacer.refillMs('ava@greenleaf.example', clock.now().getTime()));
    expect(retryAfterMs).toBe(Math.ceil(1350 / (4050 / 60_000)));
    expect(waits).toHaveLength(1); // it did not sleep before giving up
    expect(r.waitedMs).toBe(waits[0]);
    // After the wait the engine keeps, a new run finds the bucket full again.
    clock.advance(retryAfterMs);
    await run().spend('messages.get', 270);
    expect(waits).toHaveLength(1);
  });

  it('ends the run when a single wait is longer than the in-run cap', async () => {
    const { run } = paced({ limitPerMinute: 600, maxWaitMs: 5_000 });
    const { spend } = run();
    await spend('messages.get', 27); // 135 units, the burst of 540 a minute
    const e = await rejection(spend('messages.send')); // 100 units at 6.75 units/s: 14.8 s
    expect(e).toMatchObject({ kind: 'throttled', code: 'gmail_quota_paced' });
  });

  it('a call larger than the burst waits for a full bucket, then goes', async () => {
    const { run, waits } = paced({ limitPerMinute: 600 });
    const { spend } = run();
    await spend('messages.list');
    await spend('messages.get', 50); // 250 units against a burst of 135
    expect(waits).toEqual([Math.ceil(5 / (405 / 60_000))]);
  });

  it('refuses a budget that cannot pace anything', () => {
    expect(() => new GmailQuotaPacer({ limitPerMinute: 0 })).toThrow(/positive budget/);
  });
});

describe('Gmail raw cache', () => {
  const bytes = (n: number) => new Uint8Array(n);

  it('keeps entries per mailbox until dropped', () => {
    const cache = new GmailRawCache(100);
    cache.put('a@x', 'm1', { bytes: bytes(10), receivedAt: '2026-11-02T09:00:00.000Z' });
    cache.put('b@x', 'm1', { bytes: bytes(20) });
    expect(cache.get('A@x', 'm1')?.receivedAt).toBe('2026-11-02T09:00:00.000Z');
    expect(cache.get('b@x', 'm1')?.bytes.length).toBe(20);
    cache.drop('a@x', ['m1', 'unknown']);
    expect(cache.get('a@x', 'm1')).toBeUndefined();
    expect(cache.heldBytes).toBe(20);
  });

  it('stays within its byte budget by dropping the oldest entries; refuses what can never fit', () => {
    const cache = new GmailRawCache(100);
    for (let i = 0; i < 5; i++) cache.put('a@x', `m${i}`, { bytes: bytes(30) });
    expect(cache.heldBytes).toBeLessThanOrEqual(100);
    expect(cache.size).toBe(3);
    expect(cache.get('a@x', 'm0')).toBeUndefined();
    expect(cache.get('a@x', 'm4')).toBeDefined();
    cache.put('a@x', 'huge', { bytes: bytes(101) });
    expect(cache.get('a@x', 'huge')).toBeUndefined();
    expect(cache.size).toBe(3);
  });
});
