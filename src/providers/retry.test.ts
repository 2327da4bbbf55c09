import { describe, expect, it } from 'vitest';
import { ProviderError, type ProviderErrorKind } from './errors';
import { retryDelay, retryEach, retrySettings, sleep, withRetry, type RetryEvent, type RetryOptions, type RetrySettings } from './retry';
import { recordWaits } from './retry-testing';

const cfg = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };
const err = (kind: ProviderErrorKind, details: ConstructorParameters<typeof ProviderError>[2] = {}) => new ProviderError(kind, kind, details);

function settings(extra: RetryOptions = {}): { s: RetrySettings; waits: number[]; events: RetryEvent[] } {
  const events: RetryEvent[] = [];
  const { waits, retry } = recordWaits({ onRetry: (e) => events.push(e), ...extra });
  return { s: retrySettings(retry), waits, events };
}

/** A task that fails with the given errors in turn, then answers `value`. */
function script<T>(failures: unknown[], value: T): { run: () => Promise<T>; calls: () => number } {
  let n = 0;
  return {
    run: async () => {
      const e = failures[n++];
      if (e !== undefined) throw e;
      return value;
    },
    calls: () => n,
  };
}

describe('retryDelay', () => {
  it.each([
    ['throttled with Retry-After', err('throttled', { retryAfterMs: 7_000 }), 1, 7_000],
    ['transient 503 with Retry-After', err('transient', { retryAfterMs: 2_000 }), 2, 2_000],
    ['Retry-After of exactly the cap', err('throttled', { retryAfterMs: 30_000 }), 1, 30_000],
    ['Retry-After beyond the cap: left to the engine', err('throttled', { retryAfterMs: 30_001 }), 1, undefined],
    ['transient, first attempt', err('transient'), 1, 375],
    ['transient, third attempt', err('transient'), 3, 1_500],
    ['throttled without Retry-After backs off too', err('throttled'), 2, 750],
    ['attempts spent', err('transient'), 5, undefined],
    ['ambiguous (a send whose answer was lost)', err('transient', { ambiguous: true }), 1, undefined],
    ['auth_expired is the engine’s (refresh)', err('auth_expired'), 1, undefined],
    ['not_found', err('not_found'), 1, undefined],
    ['cursor_expired', err('cursor_expired'), 1, undefined],
    ['permanent', err('permanent'), 1, undefined],
    ['invalid_input', err('invalid_input'), 1, undefined],
    ['not a ProviderError (our own bug)', new TypeError('x is undefined'), 1, undefined],
  ])('%s', (_name, error, attempt, expected) => {
    expect(retryDelay(error, attempt, { ...cfg, random: () => 0.5 })).toBe(expected);
  });

  it('backoff doubles, stays within [ceiling/2, ceiling] and never passes the cap', () => {
    for (const [attempt, ceiling] of [
      [1, 500],
      [2, 1_000],
      [4, 4_000],
      [7, 30_000],
      [40, 30_000],
    ] as const) {
      const lo = retryDelay(err('transient'), attempt, { ...cfg, maxAttempts: 100, random: () => 0 });
      const hi = retryDelay(err('transient'), attempt, { ...cfg, maxAttempts: 100, random: () => 0.999999 });
      expect([lo, hi]).toEqual([ceiling / 2, ceiling]);
    }
  });
});

