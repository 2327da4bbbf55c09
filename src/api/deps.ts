/** What route modules receive: the database, the clock and the configuration; nothing global. */
import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { Db } from '../store/db';
import type { StoreError } from '../store/repos/common';
import { ApiError } from './errors';

export interface RouteDeps {
  db: Db;
  clock: Clock;
  /** dnsServers: for the sending-domain checks (TANDEM_DNS_SERVERS); optional so tests may omit it. */
  config: Pick<Config, 'publicUrl'> & Partial<Pick<Config, 'dnsServers'>>;
  /** Random bytes source (session tokens, CSRF tokens); injected so tests can pin it. */
  randomToken(bytes: number): string;
}

/** Maps store errors to the API catalogue; references to other companies' rows look like "not found". */
export function fromStoreError(e: StoreError): ApiError {
  switch (e.code) {
    case 'not_found':
    case 'invalid_reference':
      return new ApiError('not_found');
    case 'conflict':
      return new ApiError('conflict', e.message);
    case 'invalid_input':
      return new ApiError('validation_failed', e.message);
  }
}
