/**
 * Runs the batches of one listing page so that provider waits, CPU work and database waits overlap:
 * while batch k is parsed, the previous batch's transaction commits, the provider moves batch k-1
 * and fetches batches k+1 and k+2. Three orders are kept:
 *   - provider calls run one at a time, in the order they were asked for, so an adapter never sees two
 *     calls of one run at once (an IMAP session has one selected folder; Graph's per-mailbox
 *     concurrency is left to the adapter's own $batch fan-out);
 *   - store steps run in batch order, one after another, so a Message-ID repeated in a later batch
 *     finds the earlier activity committed and dedupes on it;
 *   - a batch is prepared (parsed; its attachment bytes, content-addressed, written) before it is
 *     stored, and moved only after its store step committed: exactly-once does not change.
 */

export interface BatchSteps<Loaded, Prepared, Stored, Outcome> {
  /** Provider (and ledger) reads. */
  load(): Promise<Loaded>;
  /** CPU work and writes safe to repeat; may overlap the previous batch's store. No provider calls. */
  prepare(loaded: Loaded): Promise<Prepared>;
  /** The batch's transaction; no provider calls. */
  store(prepared: Prepared): Promise<Stored>;
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
  /**
   * How many batches are fetched ahead of the one being prepared (default 2). One was too few for
   * Graph: the next fetch queued behind the previous batch's move on the lane and the parse waited
   * for it (bench/capture.ts). Each batch ahead holds its raw messages (~5 MB for 100) in memory.
   */
  loadAhead?: number;
}

/** The outcomes in batch order; the first failure stops the run once nothing is in flight any more. */
export async function runOverlapped<L, P, S, O>(batches: readonly BatchSteps<L, P, S, O>[], options: OverlapOptions = {}): Promise<O[]> {
  const provider = options.lane ?? serialLane();
  const inFlight: Promise<unknown>[] = [];
  let failure: { error: unknown } | undefined;
  /** The first failed store or move: no later batch is stored after it (a failed later load is no reason). */
  let writeFailure: { error: unknown } | undefined;
  /** Every started step is awaited in the end, so none rejects unobserved or outlives the run. */
  const track = <T>(step: Promise<T>, write = false): Promise<T> => {
    step.catch((error: unknown) => {
      failure ??= { error };
      if (write) writeFailure ??= { error };
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
  /** Read through a call: the steps' callbacks set it while this function awaits. */
  const stopIfFailed = (writesOnly = false): void => {
    const stop = writesOnly ? writeFailure : failure;
    if (stop) throw stop.error;
  };
  const moves: Promise<O>[] = [];
  /** The store step in flight (settled either way), which the next one waits for. */
  let storing: Promise<void> = Promise.resolve();
  const ahead = Math.max(1, options.loadAhead ?? 2);
  try {
    const loads = Array.from({ length: ahead }, (_, i) => load(i));
    for (let i = 0; ; i++) {
      const next = loads.shift();
      const batch = batches[i];
      if (!next || !batch) break;
      const loaded = await next;
      // A failed move of an earlier batch (token expired, throttled): stop storing, report it.
      stopIfFailed();
      loads.push(load(i + ahead));
      const prepared = await track(batch.prepare(loaded));
      await storing;
      // A failed store or move of an earlier batch: store nothing after it.
      stopIfFailed(true);
      const stored = track(batch.store(prepared), true);
      storing = stored.then(
        () => undefined,
        () => undefined,
      );
      moves.push(track(stored.then((s) => provider(() => batch.move(s))), true));
    }
    return await Promise.all(moves);
  } finally {
    await Promise.allSettled(inFlight);
  }
}
