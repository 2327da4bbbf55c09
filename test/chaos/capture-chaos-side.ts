/**
 * One provider side of the capture chaos test (capture-chaos.test.ts): a simulator in this process
 * with one mailbox signed in, the environment pointing worker processes at it, and the user's view
 * of that mailbox's capture and Processed folders (labels, for Gmail).
 */
import type { FaultInjector } from '../../sim/common/faults';
import type { Db } from '../../src/store/db';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import type { Vault } from '../../src/store/vault';

export interface CaptureChaosSide {
  mailbox: string;
  /** The simulator's port: the worker whose requests arrive there is the one running the account's job. */
  port: number;
  /** About `rate` of the workers' requests (and of the parts inside a batch call) fail at random from now on. */
  addFaults(rate: number): void;
  /** Faults fired so far. */
  faultsFired(): number;
  /** Environment for worker processes (client app and base URLs of the simulator, where it needs any). */
  workerEnv: Record<string, string>;
  /** Creates Tandem and Processed through the provider adapter, as the account's first run would. */
  ensureFolders(): Promise<void>;
  /** The user drops a message into the Tandem folder. */
  place(raw: Uint8Array): Promise<void>;
  /** How many messages the mailbox holds in that folder (label), read on the simulator past the faults. */
  inFolder(folder: 'Tandem' | 'Processed'): number;
  /** The account as the connect flow stores it (credentials sealed with `vault`). */
  connect(db: Db, vault: Vault, scope: { companyId: string }, userId: string): Promise<ConnectedAccount>;
  close(): Promise<void>;
}

/**
 * The mix every simulator renders in its own wire format: a quarter throttles (Retry-After 1 s), an
 * eighth 503 and an eighth 500, a quarter held for 300 ms then dropped, a quarter reset at once.
 */
export function addRequestFaults(faults: FaultInjector, rate: number): void {
  const share = rate / 4;
  faults.add({ kind: 'throttle', rate: share, retryAfterSeconds: 1 });
  faults.add({ kind: 'unavailable', rate: share / 2, retryAfterSeconds: 1 });
  faults.add({ kind: 'server_error', rate: share / 2 });
  faults.add({ kind: 'timeout', rate: share, holdMs: 300 });
  faults.add({ kind: 'reset', rate: share });
}
