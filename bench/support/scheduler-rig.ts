/**
 * The scheduler bench's set-up: connected accounts in bulk (one INSERT from arrays, each with its own
 * vault-sealed credentials, as the connect flow stores them), and the real SyncEngine assembled the
 * way src/boot.ts assembles it, with the worker sizing exposed (boot keeps EngineDeps' defaults).
 */
import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import { systemClock } from '../../src/domain/clock';
import { createMetrics } from '../../src/metrics';
import type { ProviderFactory } from '../../src/providers/provider';
import { queryRows, type Db } from '../../src/store/db';
import type { Vault } from '../../src/store/vault';
import { CredentialService, sealCredentials } from '../../src/sync/credentials';
import { SyncEngine } from '../../src/sync/engine';
import type { SyncFeature } from '../../src/sync/feature';
import { queueNames } from '../../src/sync/job-queue';
import { MailboxLimiter, providerConcurrency } from '../../src/sync/mailbox-limiter';
import { ProviderAccess } from '../../src/sync/provider-access';

/** One text[] parameter (drizzle would spread a JS array into a list of parameters). */
function textArray(values: readonly string[]): SQL {
  const literal = `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
  return sql`${literal}::text[]`;
}

/** Inserts `count` users, each with one connected IMAP account due at `nextRunAt`; returns the account ids. */
export async function insertAccounts(db: Db, vault: Vault, companyId: string, count: number, nextRunAt: Date, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 5000) {
    const n = Math.min(5000, count - start);
    const userIds = Array.from({ length: n }, () => randomUUID());
    const accountIds = Array.from({ length: n }, () => randomUUID());
    const mailboxes = accountIds.map((_, i) => `${label}-${start + i}@bench.example`);
    const secrets = accountIds.map((id, i) => sealCredentials(vault, id, { kind: 'password', username: mailboxes[i] as string, password: 'bench-password' }));
    await db.orm.execute(
      sql`insert into users (id, company_id, email, name) select u::uuid, ${companyId}::uuid, m, 'Bench user' from unnest(${textArray(userIds)}, ${textArray(mailboxes)}) as t(u, m)`,
    );
    await db.orm.execute(
      sql`insert into connected_accounts (id, company_id, user_id, provider, mailbox_address, credentials_secret, endpoints, expires_at, next_run_at, sync_calendar)
          select a::uuid, ${companyId}::uuid, u::uuid, 'imap', m, s, '{"imapHost":"imap.bench.example"}'::jsonb, now() + interval '90 days', ${nextRunAt.toISOString()}::timestamptz, false
          from unnest(${textArray(accountIds)}, ${textArray(userIds)}, ${textArray(mailboxes)}, ${textArray(secrets)}) as t(a, u, m, s)`,
    );
    ids.push(...accountIds);
  }
  return ids;
}

/** Makes the given accounts due now (the scheduler's next tick picks them up). */
export async function makeDue(db: Db, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    await db.orm.execute(sql`update connected_accounts set next_run_at = null where id = any(${textArray(chunk)}::uuid[])`);
  }
}

/** Sync jobs pg-boss has marked completed (the end of a run, after history and next schedule). */
export async function completedSyncJobs(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db.orm, sql`select count(*)::int as n from pgboss.job where name = ${queueNames.sync} and state = 'completed'`);
  return row?.n ?? 0;
}

export interface BenchEngineOptions {
  db: Db;
  databaseUrl?: string;
  vault: Vault;
  logger: Logger;
  factory: ProviderFactory;
  feature: SyncFeature;
  batchSize: number;
  concurrency: number;
  pollingIntervalSeconds: number;
}

export async function startBenchEngine(o: BenchEngineOptions): Promise<SyncEngine> {
  const clock = systemClock;
  const providers = new ProviderAccess({
    factories: { [o.factory.kind]: o.factory },
    endpoints: {},
    oauthClients: {},
    fetch: () => Promise.reject(new Error('the bench provider makes no HTTP requests')),
    clock,
    logger: o.logger,
    limiter: new MailboxLimiter((key) => providerConcurrency[key.split(':')[0] ?? ''] ?? 2),
  });
  const engine = new SyncEngine({
    db: o.db,
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
    clock,
    logger: o.logger,
    metrics: createMetrics(),
    credentials: new CredentialService({ db: o.db, vault: o.vault, clock, oauthFor: (a) => providers.oauthFor(a) }),
    providers,
    features: [o.feature],
    outboxHandlers: [],
    batchSize: o.batchSize,
    concurrency: o.concurrency,
    // The bench calls the scheduler itself; the periodic offer stays out of the measured round.
    tickIntervalMs: 3600_000,
    queue: { pollingIntervalSeconds: o.pollingIntervalSeconds },
  });
  await engine.start({ workers: true });
  return engine;
}
