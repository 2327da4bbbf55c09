/**
 * Small helpers the real-server harnesses share: an ephemeral port, polling a condition while a
 * child process starts, and stopping a child process by its own pid.
 */
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

/** Binds port 0 on loopback, reads the port the kernel picked and releases it for the server. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

/**
 * Polls until `check` is true. Waiting for a real child process to open its port is the one place a
 * wall-clock pause is needed: there is no event to wait on.
 */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(stepMs);
  }
}

/** Sends `signal` (SIGTERM), then SIGKILL if the process has not exited in time. */
export async function stopChild(child: ChildProcess, graceMs = 3_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
