/**
 * Group commit: items submitted one by one are written in groups, one write in flight at a time.
 * Items submitted while a write is in flight go together into the next write, so the number of
 * statements follows the database's pace rather than the number of items, and no item waits for
 * a fixed-size batch to fill. `submit` resolves once the write holding the item has committed.
 */
export class GroupCommit<T> {
  private pending: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxGroup = 500,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Items submitted in the same turn of the event loop (runs whose timers fired together) join the first write.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending.splice(0, this.maxGroup);
        try {
          await this.write(group.map((g) => g.item));
          for (const g of group) g.resolve();
        } catch (e) {
          if (group.length === 1) {
            group[0]?.reject(e);
            continue;
          }
          // One bad item must not fail its neighbours: write each alone, so only the bad ones fail.
          for (const g of group) {
            try {
              await this.write([g.item]);
              g.resolve();
            } catch (alone) {
              g.reject(alone);
            }
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
