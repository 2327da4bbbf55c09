/**
 * Delivers outbox rows (sends, calendar writes) through the account's provider. Rows are claimed
 * with SKIP LOCKED and a lease, so any number of workers share them and a dead worker's rows come
 * back after the lease. Before repeating a delivery the handler first looks for the earlier attempt's
 * effect (our Message-ID in Sent, our tandemId on an event): a timeout after the provider accepted
 * must not send twice. After maxAttempts a row becomes a dead letter whose reason the user sees.
 */
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock';
import { ProviderError, isProviderError } from '../providers/errors';
import type { Provider } from '../providers/provider';
import type { Db } from '../store/db';
import type { ConnectedAccount } from '../store/repos/accounts';
import type { OutboxRow } from '../store/repos/outbox';
import type { OutboxKind } from '../store/schema';
import type { CredentialService } from './credentials';
import type { ProviderAccess } from './provider-access';
import { decideRetry, type RetryPolicyConfig } from './retry-policy';

export interface OutboxContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  scope: { companyId: string };
  /** The sending account; absent for company-level deliveries such as the SMTP relay. */
  account?: ConnectedAccount;
}

export interface OutboxHandler {
  readonly kind: OutboxKind;
  /** Whether an earlier attempt already took effect at the provider. Called before every repeat. */
  alreadyDone?(row: OutboxRow, provider: Provider | undefined, ctx: OutboxContext): Promise<boolean>;
  deliver(row: OutboxRow, provider: Provider | undefined, ctx: OutboxContext): Promise<void>;
  /** The row was delivered (or found already delivered): mark the activity / appointment. */
  onDelivered?(row: OutboxRow, ctx: OutboxContext): Promise<void>;
  /** The row is a dead letter: tell the user why (activity failed, appointment flagged). */
  onDead?(row: OutboxRow, reason: string, ctx: OutboxContext): Promise<void>;
  /** Whether the handler needs the account's provider (relay sends do not). */
  readonly needsProvider: boolean;
}

export interface OutboxWorkerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  credentials: CredentialService;
  providers: ProviderAccess;
  handlers: OutboxHandler[];
  retry: RetryPolicyConfig;
  /** How long a claimed row is ours before another worker may take it. */
  leaseMs?: number;
  /** Called when an account's credentials turn out dead during a delivery. */
  onTokenDead?(account: ConnectedAccount, error: ProviderError): Promise<void>;
}

export type DeliveryOutcome = 'delivered' | 'already_delivered' | 'retry' | 'dead' | 'waiting_for_reconnect';

/** How long rows of an account that needs reconnecting wait before being looked at again. */
const reconnectWaitMs = 15 * 60_000;

export class OutboxWorker {
  private readonly handlers: Map<OutboxKind, OutboxHandler>;

  constructor(private readonly deps: OutboxWorkerDeps) {
    this.handlers = new Map(deps.handlers.map((h) => [h.kind, h]));
  }

  /** Claims and delivers due rows until none are left (or `maxRows`). Returns outcomes for tests/metrics. */
  async drain(maxRows = 500): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    while (outcomes.length < maxRows) {
      const rows = await this.deps.db.repos.outbox.claimDueForSystem(this.deps.clock.now(), {
        limit: Math.min(20, maxRows - outcomes.length),
        leaseMs: this.deps.leaseMs ?? 5 * 60_000,
        kinds: [...this.handlers.keys()],
      });
      if (rows.length === 0) break;
      outcomes.push(...(await Promise.all(rows.map((row) => this.deliverOne(row)))));
    }
    return outcomes;
  }

  private async deliverOne(row: OutboxRow): Promise<DeliveryOutcome> {
    const { db, clock } = this.deps;
    const scope = { companyId: row.companyId };
    const handler = this.handlers.get(row.kind);
    if (!handler) throw new Error(`no outbox handler for ${row.kind}`);
    const account = row.accountId ? await db.repos.accounts.get(scope, row.accountId) : undefined;
    const ctx: OutboxContext = { db, clock, scope, logger: this.deps.logger.child({ outboxId: row.id, kind: row.kind }), ...(account ? { account } : {}) };
    if (handler.needsProvider && (!account || account.disconnectedAt)) {
      return this.dead(row, handler, ctx, 'The mailbox this was to go through is no longer connected.');
    }
    if (account && (account.status === 'needs_reconnect' || account.status === 'disabled')) {
      // Nothing is lost: the row waits for the user to reconnect (reconnecting wakes the outbox).
      await db.repos.outbox.retry(scope, row.id, new Date(clock.now().getTime() + reconnectWaitMs), `waiting: account ${account.status}`);
      return 'waiting_for_reconnect';
    }

    let forceRefresh = false;
    for (;;) {
      let provider: Provider | undefined;
      try {
        if (handler.needsProvider && account) {
          provider = this.deps.providers.create(account, await this.deps.credentials.forRun(account, { force: forceRefresh }));
        }
        if (row.attempts > 1 && handler.alreadyDone && (await handler.alreadyDone(row, provider, ctx))) {
          await this.settle(row, handler, ctx);
          return 'already_delivered';
        }
        await handler.deliver(row, provider, ctx);
        await this.settle(row, handler, ctx);
        return 'delivered';
      } catch (e) {
        const err = isProviderError(e) ? e : new ProviderError('transient', e instanceof Error ? e.message : String(e), { code: 'internal', cause: e });
        const action = decideRetry(err, { attempt: row.attempts, scope: 'operation', ...(forceRefresh ? { previousKind: 'auth_expired' as const } : {}) }, this.deps.retry);
        ctx.logger.warn({ kind: err.kind, code: err.code, action: action.action, attempt: row.attempts }, 'outbox delivery failed');
        switch (action.action) {
          case 'refresh_and_retry_once':
            forceRefresh = true;
            continue;
          case 'wait':
          case 'backoff':
            await db.repos.outbox.retry(scope, row.id, new Date(clock.now().getTime() + action.delayMs), describe(err));
            return 'retry';
          case 'needs_reconnect':
          case 'needs_admin_consent':
            if (account) await this.deps.onTokenDead?.(account, err);
            await db.repos.outbox.retry(scope, row.id, new Date(clock.now().getTime() + reconnectWaitMs), describe(err));
            return 'waiting_for_reconnect';
          default:
            return this.dead(row, handler, ctx, describe(err));
        }
      }
    }
  }

  /**
   * The handler's effect on the CRM (activity "sent") is written BEFORE the row is closed: a worker
   * killed in between leaves the row to come back, find the delivery already done and settle again
   * (the hooks are idempotent). The other order could close the row and lose the activity update.
   */
  private async settle(row: OutboxRow, handler: OutboxHandler, ctx: OutboxContext): Promise<void> {
    await handler.onDelivered?.(row, ctx);
    await this.deps.db.repos.outbox.markDelivered(ctx.scope, row.id, this.deps.clock.now());
  }

  private async dead(row: OutboxRow, handler: OutboxHandler, ctx: OutboxContext, reason: string): Promise<DeliveryOutcome> {
    await handler.onDead?.(row, reason, ctx);
    await this.deps.db.repos.outbox.markDead(ctx.scope, row.id, reason);
    return 'dead';
  }
}

/** The reason kept on the row and shown to the user: the kind and the provider's own words. */
function describe(err: ProviderError): string {
  return `${err.kind}${err.code ? ` (${err.code})` : ''}: ${err.message}`.slice(0, 1000);
}
