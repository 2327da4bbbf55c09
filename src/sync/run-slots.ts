/**
 * The process-wide limit on account runs doing provider work at once. pg-boss claims jobs in
 * batches per fetch loop; without a shared limit each loop's slots sat idle while that loop fetched,
 * began, ended and completed, and a whole batch waited for its slowest run. Here a run takes a slot
 * just before its provider work and gives it back as soon as its outcome is known, whichever batch
 * it came in. Waiters are served first come, first served, so a batch claimed earlier runs earlier.
 */
export class RunSlots {
  private free: number;
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private closed: Error | undefined;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`run slots must be a positive integer, got ${size}`);
    this.free = size;
  }

  /** Slots in use right now. */
  get inUse(): number {
    return this.size - this.free;
  }

  /** Runs waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with the slot's release once one is free; the release is safe to call more than once. */
  async acquire(): Promise<() => void> {
    if (this.closed) throw this.closed;
    if (this.free > 0 && this.waiting.length === 0) {
      this.free--;
    } else {
      await new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handOn();
    };
  }

  /** Runs `work` holding a slot. */
  async use<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** No more slots are handed out: waiters and later callers get `reason`; runs holding a slot go on. */
  close(reason: Error): void {
    this.closed = reason;
    for (const w of this.waiting.splice(0)) w.reject(reason);
  }

  /** A freed slot goes straight to the longest waiter (it stays counted as taken), else back to the pool. */
  private handOn(): void {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.free++;
  }
}
