import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('../test/support/gc-count-probe.ts', import.meta.url));

/** Full collections the probe process counted, with or without the product's GC policy. */
function majorCollections(withPolicy: boolean): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', probe, ...(withPolicy ? ['--policy'] : [])], { encoding: 'utf8' });
  return (JSON.parse(out) as { major: number }).major;
}

describe('gc policy', () => {
  it('stops a stream of short-lived buffers from forcing a full collection every 64 MB', () => {
    const without = majorCollections(false);
    const withPolicy = majorCollections(true);
    // 1 GB of 256 KB buffers: V8's fixed external-memory trigger alone makes about 10 full collections.
    expect(without).toBeGreaterThanOrEqual(8);
    expect(withPolicy).toBeLessThanOrEqual(without / 4);
  }, 60_000);
});
