/**
 * Admin "Resync": forget the account's cursors so its next run is a full resync of the window (the
 * pipelines dedupe on provider ids and Message-IDs, so nothing doubles), and ask for that run now.
 */
import type { Clock } from '../../domain/clock';
import type { Db } from '../../store/db';
import type { ConnectedAccount } from '../../store/repos/accounts';
import { syncFeatures } from '../../store/schema';

export interface ResyncDeps {
  db: Db;
  clock: Clock;
  engine: { syncNow(account: Pick<ConnectedAccount, 'id' | 'companyId'>, reason: string): Promise<void> };
}

export type ResyncOutcome = { ok: true; account: ConnectedAccount; requestedAt: Date } | { ok: false; reason: 'not_found' | 'needs_reconnect' };

export async function resyncAccount(deps: ResyncDeps, companyId: string, accountId: string): Promise<ResyncOutcome> {
  const scope = { companyId };
  const account = await deps.db.repos.accounts.get(scope, accountId);
  if (!account || account.disconnectedAt) return { ok: false, reason: 'not_found' };
  // A stopped account cannot run; its user has to reconnect first (the cursors are kept for that).
  if (account.status === 'needs_reconnect' || account.status === 'disabled') return { ok: false, reason: 'needs_reconnect' };
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    for (const feature of syncFeatures) await tx.repos.syncState.setCursor(scope, account.id, feature, null, now);
  });
  await deps.engine.syncNow(account, 'resync');
  return { ok: true, account, requestedAt: now };
}
