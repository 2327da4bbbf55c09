/**
 * Runs the batches of one listing page so that provider waits and CPU work overlap: while batch k is
 * parsed and stored, the provider moves batch k-1 and fetches batch k+1. Two orders are kept:
 *   - provider calls run one at a time, in the order they were asked for, so an adapter never sees two
 *     calls of one run at once (an IMAP session has one selected folder; Graph's per-mailbox
 *     concurrency is left to the adapter's own $batch fan-out);
 *   - store steps run in batch order, one after another, so a Message-ID repeated in a later batch
 *     finds the earlier activity committed and dedupes on it.
 * A batch is moved only after its store step committed, as before: exactly-once does not change.
 */

export interface BatchSteps<Loaded, Stored, Outcome> {
  /** Provider (and ledger) reads. */
  load(): Promise<Loaded>;
  /** CPU and database work; no provider calls. */
  store(loaded: Loaded): Promise<Stored>;
  /** Provider write, then the ledger. */
  move(stored: Stored): Promise<Outcome>;
}

/** Provider calls of one run, one at a time in the order asked for. */
export type ProviderLane = <T>(op: () => Promise<T>) => Promise<T>;

/** Runs each op after the previous one settled, whatever its outcome. */
export function serialLane(): ProviderLane {
  let tail: Promise<unknown> = Promise.resolve();
  return (op) => {
    const run = tail.then(op);
    tail = run.catch(() => undefined);
    return run;
  };
}

export interface OverlapOptions {
  /** The run's provider lane, when calls outside these batches share it (the next page's listing). */
  lane?: ProviderLane;
  /**
   * Called once the last batch's load has been queued on the lane: a provider call queued from here
   * runs after that load and before the page's last moves, so it overlaps their parse and store.
   */
  afterLastLoad?: () => void;
}

/** The outcomes in batch order; the first failure stops the run once nothing is in flight any more. */
export async function runOverlapped<L, S, O>(batches: readonly BatchSteps<L, S, O>[], options: OverlapOptions = {}): Promise<O[]> {
  const provider = options.lane ?? serialLane();
  const inFlight: Promise<unknown>[] = [];
  let failure: { error: unknown } | undefined;
  /** Every started step is awaited in the end, so none rejects unobserved or outlives the run. */
  const track = <T>(step: Promise<T>): Promise<T> => {
    step.catch((error: unknown) => {
      failure ??= { error };
    });
    inFlight.push(step);
    return step;
  };
  const load = (i: number): Promise<L> | undefined => {
    const batch = batches[i];
    if (!batch) return undefined;
    const loading = track(provider(() => batch.load()));
    if (i === batches.length - 1) options.afterLastLoad?.();
    return loading;
  };
  const moves: Promise<O>[] = [];
  try {
    let next = load(0);
    for (let i = 0; next; i++) {
      const batch = batches[i];
      if (!batch) break;
      const loaded = await next;
      // A failed move of an earlier batch (token expired, throttled): stop storing, report it.
      if (failure) throw failure.error;
      next = load(i + 1);
      const stored = await track(batch.store(loaded));
      moves.push(track(provider(() => batch.move(stored))));
    }
    return await Promise.all(moves);
  } finally {
    await Promise.allSettled(inFlight);
  }
}
