import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { pgliteSnapshot } from '../../test/support/test-db';
import { openDb } from './db';
import { acquireDataDirLock, DataDirLockedError, lockFileName } from './lockfile';

const child = fileURLToPath(new URL('./fixtures/open-db-child.ts', import.meta.url));

function startChild(dataDir: string): { proc: ChildProcessWithoutNullStreams; firstLine: Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir], { stdio: 'pipe' });
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    proc.on('exit', (code) => resolve(out.split('\n')[0] || `exited ${code}`));
    proc.on('error', reject);
  });
  return { proc, firstLine };
}

const exited = (proc: ChildProcessWithoutNullStreams) => new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.on('exit', () => resolve())));

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('data folder lock', () => {
  it('refuses a second process while the first holds the folder, and takes over after it dies', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tandem-lock-'));
    // Start from a ready data folder so the processes below open it instead of each running initdb.
    const seed = await PGlite.create({ dataDir: join(dataDir, 'pglite'), loadDataDir: await pgliteSnapshot() });
    await seed.close();
    const first = startChild(dataDir);
    expect(await first.firstLine).toBe(`opened ${first.proc.pid}`);

    // A second process on the same folder is refused with the owner's pid.
    const second = startChild(dataDir);
    expect(await second.firstLine).toBe(`refused: data folder ${dataDir} is in use by process ${first.proc.pid}`);
    await exited(second.proc);
    // So is this process.
    await expect(openDb({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);

    // The first crashes without releasing: its lock is stale and is taken over.
    first.proc.kill('SIGKILL');
    await exited(first.proc);
    expect(existsSync(join(dataDir, lockFileName))).toBe(true);
    const db = await openDb({ dataDir });
    expect(await db.repos.companies.findByNameForSystem('nobody')).toBeUndefined(); // it really opened
    await db.close();
    expect(existsSync(join(dataDir, lockFileName))).toBe(false);
  });

  it('takes over a lock whose pid is dead and refuses one whose pid is alive', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tandem-lock-'));
    writeFileSync(join(dataDir, lockFileName), `${deadPid()}\n`);
    const lock = acquireDataDirLock(dataDir);
    expect(() => acquireDataDirLock(dataDir, process.pid + 1)).toThrow(`data folder ${dataDir} is in use by process ${process.pid}`);
    lock.release();
    expect(existsSync(join(dataDir, lockFileName))).toBe(false);
  });
});
