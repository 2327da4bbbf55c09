/**
 * Gauges read at scrape time rather than kept up to date by every writer: accounts by status from
 * the store, jobs by queue and state from pg-boss's job table. A failed read leaves the last values and is logged.
 */
import type { Logger } from 'pino';
import { accountStatuses } from '../domain/account-status';
import type { Metrics } from '../metrics';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../store/db';
import type { JobQueue } from './job-queue';

export function collectOnScrape(metrics: Metrics, deps: { db: Db; queue: JobQueue; logger: Logger }): void {
  const accounts = metrics.accountsByStatus;
  const jobs = metrics.jobs;
  metrics.onScrape(async (): Promise<void> => {
    try {
      const counts = new Map((await deps.db.repos.accounts.countByStatusForSystem()).map((r) => [r.status, r.count]));
      for (const status of accountStatuses) accounts.labels(status).set(counts.get(status) ?? 0);
      // pg-boss's own queue stats are a cache refreshed once a minute; count the rows instead.
      jobs.reset();
      const rows = await queryRows<{ name: string; state: string; n: number }>(
        deps.db.orm,
        sql`select name, state::text as state, count(*)::int as n from ${sql.identifier(deps.queue.schema)}.job group by name, state`,
      );
      for (const r of rows) jobs.labels(r.name, r.state).set(r.n);
    } catch (err) {
      deps.logger.warn({ err }, 'could not refresh gauges');
    }
  });
}
