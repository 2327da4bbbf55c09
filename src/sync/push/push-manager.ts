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
import { captureFoldersOf, dueForEnsure, isActive, isDue, wantedResources, webhookProviders, type AccountRef } from './push-due';

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
}

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
        await this.ensure({ id: job.data.accountId, companyId: job.data.companyId });
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
    else await this.ensure(ref);
  }

  /** Brings one account's subscriptions in line with what it wants. Safe to repeat. */
  async ensure(ref: AccountRef): Promise<EnsureReport> {
    const { db } = this.deps;
    const scope = { companyId: ref.companyId };
    const report = emptyReport();
    const account = await db.repos.accounts.get(scope, ref.id);
    const rows = await db.repos.pushSubscriptions.list(scope, ref.id);
    const wanted = account && webhookProviders.includes(account.provider) ? wantedResources(account) : [];
    const log = this.deps.logger.child({ accountId: ref.id, ...(account ? { provider: account.provider } : {}) });
    const session = account && isActive(account) && webhookProviders.includes(account.provider) ? this.session(account) : undefined;

    for (const row of rows) {
      if (wanted.includes(row.resource)) continue;
      // Dead credentials cannot unsubscribe; the provider lets the subscription lapse on its own.
      if (session) await session.call((push) => push.unsubscribe(toPushSubscription(row))).catch((err: unknown) => log.debug({ err }, 'unsubscribe failed'));
      await db.repos.pushSubscriptions.delete(scope, row.id);
      report.removed.push(row.resource);
    }
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

  /** The account's push ability with credentials fetched once; an auth_expired answer refreshes once. */
  private session(account: ConnectedAccount): { call<T>(fn: (push: PushAbility) => Promise<T>): Promise<T> } | undefined {
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

/** The provider forgot the subscription (expired, removed): subscribe afresh. */
function isGone(e: unknown): boolean {
  return isProviderError(e) && e.kind === 'not_found';
}
