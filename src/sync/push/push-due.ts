/**
 * Pure rules: what push each account wants, and which accounts need their subscriptions created,
 * renewed or removed now.
 */
import type { ProviderKind, PushResource } from '../../providers/provider';
import type { ConnectedAccount } from '../../store/repos/accounts';
import type { PushSubscriptionRow } from '../../store/repos/push-subscriptions';

export interface AccountRef {
  id: string;
  companyId: string;
}

/** Providers that call us back; Exchange (pull) and IMAP (IDLE) are watched by LocalWatchers instead. */
export const webhookProviders: readonly ProviderKind[] = ['microsoft', 'google'];

const day = 24 * 3600_000;

/** Whether the account's run could use push at all; mirrors the features' `enabled` rules. */
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

/**
 * How long before expiry a subscription is renewed. A Gmail watch lasts 7 days but Google asks for
 * watch to be re-called about once a day (Gmail push guide), so it is renewed once a day old. Graph
 * Outlook subscriptions (10,080 minutes) and Calendar channels get a day of margin, which survives a
 * worker outage of hours.
 */
export function renewBeforeMs(provider: ProviderKind, resource: PushResource): number {
  return provider === 'google' && resource === 'capture' ? 6 * day : day;
}

export function isDue(provider: ProviderKind, row: Pick<PushSubscriptionRow, 'resource' | 'expiresAt'>, now: Date): boolean {
  return row.expiresAt.getTime() - now.getTime() < renewBeforeMs(provider, row.resource);
}

/**
 * Accounts with a wanted resource lacking a subscription or one due for renewal, plus accounts that
 * hold rows they no longer want (stopped, disconnected, feature turned off). `accounts` are the push
 * candidates; rows of other accounts are stale by definition.
 */
export function dueForEnsure(accounts: readonly ConnectedAccount[], rows: readonly PushSubscriptionRow[], now: Date): AccountRef[] {
  const byAccount = new Map<string, PushSubscriptionRow[]>();
  for (const row of rows) byAccount.set(row.accountId, [...(byAccount.get(row.accountId) ?? []), row]);
  const due = new Map<string, AccountRef>();
  const known = new Set<string>();
  for (const account of accounts) {
    known.add(account.id);
    if (!webhookProviders.includes(account.provider)) continue;
    const wanted = wantedResources(account);
    const held = byAccount.get(account.id) ?? [];
    const missing = wanted.some((r) => !held.some((h) => h.resource === r));
    const stale = held.some((h) => !wanted.includes(h.resource) || isDue(account.provider, h, now));
    if (missing || stale) due.set(account.id, { id: account.id, companyId: account.companyId });
  }
  for (const row of rows) {
    // Lease rows of local watchers belong to LocalWatchers; everything else unknown here is stale.
    if (!known.has(row.accountId) && !row.providerSubscriptionId.startsWith(localLeasePrefix)) due.set(row.accountId, { id: row.accountId, companyId: row.companyId });
  }
  return [...due.values()];
}

/** providerSubscriptionId prefix of the rows LocalWatchers use as per-account leases. */
export const localLeasePrefix = 'local-watch:';
