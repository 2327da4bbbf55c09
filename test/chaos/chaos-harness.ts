/**
 * What the chaos tests share: one PostgreSQL, worker processes running the real engine (spawned from
 * fixtures/chaos-worker.ts, killed with kill -9 and restarted), a seeded random source for the kill
 * moments, and the exactly-once checks read straight from the tables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
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

/**
 * Requests that HTTP servers of this process (the simulators) received, by server port: the client's
 * port and when. Node publishes every request's socket on this channel; nothing in the simulators changes.
 */
const requestsByServerPort = new Map<number, { clientPort: number; at: number }[]>();
subscribe('http.server.request.start', (message) => {
  const { socket, server } = message as { socket: Socket; server: Server };
  const address = server.address();
  if (!address || typeof address === 'string' || socket.remotePort === undefined) return;
  const seen = requestsByServerPort.get(address.port) ?? [];
  seen.push({ clientPort: socket.remotePort, at: Date.now() });
  requestsByServerPort.set(address.port, seen.slice(-50));
});

/** The inode of the loopback TCP socket from `localPort` to `remotePort` (/proc/net/tcp, tcp6), if it is still open. */
function socketInode(localPort: number, remotePort: number): string | undefined {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const port = (address: string | undefined) => parseInt(address?.split(':')[1] ?? '', 16);
      if (port(f[1]) === localPort && port(f[2]) === remotePort && f[9] && f[9] !== '0') return f[9];
    }
  }
  return undefined;
}

/** Whether process `pid` holds the socket with this inode among its open files. */
function holdsSocket(pid: number | undefined, inode: string): boolean {
  if (pid === undefined) return false;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
      } catch {
        return false; // closed while we looked
      }
    });
  } catch {
    return false;
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
   * The live worker that sent `minRequests` requests to the server of this process listening on
   * `serverPort` (a simulator) since the call, within `timeoutMs` (else undefined): the one running
   * the account's job, which talks to the provider request after request. A watcher's occasional
   * poll (EWS GetEvents every 10 s, from either worker) stays under the count.
   */
  talkingTo(serverPort: number, timeoutMs: number, minRequests: number): Promise<string | undefined>;
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

  const world: ChaosWorld = {
    t,
    url,
    secretKey,
    vault: vaultFromKeys(secretKey),
    control,
    kills: 0,
    names: () => [...workers.keys()],
    async talkingTo(serverPort, timeoutMs, minRequests) {
      const deadline = Date.now() + timeoutMs;
      const since = Date.now();
      const sender = new Map<{ clientPort: number; at: number }, string>();
      while (Date.now() < deadline) {
        // Each request since the call is put to the worker holding its client socket, while it is open
        // (a reset fault closes it at once: that request goes uncounted).
        for (const r of (requestsByServerPort.get(serverPort) ?? []).filter((q) => q.at >= since && !sender.has(q))) {
          const inode = socketInode(r.clientPort, serverPort);
          const holder = inode && [...workers.values()].find((w) => !exited(w) && holdsSocket(w.child.pid, inode));
          if (holder) sender.set(r, holder.name);
        }
        const counts = new Map<string, number>();
        for (const name of sender.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
        const talker = [...counts].find(([name, n]) => n >= minRequests && workers.get(name) && !exited(workers.get(name) as WorkerProcess));
        if (talker) return talker[0];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return undefined;
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
