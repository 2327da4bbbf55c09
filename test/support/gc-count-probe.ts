/**
 * Run by src/gc-policy.test.ts in a process of its own (V8 flags are process-wide): a steady heap
 * and a stream of short-lived 256 KB buffers, as capture makes; prints how many full (major)
 * collections ran. `--policy` applies the product's GC policy first.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { applyGcPolicy } from '../../src/gc-policy';

if (process.argv.includes('--policy')) applyGcPolicy();

let major = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const detail: unknown = (entry as PerformanceEntry & { detail?: unknown }).detail;
    if (typeof detail === 'object' && detail !== null && 'kind' in detail && detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
  }
});
observer.observe({ entryTypes: ['gc'] });

// About 40 MB of live objects, as a running product holds.
const live = Array.from({ length: 300_000 }, (_, i) => ({ i, label: `contact ${i}` }));
let checksum = 0;
for (let i = 0; i < 4_000; i++) {
  const buffer = Buffer.allocUnsafe(256 * 1024); // 1 GB in all, each dropped at once
  buffer[0] = i & 0xff;
  checksum += buffer[0] ?? 0;
}
// Performance entries are delivered asynchronously.
await new Promise((resolve) => setTimeout(resolve, 100));
observer.disconnect();
console.log(JSON.stringify({ major, live: live.length, checksum }));
