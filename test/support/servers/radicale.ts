/**
 * Starts a real Radicale (Debian package, system Python at /usr/bin/radicale) as the test's own
 * process: htpasswd plain auth and filesystem storage in a temp folder, on an ephemeral loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerUser } from './dovecot';
import { freePort, stopChild, waitUntil } from './net-utils';

export interface RadicaleServer {
  /** Server root, e.g. http://127.0.0.1:40123/ — discovery starts here (/.well-known/caldav). */
  url: string;
  host: string;
  port: number;
  users: ServerUser[];
  /** URL of a calendar collection of `user` (created by `createCalendar`). */
  calendarUrl(user: string, name?: string): string;
  /** MKCALENDAR for the user; returns its URL. */
  createCalendar(user: string, name?: string): Promise<string>;
  /** Deletes Radicale's stored sync-token history, so every earlier token becomes invalid. */
  forgetSyncTokens(): void;
  authHeader(user: string): string;
  stop(): Promise<void>;
}

export async function startRadicale(options: { users: ServerUser[]; binary?: string }): Promise<RadicaleServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-radicale-'));
  const host = '127.0.0.1';
  const port = await freePort(host);
  writeFileSync(join(dir, 'users'), options.users.map((u) => `${u.user}:${u.password}\n`).join(''));
  writeFileSync(
    join(dir, 'config'),
    [
      '[server]',
      `hosts = ${host}:${port}`,
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${join(dir, 'users')}`,
      'htpasswd_encryption = plain',
      // Radicale delays failed logins by default; tests of a wrong password need not wait.
      'delay = 0',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${join(dir, 'collections')}`,
      '[logging]',
      'level = warning',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(options.binary ?? '/usr/bin/radicale', ['--config', join(dir, 'config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://${host}:${port}/`;
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`radicale exited (${child.exitCode}): ${stderr}`);
    try {
      await fetch(url);
      return true;
    } catch {
      return false;
    }
  }, 'radicale');

  const authHeader = (user: string) => {
    const found = options.users.find((u) => u.user === user);
    if (!found) throw new Error(`unknown user ${user}`);
    return `Basic ${Buffer.from(`${found.user}:${found.password}`).toString('base64')}`;
  };
  const calendarUrl = (user: string, name = 'calendar') => `${url}${user}/${name}/`;

  return {
    url,
    host,
    port,
    users: options.users,
    calendarUrl,
    authHeader,
    async createCalendar(user, name = 'calendar') {
      const target = calendarUrl(user, name);
      const res = await fetch(target, { method: 'MKCALENDAR', headers: { authorization: authHeader(user) } });
      if (res.status !== 201) throw new Error(`MKCALENDAR ${target}: ${res.status}`);
      return target;
    },
    forgetSyncTokens() {
      const walk = (path: string) => {
        for (const entry of readdirSync(path, { withFileTypes: true })) {
          if (!entry.isDirectory()) continue;
          const full = join(path, entry.name);
          if (entry.name === 'sync-token' && full.includes('.Radicale.cache')) rmSync(full, { recursive: true, force: true });
          else walk(full);
        }
      };
      const root = join(dir, 'collections');
      if (existsSync(root)) walk(root);
    },
    async stop() {
      // Radicale keeps no state worth a clean shutdown here, and SIGTERM waits for its poll loop.
      await stopChild(child, 3_000, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
