/**
 * What every benchmark prints: latency percentiles and the closing verdict lines in the DESIGN.md
 * format `bench <name>: <figure> <unit> (target <op> <value>) PASS|MISS`.
 */

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  return {
    count: samplesMs.length,
    p50: percentile(samplesMs, 50),
    p95: percentile(samplesMs, 95),
    p99: percentile(samplesMs, 99),
    max: percentile(samplesMs, 100),
  };
}

export function formatLatency(label: string, s: LatencySummary): string {
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  return `${label.padEnd(28)} n=${s.count}  p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`;
}

export type TargetOp = '<=' | '>=';

export interface Verdict {
  name: string;
  figure: number;
  unit: string;
  op: TargetOp;
  target: number;
  /** Decimals shown for the figure and target (default 2). */
  digits?: number;
}

export function passes(v: Pick<Verdict, 'figure' | 'op' | 'target'>): boolean {
  return v.op === '<=' ? v.figure <= v.target : v.figure >= v.target;
}

export function verdictLine(v: Verdict): string {
  const d = v.digits ?? 2;
  return `bench ${v.name}: ${v.figure.toFixed(d)} ${v.unit} (target ${v.op} ${v.target}) ${passes(v) ? 'PASS' : 'MISS'}`;
}
