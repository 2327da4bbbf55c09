/**
 * Keeps one webhook subscription per account and resource (capture folder, calendar) at the providers
 * that call back (Microsoft Graph subscriptions, Gmail watch, Google Calendar channels): created once
 * the account can use it, renewed before it lapses, recreated when the provider drops it, removed when
 * the account stops. Each account is handled by one `push-renewal` job at a time (pg-boss stately), so
 * several worker processes never subscribe the same mailbox twice.
 *
 * Push only pulls a run forward; the regular schedule keeps running, so a failure here is logged and
 * retried at the next sweep, never surfaced as a sync failure.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock';
import { isProviderError } from '../../providers/errors';
import type { Provider, PushAbility, PushResource, PushSubscription } from '../../providers/provider';
import type { Db } from '../../store/db';
import type { ConnectedAccount } from '../../store/repos/accounts';
import type { PushSubscriptionRow } from '../../store/repos/push-subscriptions';
import type { CredentialService } from '../credentials';
import { queueNames, type JobQueue } from '../job-queue';
import type { ProviderAccess } from '../provider-access';
import { captureFoldersOf, dueForEnsure, isActive, isDue, localLeasePrefix, wantedResources, webhookProviders, type AccountRef } from './push-due';

export interface PushManagerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  credentials: Pick<CredentialService, 'forRun'>;
  providers: Pick<ProviderAccess, 'create'>;
  /** Public base URL the providers call back (TANDEM_PUBLIC_URL). */
  publicUrl: string;
  /** The job queue: ensures run as `push-renewal` jobs; without it they run inline (tests, one process). */
  queue?: Pick<JobQueue, 'enqueue' | 'work'>;
  /** Client states and channel tokens; injectable so tests can pin them. */
  randomSecret?: () => string;
  /** How often this process looks for subscriptions to create or renew. */
  sweepIntervalMs?: number;
  /** After a failed subscribe / renew, the sweep leaves the account alone this long (default 15 min). */
  retryAfterFailureMs?: number;
  /** How long a disconnect waits for the providers to confirm the unsubscribes (default 10 s). */
  releaseTimeoutMs?: number;
  /**
   * After an asked-for ensure, in the process that ran it: the rest of push this process holds (its
   * IDLE / EWS-pull watchers), so a connect or disconnect takes effect now, not at their next refresh.
   */
  afterEnsure?(ref: AccountRef): Promise<void>;
}

/** What the API needs of push: bring an account in line soon, and let go of it before a disconnect. */
export type PushControl = Pick<PushManager, 'requestEnsure' | 'release'>;

export interface EnsureReport {
  created: PushResource[];
  renewed: PushResource[];
  removed: PushResource[];
  failed: PushResource[];
}

export const webhookPaths = {
  microsoft: '/api/webhooks/microsoft',
  microsoftLifecycle: '/api/webhooks/microsoft/lifecycle',
  gmail: '/api/webhooks/google/gmail',
  googleCalendar: '/api/webhooks/google/calendar',
} as const;

