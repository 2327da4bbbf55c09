/**
 * Connection and access-token lifetimes. A connection lives 90 days from connecting and is renewed
 * whenever the user signs in to Tandem; users are warned 14 and 3 days before it lapses. Access
 * tokens are refreshed ahead of expiry so a run never starts with a token about to die mid-batch.
 */
const DAY_MS = 86_400_000;

export const CONNECTION_LIFETIME_DAYS = 90;

export type ConnectionHealth = 'ok' | 'warn_14d' | 'warn_3d' | 'expired';

export interface ConnectionDates {
  connectedAt: string;
  /** Last Tandem sign-in that renewed the connection. */
  renewedAt?: string | null;
}

/** When the connection lapses: 90 days after the later of connecting and the last renewal. */
export function connectionExpiresAt(account: ConnectionDates): Date {
  const from = Math.max(Date.parse(account.connectedAt), account.renewedAt ? Date.parse(account.renewedAt) : -Infinity);
  return new Date(from + CONNECTION_LIFETIME_DAYS * DAY_MS);
}

export function connectionHealth(account: ConnectionDates, now: Date): ConnectionHealth {
  const left = connectionExpiresAt(account).getTime() - now.getTime();
  if (left <= 0) return 'expired';
  if (left <= 3 * DAY_MS) return 'warn_3d';
  if (left <= 14 * DAY_MS) return 'warn_14d';
  return 'ok';
}

export type ExpiryWarned = 'none' | '14d' | '3d';

/** The warning to send now, if any, given which one was already sent (each is sent once). */
export function warningToSend(health: ConnectionHealth, alreadyWarned: ExpiryWarned): '14d' | '3d' | null {
  if (health === 'warn_3d' && alreadyWarned !== '3d') return '3d';
  if (health === 'warn_14d' && alreadyWarned === 'none') return '14d';
  return null;
}

/** A sign-in renews the connection and resets the warnings. */
export function renewOnSignIn(now: Date): { renewedAt: string; expiresAt: string; expiryWarned: ExpiryWarned } {
  return { renewedAt: now.toISOString(), expiresAt: connectionExpiresAt({ connectedAt: now.toISOString() }).toISOString(), expiryWarned: 'none' };
}

export const DEFAULT_REFRESH_AHEAD_MS = 5 * 60_000;

/** Refresh the access token when less than `aheadMs` of its life remains (or its expiry is unknown). */
export function shouldRefreshAccessToken(accessTokenExpiresAt: string | null | undefined, now: Date, aheadMs: number = DEFAULT_REFRESH_AHEAD_MS): boolean {
  if (!accessTokenExpiresAt) return true;
  const expires = Date.parse(accessTokenExpiresAt);
  if (Number.isNaN(expires)) return true;
  return expires - now.getTime() < aheadMs;
}