describe('withRetry', () => {
  it('repeats throttled and transient failures, waiting what each asks, and returns the answer', async () => {
    const { s, waits, events } = settings();
    const task = script([err('throttled', { retryAfterMs: 4_000 }), err('transient')], 'listed');
    expect(await withRetry(task.run, s)).toBe('listed');
    expect(task.calls()).toBe(3);
    expect(waits).toEqual([4_000, 750]);
    expect(events.map((e) => [e.attempt, e.delayMs, e.error.kind])).toEqual([
      [1, 4_000, 'throttled'],
      [2, 750, 'transient'],
    ]);
  });

  it('gives up after maxAttempts with the last failure', async () => {
    const { s, waits } = settings({ maxAttempts: 3 });
    const last = err('transient', { status: 502 });
    const task = script([err('transient'), err('transient'), last, err('transient')], 'never');
    await expect(withRetry(task.run, s)).rejects.toBe(last);
    expect(task.calls()).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('does not repeat what must not be repeated', async () => {
    for (const e of [err('transient', { ambiguous: true }), err('auth_expired'), err('throttled', { retryAfterMs: 120_000 }), new Error('bug')]) {
      const { s, waits } = settings();
      const task = script([e], 'never');
      await expect(withRetry(task.run, s)).rejects.toBe(e);
      expect([task.calls(), waits.length]).toEqual([1, 0]);
    }
  });

  it('a shutdown during the wait stops with the failure, without another attempt', async () => {
    const stop = new AbortController();
    const failure = err('throttled', { retryAfterMs: 10_000 });
    const task = script([failure, failure], 'never');
    const s = retrySettings({ sleep: (ms, signal) => {
      stop.abort();
      return sleep(ms, signal);
    } }, stop.signal);
    await expect(withRetry(task.run, s)).rejects.toBe(failure);
    expect(task.calls()).toBe(1);
  });
});

describe('retryEach', () => {
  type Outcome = { item: string; ok: true } | { item: string; ok: false; error: unknown };
  const failureOf = (o: Outcome) => (o.ok ? undefined : o.error);

  /** A batch endpoint that fails items by plan: item → errors for its first answers. */
  function endpoint(plan: Record<string, unknown[]>) {
    const rounds: string[][] = [];
    const seen = new Map<string, number>();
    const run = async (items: string[]): Promise<Outcome[]> => {
      rounds.push(items);
      return items.map((item) => {
        const n = seen.get(item) ?? 0;
        seen.set(item, n + 1);
        const e = plan[item]?.[n];
        return e === undefined ? { item, ok: true } : { item, ok: false, error: e };
      });
    };
    return { run, rounds };
  }

  it('sends only the failed items again, together, after the longest wait they ask for', async () => {
    const { s, waits, events } = settings();
    const api = endpoint({ b: [err('throttled', { retryAfterMs: 7_000 })], d: [err('transient')] });
    const out = await retryEach(['a', 'b', 'c', 'd'], api.run, failureOf, s);
    expect(out).toEqual(['a', 'b', 'c', 'd'].map((item) => ({ item, ok: true })));
    expect(api.rounds).toEqual([['a', 'b', 'c', 'd'], ['b', 'd']]);
    expect(waits).toEqual([7_000]);
    expect(events[0]?.items).toBe(2);
  });

  it('leaves not_found and over-long throttles alone, and stops after maxAttempts rounds', async () => {
    const { s } = settings({ maxAttempts: 3 });
    const gone = err('not_found');
    const long = err('throttled', { retryAfterMs: 60_000 });
    const stuck = err('transient', { status: 503 });
    const api = endpoint({ a: [gone], b: [long], c: [err('transient'), err('transient'), stuck, err('transient')] });
    const out = await retryEach(['a', 'b', 'c', 'e'], api.run, failureOf, s);
    expect(out.map((o) => (o.ok ? 'ok' : o.error))).toEqual([gone, long, stuck, 'ok']);
    expect(api.rounds).toEqual([['a', 'b', 'c', 'e'], ['c'], ['c']]);
  });

  it('a repeat round that fails as a whole keeps what already worked', async () => {
    const { s } = settings();
    const first = err('throttled', { retryAfterMs: 1_000 });
    let calls = 0;
    const run = async (items: string[]): Promise<Outcome[]> => {
      if (calls++ > 0) throw err('auth_expired');
      return items.map((item) => (item === 'b' ? { item, ok: false, error: first } : { item, ok: true }));
    };
    const out = await retryEach(['a', 'b'], run, failureOf, s);
    expect(out).toEqual([
      { item: 'a', ok: true },
      { item: 'b', ok: false, error: first },
    ]);
  });

  it('our own bug in a repeat round is not hidden', async () => {
    const { s } = settings();
    let calls = 0;
    const run = async (items: string[]): Promise<Outcome[]> => {
      if (calls++ > 0) throw new TypeError('bug');
      return items.map((item) => ({ item, ok: false, error: err('transient') }));
    };
    await expect(retryEach(['a'], run, failureOf, s)).rejects.toThrow(TypeError);
  });

  it('the first round failing as a whole throws (it concerns every item)', async () => {
    const { s } = settings();
    const dead = err('auth_revoked');
    await expect(retryEach(['a'], () => Promise.reject(dead), failureOf, s)).rejects.toBe(dead);
  });
});

describe('sleep', () => {
  it('rejects at once when already aborted, and when aborted while waiting', async () => {
    await expect(sleep(60_000, AbortSignal.abort(new Error('stopping')))).rejects.toThrow('stopping');
    const stop = new AbortController();
    const waiting = sleep(60_000, stop.signal);
    stop.abort(new Error('shutdown'));
    await expect(waiting).rejects.toThrow('shutdown');
  });

  it('resolves after a short wait', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
