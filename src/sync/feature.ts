/**
 * What the engine runs for an account. The engine owns scheduling, status, credentials, throttling
 * and retries; a feature (capture, calendar) only does its work with the provider it is handed and
 * reports how much it did. A feature that hits a provider failure throws the ProviderError: the
 * engine's retry policy decides what happens next.
 */
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock';
import type { Provider } from '../providers/provider';
import type { Db } from '../store/db';
import type { ConnectedAccount } from '../store/repos/accounts';

export interface FeatureContext {
  account: ConnectedAccount;
  scope: { companyId: string };
  provider: Provider;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Set when the previous attempt ended in cursor_expired: start over from no cursor. */
  fullResync: boolean;
  /**
   * Report items committed so far (e.g. after each stored page). If the run later fails, the engine
   * counts them as progress: a run that got some work done does not extend the failure streak toward
   * `failed` (retry-policy decideRunFailure). Items reported here are not added to the outcome's.
   */
  progress?(items: number): void;
}

export interface FeatureOutcome {
  items: number;
  /** Items that failed on their own (recorded, not fatal to the run). */
  errors: number;
}

export interface SyncFeature {
  readonly name: 'capture' | 'calendar';
  /** Whether this account wants the feature (its settings). */
  enabled(account: ConnectedAccount): boolean;
  run(ctx: FeatureContext): Promise<FeatureOutcome>;
}
