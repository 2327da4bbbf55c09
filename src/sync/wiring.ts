/**
 * Which features an account run performs and which outbox kinds this build can deliver. One list,
 * so `tandem start`, `tandem worker` and the tests run the same pipeline.
 */
import { join } from 'node:path';
import type { Config } from '../config';
import { captureFeature } from './capture/capture-feature';
import { FileBlobStore, databaseBlobStore, type BlobStore } from './capture/blob-store';
import type { Db } from '../store/db';
import { calendarFeature } from './calendar/calendar-feature';
import { eventOutboxHandlers } from './calendar/event-outbox';
import type { SyncFeature } from './feature';
import type { OutboxHandler } from './outbox-worker';
import { relaySendHandler } from './relay/relay-send';
import { sendMailHandler } from './send/send-mail';
import type { Vault } from '../store/vault';

/** Scale-out keeps attachment bytes in PostgreSQL (every node sees them); embedded mode on disk. */
export function blobStoreFor(config: Pick<Config, 'dataDir' | 'databaseUrl'>, db: Pick<Db, 'repos'>): BlobStore {
  return config.databaseUrl ? databaseBlobStore(db) : new FileBlobStore(join(config.dataDir, 'blobs'));
}

export function syncFeatures(deps: { blobs: BlobStore; captureBatchSize?: number }): SyncFeature[] {
  return [captureFeature({ blobs: deps.blobs, ...(deps.captureBatchSize ? { batchSize: deps.captureBatchSize } : {}) }), calendarFeature()];
}

/** The relay handler opens the relay password and DKIM keys, so it exists where the vault is given. */
export function outboxHandlers(deps: { vault?: Vault } = {}): OutboxHandler[] {
  return [sendMailHandler, ...eventOutboxHandlers(), ...(deps.vault ? [relaySendHandler({ vault: deps.vault })] : [])];
}
