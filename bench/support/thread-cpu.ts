/**
 * CPU time of this process per kind of thread, from Linux's /proc/self/task/<tid>/stat (utime +
 * stime, in clock ticks of 10 ms): the main thread (the pipeline), the embedded store's thread,
 * V8's helper threads (concurrent garbage collection and compilation, for every isolate) and libuv's
 * pool (file writes, DNS). On a machine of two cores these share the CPU with the simulator or the
 * mail server, so a bench reads the split to see which of them its figure waits on. Elsewhere than
 * Linux it reports nothing.
 */
import { readdir, readFile } from 'node:fs/promises';

const TICK_MS = 10;

/** Milliseconds of CPU per thread, keyed by thread id with its name. */
async function threadTimes(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = await readdir('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after the name: state is 3rd, utime 14th and stime 15th of the whole line.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(`${tid} ${name}`, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** What each kind of thread is called in /proc (Node names its threads). */
function kindOf(name: string): string {
  if (name === 'MainThread' || name === 'node') return 'main';
  if (name === 'WorkerThread') return 'store thread';
  if (name.startsWith('V8Worker')) return 'V8 GC/compile';
  if (name.startsWith('libuv-worker')) return 'libuv pool';
  return 'other';
}

export interface ThreadCpu {
  /** Call at the end of the measured window: CPU ms per message by kind of thread. */
  perMessage(count: number): Promise<Record<string, number>>;
}

/** Starts measuring now. */
export async function measureThreadCpu(): Promise<ThreadCpu> {
  const before = await threadTimes();
  return {
    async perMessage(count) {
      const after = await threadTimes();
      const byKind: Record<string, number> = {};
      for (const [key, ms] of after) {
        const kind = kindOf(key.slice(key.indexOf(' ') + 1));
        byKind[kind] = (byKind[kind] ?? 0) + (ms - (before.get(key) ?? 0)) / count;
      }
      return byKind;
    },
  };
}

/** "main 1.21, store thread 0.64, …" in ms per message, largest first; empty where /proc is absent. */
export function describeThreadCpu(byKind: Record<string, number>): string {
  return Object.entries(byKind)
    .filter(([, ms]) => ms >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, ms]) => `${kind} ${ms.toFixed(2)}`)
    .join(', ');
}