/** Graph sends lifecycle events to the notification URL too; the adapter sets both to this target. */
function callbackUrl(publicUrl: string, account: ConnectedAccount): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}${account.provider === 'google' ? webhookPaths.googleCalendar : webhookPaths.microsoft}`;
}

export function toPushSubscription(row: PushSubscriptionRow): PushSubscription {
  return { id: row.providerSubscriptionId, resource: row.resource, expiresAt: row.expiresAt.toISOString(), ...(row.data ? { data: row.data } : {}) };
}

const emptyReport = (): EnsureReport => ({ created: [], renewed: [], removed: [], failed: [] });

export class PushManager {
  private timer: NodeJS.Timeout | undefined;
  private readonly secret: () => string;
  /** Accounts whose last ensure failed, and until when the sweep skips them (per process). */
  private readonly failedUntil = new Map<string, number>();

  constructor(private readonly deps: PushManagerDeps) {
    // Graph allows 128 characters of clientState; 32 random bytes are 43 in base64url.
    this.secret = deps.randomSecret ?? (() => randomBytes(32).toString('base64url'));
  }

  /** Workers take `push-renewal` jobs and sweep on a timer; other processes only enqueue. */
  async start(options: { workers: boolean }): Promise<void> {
    if (!options.workers) return;
    const queue = this.deps.queue;
    if (queue) {
      await queue.work(queueNames.pushRenewal, { batchSize: 5, localConcurrency: 2 }, async (job) => {
        await this.ensureAll({ id: job.data.accountId, companyId: job.data.companyId });
      });
    }
    this.timer = setInterval(() => void this.sweep().catch((err: unknown) => this.deps.logger.warn({ err }, 'push sweep failed')), this.deps.sweepIntervalMs ?? 60_000);
    this.timer.unref();
    await this.sweep().catch((err: unknown) => this.deps.logger.warn({ err }, 'push sweep failed'));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Finds accounts whose subscriptions are missing, expiring or stale, and asks for an ensure of each. */
  async sweep(): Promise<AccountRef[]> {
    const { db, clock } = this.deps;
    const accounts = await db.repos.pushSubscriptions.listCandidateAccountsForSystem(webhookProviders);
    const rows = await db.repos.pushSubscriptions.listForSystem();
    const now = clock.now().getTime();
    // A provider refusing our callback URL (a misconfigured public URL) must not be asked every minute.
    const due = dueForEnsure(accounts, rows, clock.now()).filter((ref) => (this.failedUntil.get(ref.id) ?? 0) <= now);
    for (const ref of due) await this.requestEnsure(ref);
    return due;
  }

  /** After connect, reconnect or a dropped subscription: bring one account in line soon. */
  async requestEnsure(ref: AccountRef): Promise<void> {
    if (this.deps.queue) await this.deps.queue.enqueue(queueNames.pushRenewal, { accountId: ref.id, companyId: ref.companyId, reason: 'push' });
    else await this.ensureAll(ref);
  }

  /** The account's webhooks, then whatever else of push this process holds for it. */
  private async ensureAll(ref: AccountRef): Promise<void> {
    await this.ensure(ref);
    await this.deps.afterEnsure?.(ref);
  }

  /** Brings one account's subscriptions in line with what it wants. Safe to repeat. */
  async ensure(ref: AccountRef): Promise<EnsureReport> {
    const { db } = this.deps;
    const scope = { companyId: ref.companyId };
    const report = emptyReport();
    const account = await db.repos.accounts.get(scope, ref.id);
    const rows = await this.webhookRows(scope, ref.id);
    const wanted = account && webhookProviders.includes(account.provider) ? wantedResources(account) : [];
    const log = this.deps.logger.child({ accountId: ref.id, ...(account ? { provider: account.provider } : {}) });
    const session = this.session(account);

    report.removed = await this.remove(scope, rows.filter((row) => !wanted.includes(row.resource)), session, log);
    if (!account || !session) return report;

    const now = this.deps.clock.now();
    for (const resource of wanted) {
      const row = rows.find((r) => r.resource === resource);
      try {
        if (row && !isDue(account.provider, row, now)) continue;
        const renewed = row ? await session.call((push) => push.renew(toPushSubscription(row))).catch((e: unknown) => (isGone(e) ? null : Promise.reject(e))) : null;
        const clientState = renewed && row ? row.clientState : this.secret();
        const sub =
          renewed ?? (await session.call((push) => push.subscribe(resource, { url: callbackUrl(this.deps.publicUrl, account), clientState }, captureFoldersOf(account))));
        await db.repos.pushSubscriptions.save(scope, {
          accountId: account.id,
          resource,
          providerSubscriptionId: sub.id,
          clientState,
          expiresAt: new Date(sub.expiresAt),
          data: sub.data ?? null,
        });
        (renewed ? report.renewed : report.created).push(resource);
      } catch (err) {
        report.failed.push(resource);
        const kind = isProviderError(err) ? err.kind : undefined;
        log.warn({ err, kind, resource }, 'push subscription not in place; polling continues');
      }
    }
    if (report.failed.length > 0) this.failedUntil.set(ref.id, now.getTime() + (this.deps.retryAfterFailureMs ?? 15 * 60_000));
    else this.failedUntil.delete(ref.id);
    return report;
  }

  /**
   * Before a disconnect (which deletes the credentials): ends the account's webhook subscriptions at
   * the provider while the credentials still work, and deletes their rows. Never throws, and gives up
   * waiting after releaseTimeoutMs so an unreachable provider cannot hold the disconnect up; what it
   * could not end expires at the provider on its own (Graph within 7 days, Gmail watch 7 days,
   * Calendar channel at its expiration), and its notifications are ignored meanwhile. Lease rows of
   * the local watchers (IMAP IDLE, EWS pull) are theirs: the holding worker ends the EWS subscription
   * and drops the lease at its next refresh.
   */
  async release(ref: AccountRef): Promise<PushResource[]> {
    const log = this.deps.logger.child({ accountId: ref.id });
    const work = this.releaseNow(ref, log).catch((err: unknown) => {
      log.warn({ err }, 'push subscriptions not released; they expire at the provider');
      return [];
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<PushResource[]>((resolve) => {
      timer = setTimeout(() => {
        log.warn('push release still waiting on the provider; the disconnect goes ahead');
        resolve([]);
      }, this.deps.releaseTimeoutMs ?? 10_000);
      timer.unref();
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async releaseNow(ref: AccountRef, log: Logger): Promise<PushResource[]> {
    const { db } = this.deps;
    const scope = { companyId: ref.companyId };
    const account = await db.repos.accounts.get(scope, ref.id);
    const rows = await this.webhookRows(scope, ref.id);
    const session = this.session(account);
    return this.remove(scope, rows, session, log.child(account ? { provider: account.provider } : {}));
  }

  /** The account's rows minus the leases of the local watchers, which only LocalWatchers touch. */
  private async webhookRows(scope: { companyId: string }, accountId: string): Promise<PushSubscriptionRow[]> {
    return (await this.deps.db.repos.pushSubscriptions.list(scope, accountId)).filter((row) => !row.providerSubscriptionId.startsWith(localLeasePrefix));
  }

  /**
   * Deletes the rows, then unsubscribes each at the provider (when credentials allow). Rows go first so
   * a slow or failing provider cannot leave them behind; a subscription it does not end expires there.
   */
  private async remove(scope: { companyId: string }, rows: readonly PushSubscriptionRow[], session: PushSession | undefined, log: Logger): Promise<PushResource[]> {
    for (const row of rows) await this.deps.db.repos.pushSubscriptions.delete(scope, row.id);
    // Dead credentials cannot unsubscribe; the provider lets the subscription lapse on its own.
    if (session) {
      await Promise.all(
        rows.map((row) =>
          session.call((push) => push.unsubscribe(toPushSubscription(row))).catch((err: unknown) => {
            log.warn({ err, kind: isProviderError(err) ? err.kind : undefined, resource: row.resource }, 'unsubscribe failed; the subscription expires at the provider');
          }),
        ),
      );
    }
    return rows.map((row) => row.resource);
  }

  /** The account's push ability (none for a stopped or non-webhook account) with credentials fetched once; an auth_expired answer refreshes once. */
  private session(account: ConnectedAccount | undefined): PushSession | undefined {
    if (!account || !isActive(account) || !webhookProviders.includes(account.provider)) return undefined;
    let provider: Promise<Provider> | undefined;
    const open = (force: boolean) => this.deps.credentials.forRun(account, { force }).then((c) => this.deps.providers.create(account, c));
    return {
      call: async <T>(fn: (push: PushAbility) => Promise<T>): Promise<T> => {
        provider ??= open(false);
        const push = (await provider).push;
        if (!push) throw new Error(`${account.provider} offers no push ability`);
        try {
          return await fn(push);
        } catch (e) {
          if (!isProviderError(e) || e.kind !== 'auth_expired') throw e;
          provider = open(true);
          const fresh = (await provider).push;
          if (!fresh) throw e;
          return fn(fresh);
        }
      },
    };
  }
}

interface PushSession {
  call<T>(fn: (push: PushAbility) => Promise<T>): Promise<T>;
}

/** The provider forgot the subscription (expired, removed): subscribe afresh. */
function isGone(e: unknown): boolean {
  return isProviderError(e) && e.kind === 'not_found';
}
