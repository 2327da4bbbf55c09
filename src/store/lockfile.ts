/**
 * Exclusive lock on an embedded data folder. PGlite runs in-process and has no cross-process lock,
 * so two Tandem processes on one folder would corrupt it; this file (created with O_EXCL, holding the
 * owner's pid) refuses the second one. A lock left by a dead process is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const lockFileName = 'tandem.lock';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`data folder ${dataDir} is in use by process ${pid}`);
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** `process.kill(pid, 0)` probes without signalling: ESRCH means gone, EPERM means alive but not ours. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export function acquireDataDirLock(dataDir: string, pid: number = process.pid): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, lockFileName);
  // A few rounds cover the window where another process removes a stale lock between our steps.
  for (let round = 0; round < 5; round++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, `${pid}\n`);
      } finally {
        closeSync(fd);
      }
      return {
        path,
        release: () => {
          if (readPid(path) === pid) unlinkSync(path);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readPid(path);
    if (owner !== null && isProcessAlive(owner)) throw new DataDirLockedError(dataDir, owner);
    // Stale (dead owner) or unreadable half-written lock: remove and try again.
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new Error(`could not take the lock on data folder ${dataDir}`);
}
