/**
 * Which features an account run performs and which outbox kinds this build can deliver. One list,
 * so `tandem start`, `tandem worker` and the tests run the same pipeline.
 */
import type { Config } from '../config';
import type { SyncFeature } from './feature';
import type { OutboxHandler } from './outbox-worker';

export function syncFeatures(_deps: { config: Pick<Config, 'dataDir'> }): SyncFeature[] {
  return [];
}

export function outboxHandlers(): OutboxHandler[] {
  return [];
}
