/**
 * Builds the web UI and runs `tandem demo` (bin/tandem.js → src/cli) as a child process on a free
 * port with a throw-away data folder, the way a user would start it. Stops it with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';

export const demoSignIn = { email: 'ava@greenleaf.example', password: 'tandem-demo' };

export async function buildWebUi(): Promise<void> {
  await build({ configFile: path.resolve('web/vite.config.ts'), logLevel: 'warn', build: { sourcemap: false } });
}

/** A port the OS just handed out. The API's public URL must name its real port (OAuth redirect URIs), so PORT=0 will not do. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningTandem {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startTandem(command: 'demo' | 'start' = 'demo', timeoutMs = 90_000): Promise<RunningTandem> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['bin/tandem.js', command], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', TANDEM_PUBLIC_URL: url, TANDEM_DATA_DIR: dataDir, TANDEM_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tandem ${command} did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`tandem ${command} exited with ${code}:\n${out}`));
      });
      // Ready once the welcome text is printed: the server listens and the demo company is seeded.
      const poll = setInterval(() => {
        if (out.includes('Tandem is running at')) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, output: () => out, stop };
}
