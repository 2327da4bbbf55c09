/**
 * Planner statistics for the embedded store. PGlite runs PostgreSQL in single-user mode, so no
 * autovacuum ever analyses a table: the planner guesses from page counts alone, and once read every
 * capture-ledger row of a company through the wrong index for each batch. The embedded store is
 * analysed on the first call and then at most once per interval (the scheduler tick calls it).
 * PostgreSQL proper has autovacuum: nothing is done there.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './db';

export const embeddedAnalyzeEveryMs = 3600_000;

export class EmbeddedStats {
  private lastAt: number | undefined;

  constructor(
    private readonly db: Db,
    private readonly everyMs = embeddedAnalyzeEveryMs,
  ) {}

  /** Analyses the embedded store when due; true when it did. */
  async refreshIfDue(now: Date): Promise<boolean> {
    if (this.db.kind !== 'pglite') return false;
    if (this.lastAt !== undefined && now.getTime() - this.lastAt < this.everyMs) return false;
    this.lastAt = now.getTime();
    await this.db.orm.execute(sql`analyze`);
    return true;
  }
}
