/**
 * The last step every provider's connect shares, once the provider has proved the credentials with a
 * real call: refuse what cannot be connected, then create or update the account. Reconnecting the same
 * mailbox keeps the account row, so its cursors, runs and activities carry on where they stopped.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock';
import { isProviderError } from '../../providers/errors';
import type { Credentials, MailboxIdentity, Provider, ProviderEndpoints, ProviderKind } from '../../providers/provider';
import type { Db } from '../../store/db';
import { connectionLifetimeMs, type ConnectedAccount } from '../../store/repos/accounts';
import { StoreError } from '../../store/repos/common';
import type { Vault } from '../../store/vault';
import { sealCredentials } from '../credentials';
import { ConnectError, connectMessages, type ChosenOptions } from './connect-types';

/** Fastify's request logger and pino both fit; connect logs outcomes, never credentials. */
export type ConnectLogger = Pick<Logger, 'info' | 'warn'>;

export interface AttachDeps {
  db: Db;
  vault: Vault;
  clock: Clock;
  logger: ConnectLogger;
  /**
   * Runs once the refusals have passed, before the accounts a different mailbox replaces are
   * disconnected (which deletes their credentials): the last moment their push subscriptions can be
   * ended at the provider.
   */
  beforeReplace?(replaced: readonly ConnectedAccount[]): Promise<void>;
}

export interface AttachInput {
  companyId: string;
  userId: string;
  provider: ProviderKind;
  identity: MailboxIdentity;
  credentials: Credentials;
  endpoints: ProviderEndpoints;
  options: ChosenOptions;
}

/** Refusals that need no write: shared mailboxes and lists, and a mailbox another user holds. */
export async function refuseUnconnectable(db: Db, input: Pick<AttachInput, 'userId' | 'provider' | 'identity'>): Promise<void> {
  if (input.identity.type !== 'user') throw new ConnectError('unsupported_mailbox', connectMessages.unsupported_mailbox);
  const holder = await db.repos.accounts.findConnectedMailboxForSystem(input.provider, input.identity.address);
  if (holder && holder.userId !== input.userId) throw new ConnectError('mailbox_in_use', connectMessages.mailbox_in_use);
}

function isMailboxConflict(e: unknown): boolean {
  return e instanceof StoreError && e.code === 'conflict';
}

/** Creates or updates the account (active, credentials sealed, 90 days from now); disconnects a replaced one. */
export async function attachAccount(deps: AttachDeps, input: AttachInput): Promise<ConnectedAccount> {
  await refuseUnconnectable(deps.db, input);
  const now = deps.clock.now();
  const scope = { companyId: input.companyId };
  const current = await deps.db.repos.accounts.listForUser(scope, input.userId);
  const address = input.identity.address.trim();
  const same = current.find((a) => a.provider === input.provider && a.mailboxAddress.toLowerCase() === address.toLowerCase());
  const replaced = current.filter((a) => a !== same);
  if (replaced.length > 0) await deps.beforeReplace?.(replaced);
  const fields = {
    providerUserId: input.identity.providerUserId,
    syncEmail: input.options.syncEmail,
    syncCalendar: input.options.syncCalendar,
    syncCaptureFolder: input.options.syncCaptureFolder,
    endpoints: input.endpoints,
    status: 'active' as const,
    statusReason: null,
    nextRunAt: null,
  };
  try {
    return await deps.db.transaction(async (tx) => {
      // One mailbox per Tandem user: a different mailbox replaces the one connected before.
      for (const old of replaced) await tx.repos.accounts.disconnect(scope, old.id, now);
      if (same) {
        return tx.repos.accounts.update(
          scope,
          same.id,
          {
            ...fields,
            credentialsSecret: sealCredentials(deps.vault, same.id, input.credentials),
            renewedAt: now,
            expiresAt: new Date(now.getTime() + connectionLifetimeMs),
            expiryWarned: 'none',
          },
          now,
        );
      }
      const created = await tx.repos.accounts.create(scope, { ...fields, userId: input.userId, provider: input.provider, mailboxAddress: address, now });
      // The vault context names the account id, so the secret is sealed once the row exists.
      return tx.repos.accounts.update(scope, created.id, { credentialsSecret: sealCredentials(deps.vault, created.id, input.credentials) }, now);
    });
  } catch (e) {
    // Two users racing for the same mailbox: the unique index decides.
    if (isMailboxConflict(e)) throw new ConnectError('mailbox_in_use', connectMessages.mailbox_in_use);
    throw e;
  }
}

/**
 * Creates (or reuses) the `Tandem` and `Processed` folders at once so the user can start filing mail.
 * A failure here does not undo the connection: every capture run ensures them again.
 */
export async function ensureFolders(deps: AttachDeps, account: ConnectedAccount, provider: Provider): Promise<ConnectedAccount> {
  if (!account.syncEmail || !account.syncCaptureFolder || !provider.mail) return account;
  try {
    const folders = await provider.mail.ensureCaptureFolders({ capture: account.captureFolderName, processed: account.processedFolderName });
    return await deps.db.repos.accounts.update(
      { companyId: account.companyId },
      account.id,
      { captureFolderId: folders.captureId, processedFolderId: folders.processedId },
      deps.clock.now(),
    );
  } catch (e) {
    if (!isProviderError(e)) throw e;
    deps.logger.warn({ accountId: account.id, provider: account.provider, kind: e.kind, code: e.code }, 'capture folders not created at connect; the first run retries');
    return account;
  }
}
