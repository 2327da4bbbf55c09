/**
 * Push latency: a message dropped into the Tandem folder at the Microsoft 365 simulator → Graph change
 * notification → our webhook → pg-boss run pulled forward (LISTEN/NOTIFY on embedded PGlite; worker
 * polling set to 30 s so only the wake-up can be fast) → capture → activity stored. Drops are made one
 * after another; the regular schedule is five minutes away throughout, so no poll contributes.
 * Run: `npx tsx bench/push-latency.ts [--drops N]`.
 */
import { startPushWorld } from '../test/push/push-harness';

const argIndex = process.argv.indexOf('--drops');
const DROPS = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 50;
const TARGET_S = 5;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

const w = await startPushWorld('engine');
try {
  await w.manager.start({ workers: true });
  await w.engine?.syncNow(w.account, 'sync_now');
  const finishedRuns = async () => (await w.t.db.repos.syncState.listRuns(w.scope, w.account.id, 1000)).filter((r) => r.finishedAt).length;
  await until(async () => (await finishedRuns()) === 1, 30_000, 'the first run');
  await w.manager.sweep();
  await until(async () => (await w.t.db.repos.pushSubscriptions.list(w.scope, w.account.id)).some((r) => r.resource === 'capture'), 30_000, 'the capture subscription');
  const nextScheduled = (await w.t.db.repos.accounts.get(w.scope, w.account.id))?.nextRunAt?.getTime() ?? 0;

  const latencies: number[] = [];
  for (let i = 0; i < DROPS; i++) {
    const t0 = performance.now();
    await w.drop(`bench-${i}-${Date.now()}@push.example`);
    await until(async () => (await w.activities()) === i + 1, 30_000, `activity ${i + 1}`);
    latencies.push((performance.now() - t0) / 1000);
  }
  const runs = await finishedRuns();
  const sorted = [...latencies].sort((a, b) => a - b);
  const p95 = quantile(sorted, 0.95);
  console.log(
    `${DROPS} drops: p50 ${quantile(sorted, 0.5).toFixed(3)} s, p95 ${p95.toFixed(3)} s, max ${(sorted.at(-1) ?? 0).toFixed(3)} s; ` +
      `${runs - 1} runs after the first, next scheduled run still ${((nextScheduled - Date.now()) / 1000).toFixed(0)} s away; ` +
      `${w.env.sim.handle.notificationDeliveries().filter((d) => d.kind === 'notification').length} notifications delivered`,
  );
  console.log(`bench push-latency: ${p95.toFixed(2)} s (target <= ${TARGET_S}) ${p95 <= TARGET_S ? 'PASS' : 'MISS'}`);
} finally {
  await w.close();
}
