/**
 * Several worker processes on one PostgreSQL (the scale-out mode): a worker killed with kill -9
 * mid-job and the job completing exactly once on another process; Retry-After honoured by a
 * process that did not see the 429; never two runs of one account at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { mailboxKey } from '../../src/store/repos/sync-state';
import type { PostgresDb } from '../../src/store/db';
import { vaultFromKeys } from '../../src/store/vault';
import { sealCredentials } from '../../src/sync/credentials';
import { JobQueue, queueNames } from '../../src/sync/job-queue';
import { createTestDb, testDrivers, type TestDb } from '../support/test-db';

const script = fileURLToPath(new URL('./fixtures/engine-worker.ts', import.meta.url));
const secretKey = randomBytes(32).toString('base64');

interface Worker {
  name: string;
  child: ChildProcess;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.runIf(testDrivers().includes('postgres'))('worker processes sharing one PostgreSQL', () => {
  let t: TestDb;
  let url: string;
  let control: pg.Pool;
  let queue: JobQueue;
  let companyId: string;
  const workers: Worker[] = [];

  function startWorker(name: string): Promise<Worker> {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, DATABASE_URL: url, TANDEM_SECRET_KEY: secretKey, WORKER_NAME: name, TANDEM_DATA_DIR: `/tmp/tandem-worker-${name}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const w = { name, child };
    workers.push(w);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes(`ready ${name}`)) resolve(w);
      });
      child.once('exit', (code) => reject(new Error(`worker ${name} exited ${code}: ${err.slice(-2000)}`)));
    });
  }

  async function stopWorker(w: Worker, signal: NodeJS.Signals): Promise<void> {
    if (w.child.exitCode !== null || w.child.signalCode !== null) return;
    const exited = new Promise((r) => w.child.once('exit', r));
    w.child.kill(signal);
    await exited;
  }

  async function addAccount(mailbox: string, mode: string): Promise<string> {
    const scope = { companyId };
    const user = await t.db.repos.users.create(scope, { email: `owner-${mailbox}`, name: 'Owner' });
    const account = await t.db.repos.accounts.create(scope, { userId: user.id, provider: 'imap', mailboxAddress: mailbox, now: new Date() });
    const vault = vaultFromKeys(secretKey);
    await t.db.repos.accounts.setCredentials(scope, account.id, sealCredentials(vault, account.id, { kind: 'password', username: mailbox, password: 'pw' }), new Date());
    // Far-future next run: only the test's requests start runs.
    await t.db.repos.accounts.update(scope, account.id, { nextRunAt: new Date(Date.now() + 3600_000) }, new Date());
    await control.query('insert into engine_test_control (account_id, mode) values ($1, $2)', [account.id, mode]);
    return account.id;
  }

  const runsOf = async (accountId: string) =>
    (
      await control.query<{ worker: string; started_at: Date; finished_at: Date | null; outcome: string | null }>(
        'select worker, started_at, finished_at, outcome from engine_test_runs where account_id = $1 order by started_at',
        [accountId],
      )
    ).rows;
  const syncJobsOf = async (accountId: string) =>
    (await control.query<{ state: string; retry_count: number }>(`select state::text as state, retry_count from pgboss.job where name = 'sync' and singleton_key = $1`, [accountId])).rows;
  const effectsOf = async (accountId: string) => Number((await control.query('select count(*) from engine_test_effects where account_id = $1', [accountId])).rows[0].count);
  const syncNow = (accountId: string) => queue.runSoon(queueNames.sync, { accountId, companyId, reason: 'sync_now' });

  beforeAll(async () => {
    t = await createTestDb('postgres');
    url = String((t.db as PostgresDb).pool.options.connectionString);
    control = new pg.Pool({ connectionString: url, max: 2 });
    await control.query(`create table engine_test_control (account_id uuid primary key, mode text not null);
      create table engine_test_runs (id serial primary key, account_id uuid not null, worker text not null, started_at timestamptz not null, finished_at timestamptz, outcome text);
      create table engine_test_effects (account_id uuid primary key);`);
    companyId = (await t.db.repos.companies.create({ name: 'Scale-out Co' })).id;
    queue = new JobQueue({ db: t.db, databaseUrl: url, logger: createLogger('silent'), heartbeatSeconds: 10 });
    await queue.start();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopWorker(w, 'SIGKILL')));
    await queue?.stop(1000);
    await control?.end();
    await t?.cleanup();
  });

  it('a worker killed with kill -9 mid-job: the job comes back on another process and completes exactly once', async () => {
    const accountId = await addAccount('crash@scale.example', 'hang:A');
    const a = await startWorker('A');
    await syncNow(accountId);
    await until('A to start the run', async () => (await runsOf(accountId)).some((r) => r.worker === 'A'));
    await stopWorker(a, 'SIGKILL');
    expect(await effectsOf(accountId)).toBe(0);

    await startWorker('B');
    await until(
      'B to finish the run',
      async () => {
        // The job is failed and re-queued in one statement, so it never leaves the table: a missing
        // row is the job lost (pg-boss's retention sweep once deleted a retry born expired).
        const jobs = await syncJobsOf(accountId);
        if (jobs.length === 0) throw new Error('the sync job vanished after its worker was killed');
        // The feature records its run before the engine ends it and pg-boss completes the job.
        return jobs.some((j) => j.state === 'completed') && (await runsOf(accountId)).some((r) => r.worker === 'B' && r.outcome === 'ok');
      },
      120_000,
    );
    // The same job came back (one failed attempt: the lost heartbeat), not a new one.
    expect((await syncJobsOf(accountId)).filter((j) => j.state === 'completed').map((j) => j.retry_count)).toEqual([1]);
    expect(await effectsOf(accountId)).toBe(1);
    const runs = await runsOf(accountId);
    expect(runs.map((r) => [r.worker, r.outcome])).toEqual([
      ['A', null],
      ['B', 'ok'],
    ]);
    const account = await t.db.repos.accounts.get({ companyId }, accountId);
    expect(account?.status).toBe('active');
  }, 240_000);

  it('Retry-After learned by one process is honoured by another that never saw the 429', async () => {
    const accountId = await addAccount('throttled@scale.example', 'throttle_once');
    const b = workers.find((w) => w.name === 'B') ?? (await startWorker('B'));
    await syncNow(accountId);
    await until('the throttled run', async () => (await runsOf(accountId)).some((r) => r.outcome === 'throttled'));
    await stopWorker(b, 'SIGTERM');
    const throttle = await t.db.repos.syncState.getThrottleForSystem(mailboxKey('imap', 'throttled@scale.example'));
    expect(throttle?.retryAfterUntil?.getTime()).toBeGreaterThan(Date.now() + 30_000);

    await startWorker('C');
    await syncNow(accountId);
    // C takes the job, reads the shared throttle state and skips without calling the provider.
    await until('C to take the job', async () => {
      const account = await t.db.repos.accounts.get({ companyId }, accountId);
      const jobs = await control.query(`select count(*) from pgboss.job where name = 'sync' and singleton_key = $1 and state = 'completed'`, [accountId]);
      return account?.status === 'throttled' && Number(jobs.rows[0].count) >= 2;
    });
    expect((await runsOf(accountId)).length).toBe(1);
  }, 120_000);

  it('never runs one account twice at once, however many requests and workers', async () => {
    if (!workers.some((w) => w.name === 'C' && w.child.exitCode === null)) await startWorker('C');
    await startWorker('D');
    // More accounts than one worker can hold (each fetch loop claims ahead: 2 run slots + 2 claimed,
    // engine-worker.ts), so the other worker always gets a share and runs really overlap across processes.
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three', 'four', 'five', 'six']) ids.push(await addAccount(`${name}@scale.example`, 'slow'));
    for (let i = 0; i < 12; i++) {
      await Promise.all(ids.map((id) => syncNow(id)));
      await new Promise((r) => setTimeout(r, 120));
    }
    await until('the requested runs to settle', async () => {
      const open = await control.query('select count(*) from engine_test_runs where finished_at is null and account_id = any($1)', [ids]);
      const pending = await control.query(`select count(*) from pgboss.job where name = 'sync' and singleton_key = any($1) and state in ('created','active','retry') and start_after <= now()`, [ids]);
      return Number(open.rows[0].count) === 0 && Number(pending.rows[0].count) === 0;
    });
    let total = 0;
    for (const id of ids) {
      const runs = await runsOf(id);
      total += runs.length;
      for (let i = 1; i < runs.length; i++) {
        const prev = runs[i - 1];
        const cur = runs[i];
        expect(cur && prev?.finished_at && cur.started_at >= prev.finished_at).toBe(true);
      }
    }
    // Requests while a run is active collapse into one follow-up run, so fewer runs than requests.
    expect(total).toBeGreaterThanOrEqual(ids.length);
    expect(total).toBeLessThan(12 * ids.length);
    const byWorker = new Set((await control.query<{ worker: string }>('select distinct worker from engine_test_runs where account_id = any($1)', [ids])).rows.map((r) => r.worker));
    expect(byWorker.size).toBe(2);
  }, 120_000);
});
