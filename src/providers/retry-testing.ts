/**
 * Test doubles for the retry settings: a sleep that returns at once and records each wait asked for,
 * so provider tests prove Retry-After is honoured without waiting for real.
 */
import type { RetryOptions } from './retry';

export interface RecordedWaits {
  /** Every wait asked for, in order (ms). */
  waits: number[];
  /** Retry options with the recording sleep and a fixed jitter. */
  retry: RetryOptions;
}

export function recordWaits(extra: RetryOptions = {}): RecordedWaits {
  const waits: number[] = [];
  return {
    waits,
    retry: {
      random: () => 0.5,
      sleep: async (ms: number) => {
        waits.push(ms);
      },
      ...extra,
    },
  };
}
