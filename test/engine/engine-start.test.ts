/**
 * The scheduler tick offered when an engine starts runs at once, not at the tick worker's next poll:
 * the tick queue raises NOTIFY. The polling interval here is far longer than the wait, so a tick that
 * depended on polling could not pass.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { queryRows } from '../../src/store/db';
import { createVault } from '../../src/store/vault';
import { CredentialService } from '../../src/sync/credentials';
import { SyncEngine } from '../../src/sync/engine';
import { queueNames } from '../../src/sync/job-queue';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { ProviderAccess } from '../../src/sync/provider-access';
import { createTestDb, testDrivers, type TestDb } from '../support/test-db';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(testDrivers())('engine start on %s', (driver) => {
  let t: TestDb | undefined;
  let engine: SyncEngine | undefined;
  afterEach(async () => {
    await engine?.stop(2000);
    await t?.cleanup();
  });

  it('runs the scheduler tick it offers at start without waiting for a poll', async () => {
    t = await createTestDb(driver);
    const db = t.db;
    const clock = new FakeClock('2026-11-02T09:00:00Z');
    const logger = createLogger('silent');
    const providers = new ProviderAccess({
      factories: {},
      endpoints: {},
      oauthClients: {},
      fetch: () => Promise.reject(new Error('no network')),
      clock,
      logger,
      limiter: new MailboxLimiter(() => 4),
    });
    const vault = createVault(new Map([['k1', randomBytes(32)]]), 'k1');
    const pollingIntervalSeconds = 300;
    engine = new SyncEngine({
      db,
      ...(db.kind === 'postgres' ? { databaseUrl: db.pool.options.connectionString ?? '' } : {}),
      clock,
      logger,
      credentials: new CredentialService({ db, vault, clock, oauthFor: () => undefined }),
      providers,
      features: [],
      outboxHandlers: [],
      queue: { pollingIntervalSeconds },
    });
    await engine.start({ workers: true });
    const ticks = () =>
      queryRows<{ n: number }>(db.orm, sql`select count(*)::int as n from pgboss.job where name = ${queueNames.tick} and state = 'completed'`).then(([r]) =>
        r && r.n > 0 ? r.n : undefined,
      );
    // Generous for a loaded machine, yet well inside the polling interval a tick without NOTIFY would wait.
    expect(await until('the first tick', ticks, 120_000)).toBe(1);
  });
});
