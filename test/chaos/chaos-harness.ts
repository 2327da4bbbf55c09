/**
 * What the chaos tests share: one PostgreSQL, worker processes running the real engine (spawned from
 * fixtures/chaos-worker.ts, killed with kill -9 and restarted), a seeded random source for the kill
 * moments, and the exactly-once checks read straight from the tables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLogger } from '../../src/logger';
import type { PostgresDb } from '../../src/store/db';
import { JobQueue, queueNames } from '../../src/sync/job-queue';
import { vaultFromKeys, type Vault } from '../../src/store/vault';
import { createTestDb, type TestDb } from '../support/test-db';

const script = fileURLToPath(new URL('./fixtures/chaos-worker.ts', import.meta.url));

/** A scale knob from the environment (the issue's full sizes are opt-in; defaults keep the suite fast). */
export function envCount(name: string, fallback: number): number {
  const raw = Number(process.env[name]);
  return Number.isInteger(raw) && raw > 0 ? raw : fallback;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** The last lines of its stderr, for a failure message. */
  stderr(): string;
}

export interface ChaosWorld {
  t: TestDb;
  url: string;
  secretKey: string;
  vault: Vault;
  control: pg.Pool;
  /** Starts (or restarts) worker `name`; resolves once it takes jobs. */
  start(name: string): Promise<void>;
  /** kill -9, as a crashed host would die: no shutdown hook runs. */
  kill(name: string): Promise<void>;
  names(): string[];
  /**
   * The live worker that used the most CPU over `sampleMs` (longer while no worker clearly leads): the
   * one running the account's job (the other only polls the queue). Killing it interrupts a run
   * mid-batch, which a random pick need not.
   */
  busiest(sampleMs?: number): Promise<string>;
  kills: number;
  /**
   * Presses "Sync now" for the account every `everyMs` (what the user, or a push notification,
   * does): pulls a run forward even when the engine's backoff has given up for an hour.
   */
  nudge(account: { id: string; companyId: string }, everyMs: number): void;
  /** What the API does after queueing outbound work: asks a worker to drain the outbox. */
  wakeOutbox(): Promise<void>;
  /** Runs, jobs and account state, printed when a wait times out. */
  diagnose(): Promise<string>;
  /** `until` that explains itself: on timeout the error carries `diagnose()`. */
  waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs?: number): Promise<T>;
  /** Count of rows a query returns as `n`. */
  count(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function startChaosWorld(env: Record<string, string>): Promise<ChaosWorld> {
  const t = await createTestDb('postgres');
  const url = String((t.db as PostgresDb).pool.options.connectionString);
  const secretKey = randomBytes(32).toString('base64');
  const control = new pg.Pool({ connectionString: url, max: 2 });
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-chaos-'));
  const workers = new Map<string, WorkerProcess>();
  let queue: JobQueue | undefined;
  let nudger: NodeJS.Timeout | undefined;

  const queueOf = () => (queue ??= new JobQueue({ db: t.db, databaseUrl: url, logger: createLogger('silent') }));
  const exited = (w: WorkerProcess) => w.child.exitCode !== null || w.child.signalCode !== null;
  async function kill(name: string): Promise<void> {
    const w = workers.get(name);
    if (!w || exited(w)) return;
    const gone = new Promise((r) => w.child.once('exit', r));
    w.child.kill('SIGKILL');
    await gone;
  }

  /** User + system CPU ticks of a live worker (/proc/<pid>/stat fields 14 and 15). */
  const cpuTicks = (w: WorkerProcess): number => {
    try {
      const stat = readFileSync(`/proc/${w.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };

  const world: ChaosWorld = {
    t,
    url,
    secretKey,
    vault: vaultFromKeys(secretKey),
    control,
    kills: 0,
    names: () => [...workers.keys()],
    async busiest(sampleMs = 1_000) {
      const live = [...workers.values()].filter((w) => !exited(w));
      const before = live.map(cpuTicks);
      const used = () => live.map((w, i) => cpuTicks(w) - (before[i] ?? 0));
      // The worker running a capture can sit out a whole window waiting on a Retry-After: keep
      // sampling (up to four windows) until one worker clearly leads, else take the leader so far.
      for (let window = 1; ; window++) {
        await new Promise((r) => setTimeout(r, sampleMs));
        const ticks = used();
        const [top = 0, second = 0] = [...ticks].sort((a, b) => b - a);
        if ((top >= 3 && top >= 2 * second) || window === 4) {
          const name = live[ticks.indexOf(top)]?.name;
          if (!name) throw new Error('no live worker');
          return name;
        }
      }
    },
    async start(name) {
      await kill(name);
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        env: { ...process.env, ...env, DATABASE_URL: url, TANDEM_SECRET_KEY: secretKey, WORKER_NAME: name, TANDEM_DATA_DIR: join(dataDir, name), TANDEM_LOG_LEVEL: process.env.CHAOS_LOG ?? 'error' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr?.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-4000);
        if (process.env.CHAOS_LOG) process.stderr.write(d);
      });
      workers.set(name, { name, child, stderr: () => err });
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d: Buffer) => {
          if (process.env.CHAOS_LOG) process.stderr.write(d);
          if (d.toString().includes(`ready ${name}`)) resolve();
        });
        child.once('exit', (code, signal) => reject(new Error(`worker ${name} exited (${code ?? signal}) before it was ready: ${err}`)));
      });
    },
    async kill(name) {
      await kill(name);
      world.kills++;
    },
    nudge(account, everyMs) {
      const q = queueOf();
      const started = q.start();
      nudger = setInterval(() => {
        void started.then(() => q.runSoon(queueNames.sync, { accountId: account.id, companyId: account.companyId, reason: 'sync_now' })).catch(() => undefined);
      }, everyMs);
    },
    async wakeOutbox() {
      const q = queueOf();
      await q.start();
      await q.enqueue(queueNames.outbox, { accountId: 'outbox', companyId: 'system', reason: 'wake' });
    },
    async diagnose() {
      const q = async (sql: string) => JSON.stringify((await control.query(sql)).rows);
      return [
        `accounts: ${await q('select status, status_reason, stage, next_run_at from connected_accounts')}`,
        `runs: ${await q('select feature, started_at, finished_at, items, errors, error_kind, message from sync_runs order by started_at desc limit 15')}`,
        `jobs: ${await q("select name, state, data->>'reason' as reason, start_after, started_on, completed_on, retry_count, output from pgboss.job where name in ('sync', 'outbox') order by created_on desc limit 12")}`,
        `throttle: ${await q('select * from throttle_state')}`,
      ].join('\n');
    },
    async waitFor(what, probe, timeoutMs, everyMs) {
      try {
        return await until(what, probe, timeoutMs, everyMs);
      } catch (e) {
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n${await world.diagnose()}\n${[...workers.values()].map((w) => `${w.name}: ${w.stderr()}`).join('\n')}`, { cause: e });
      }
    },
    async count(sql, params = []) {
      const r = await control.query<{ n: string }>(sql, params);
      return Number(r.rows[0]?.n ?? 0);
    },
    async close() {
      if (nudger) clearInterval(nudger);
      await Promise.all([...workers.keys()].map(kill));
      await queue?.stop(1000);
      await control.end();
      await t.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

/**
 * Kill moments chosen at random (seeded) as fractions of the work done, so every run kills mid-work
 * whatever the machine's speed: ascending, spread over 10 %–85 % of the way.
 */
export function killPoints(random: () => number, kills: number): number[] {
  return Array.from({ length: kills }, (_, i) => 0.1 + (0.75 * (i + random())) / kills).sort((a, b) => a - b);
}

/** The exactly-once facts of a company's capture, read from the tables themselves. */
export async function captureFacts(world: ChaosWorld, companyId: string) {
  const q = (sql: string) => world.count(sql, [companyId]);
  return {
    activities: await q(`select count(*) as n from activities where company_id = $1 and type = 'email'`),
    distinctDedupeKeys: await q(`select count(distinct dedupe_key) as n from activities where company_id = $1 and type = 'email'`),
    withoutDedupeKey: await q(`select count(*) as n from activities where company_id = $1 and type = 'email' and dedupe_key is null`),
    captured: await q(`select count(*) as n from captured_messages where company_id = $1`),
    distinctCaptured: await q(`select count(distinct provider_message_id) as n from captured_messages where company_id = $1`),
  };
}
