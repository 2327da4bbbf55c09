/**
 * Which features an account run performs and which outbox kinds this build can deliver. One list,
 * so `tandem start`, `tandem worker` and the tests run the same pipeline.
 */
import { join } from 'node:path';
import type { Config } from '../config';
import { captureFeature } from './capture/capture-feature';
import { FileBlobStore } from './capture/blob-store';
import { calendarFeature } from './calendar/calendar-feature';
import { eventOutboxHandlers } from './calendar/event-outbox';
import type { SyncFeature } from './feature';
import type { OutboxHandler } from './outbox-worker';
import { relaySendHandler } from './relay/relay-send';
import { sendMailHandler } from './send/send-mail';
import type { Vault } from '../store/vault';

export function syncFeatures(deps: { config: Pick<Config, 'dataDir' | 'databaseUrl'> }): SyncFeature[] {
  // Scale-out keeps attachment bytes in PostgreSQL (every node sees them); embedded mode on disk.
  const blobs = deps.config.databaseUrl ? undefined : new FileBlobStore(join(deps.config.dataDir, 'blobs'));
  return [captureFeature(blobs ? { blobs } : {}), calendarFeature()];
}

/** The relay handler opens the relay password and DKIM keys, so it exists where the vault is given. */
export function outboxHandlers(deps: { vault?: Vault } = {}): OutboxHandler[] {
  return [sendMailHandler, ...eventOutboxHandlers(), ...(deps.vault ? [relaySendHandler({ vault: deps.vault })] : [])];
}
