/**
 * The parent side of graph-sim-child.ts: starts the simulator in a child process, signs a mailbox
 * in through the simulator's OAuth pages with our own OAuth ability (as the connect flow does), and
 * places messages and reads the simulator's counters over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { signIn, simDefaultApp } from '../../sim/microsoft/index';
import { FakeClock } from '../../src/domain/clock';
import { pkcePair, redirectUri, testPassword } from '../../src/providers/microsoft/microsoft-test-harness';
import { createMicrosoftOAuth, type MicrosoftOAuth } from '../../src/providers/microsoft/microsoft-oauth';
import type { OAuthCredentials, ProviderEndpoints } from '../../src/providers/provider';

export type SimRequest =
  | { id: number; type: 'place'; mailbox: string; folder: string; raws: string[] }
  | { id: number; type: 'count'; mailbox: string; operation?: string }
  | { id: number; type: 'folderSize'; mailbox: string; folder: string }
  | { id: number; type: 'cpu' }
  | { id: number; type: 'close' };

export type SimReply = { id: number; value: number; url?: string } | { id: number; error: string };

/** A request as the caller writes it (the id is added on sending). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

type Pending = { resolve: (value: number) => void; reject: (e: Error) => void };

export interface RemoteGraphSim {
  url: string;
  /** The simulator's clock stands still at the same instant as this one (token lifetimes agree). */
  clock: FakeClock;
  endpoints: ProviderEndpoints;
  oauth: MicrosoftOAuth;
  connect(mailbox: string): Promise<OAuthCredentials>;
  place(mailbox: string, folder: string, raws: readonly Uint8Array[]): Promise<void>;
  count(mailbox: string, operation?: string): Promise<number>;
  folderSize(mailbox: string, folder: string): Promise<number>;
  /** CPU milliseconds the simulator's process has used so far (user + system, all its threads). */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

export async function startRemoteGraphSim(mailboxes: readonly string[]): Promise<RemoteGraphSim> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./graph-sim-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, GRAPH_SIM_MAILBOXES: mailboxes.join(',') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the Graph simulator process exited (${code}) before it was ready`)));
    child.once('message', (m: SimReply) => ('url' in m && m.url ? resolve(m.url) : reject(new Error('the Graph simulator sent no URL'))));
  });
  child.on('message', (m: SimReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if ('error' in m) p.reject(new Error(m.error));
    else p.resolve(m.value);
  });
  child.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error('the Graph simulator process exited'));
    pending.clear();
  });
  const ask = (req: Unnumbered<SimRequest>): Promise<number> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...req, id });
    });

  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const endpoints: ProviderEndpoints = { graphBaseUrl: `${url}/v1.0`, microsoftAuthorityHost: url };
  const oauth = createMicrosoftOAuth({ clientId: simDefaultApp.clientId, clientSecret: simDefaultApp.clientSecret }, endpoints, { fetch: (input, init) => fetch(input, init), clock });
  return {
    url,
    clock,
    endpoints,
    oauth,
    async connect(mailbox) {
      const { verifier, challenge } = pkcePair();
      const authorize = oauth.authorizeUrl({ state: 'bench', codeChallenge: challenge, redirectUri, loginHint: mailbox });
      const back = await signIn(url, authorize, { login: mailbox, password: testPassword });
      const { code } = oauth.parseRedirect(back.searchParams);
      return oauth.exchangeCode({ code, codeVerifier: verifier, redirectUri });
    },
    async place(mailbox, folder, raws) {
      for (let i = 0; i < raws.length; i += 100) {
        await ask({ type: 'place', mailbox, folder, raws: raws.slice(i, i + 100).map((r) => Buffer.from(r).toString('base64')) });
      }
    },
    count: (mailbox, operation) => ask({ type: 'count', mailbox, ...(operation ? { operation } : {}) }),
    folderSize: (mailbox, folder) => ask({ type: 'folderSize', mailbox, folder }),
    cpuMs: () => ask({ type: 'cpu' }),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await ask({ type: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}
