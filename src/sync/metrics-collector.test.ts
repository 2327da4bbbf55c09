import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { createMetrics } from '../metrics';
import { createTestDb, createTestCompany, type TestDb } from '../../test/support/test-db';
import { JobQueue, queueNames } from './job-queue';
import { collectOnScrape } from './metrics-collector';

describe('gauges read at scrape time', () => {
  let t: TestDb;
  let queue: JobQueue;
  beforeAll(async () => {
    t = await createTestDb('pglite');
    queue = new JobQueue({ db: t.db, logger: createLogger('silent') });
    await queue.start();
  });
  afterAll(async () => {
    await queue.stop(1000);
    await t.cleanup();
  });

  it('reports accounts by status and jobs by queue and state', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    const now = new Date();
    const a = await t.db.repos.accounts.create(scope, { userId, provider: 'imap', mailboxAddress: 'a@m.example', now });
    await t.db.repos.accounts.create(scope, { userId, provider: 'imap', mailboxAddress: 'b@m.example', now });
    await t.db.repos.accounts.update(scope, a.id, { status: 'needs_reconnect' }, now);
    await queue.enqueue(queueNames.sync, { accountId: a.id, companyId: scope.companyId, reason: 'test' });
    const metrics = createMetrics({ defaults: false });
    collectOnScrape(metrics, { db: t.db, queue, logger: createLogger('silent') });
    const text = await metrics.registry.metrics();
    expect(text).toContain('tandem_accounts{status="needs_reconnect"} 1');
    expect(text).toContain('tandem_accounts{status="active"} 1');
    expect(text).toContain('tandem_accounts{status="failed"} 0');
    expect(text).toMatch(/tandem_jobs\{queue="sync",state="created"\} 1/);
  });
});
