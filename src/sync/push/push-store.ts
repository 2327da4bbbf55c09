/**
 * What push needs from the store beyond the repositories: the system-wide list of accounts that may
 * hold a push channel, and which resources each one wants. Kept here (one query, one pure rule) until
 * the accounts repository grows a matching *ForSystem method.
 */
import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { PushResource } from '../../providers/provider';
import type { Db } from '../../store/db';
import type { ConnectedAccount } from '../../store/repos/accounts';
import type { PushSubscriptionRow } from '../../store/repos/sync-state';
import { connectedAccounts, pushSubscriptions } from '../../store/schema';

/** Accounts that sync; 'needs_reconnect' and 'disabled' hold no channel (their credentials are dead or gone). */
export async function listPushCandidates(db: Db, providers: readonly ConnectedAccount['provider'][]): Promise<ConnectedAccount[]> {
  if (providers.length === 0) return [];
  return db.orm
    .select()
    .from(connectedAccounts)
    .where(
      and(
        isNull(connectedAccounts.disconnectedAt),
        sql`${connectedAccounts.status} not in ('needs_reconnect', 'disabled')`,
        inArray(connectedAccounts.provider, [...providers]),
      ),
    );
}

/** Every stored subscription and lease (at most one per account and resource: a small table). */
export async function listAllPushRows(db: Db): Promise<PushSubscriptionRow[]> {
  return db.orm.select().from(pushSubscriptions);
}

/** Whether the account's run could use this push at all; mirrors the features' `enabled` rules. */
export function isActive(account: Pick<ConnectedAccount, 'status' | 'disconnectedAt'>): boolean {
  return account.disconnectedAt === null && account.status !== 'needs_reconnect' && account.status !== 'disabled';
}

/**
 * Resources to watch: the capture folder once the first run created it (its id is stored), and the
 * calendar when calendar sync is on.
 */
export function wantedResources(account: ConnectedAccount): PushResource[] {
  if (!isActive(account)) return [];
  const out: PushResource[] = [];
  if (account.syncEmail && account.syncCaptureFolder && account.captureFolderId && account.processedFolderId) out.push('capture');
  if (account.syncCalendar) out.push('calendar');
  return out;
}

export function captureFoldersOf(account: ConnectedAccount): { captureId: string; processedId: string } | undefined {
  return account.captureFolderId && account.processedFolderId ? { captureId: account.captureFolderId, processedId: account.processedFolderId } : undefined;
}
