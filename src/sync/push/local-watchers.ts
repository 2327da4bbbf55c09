/**
 * "Push" for providers that cannot call us: an IMAP IDLE connection on the capture folder (RFC 2177),
 * and EWS pull subscriptions polled on a short interval (pull needs no public URL, so it works for
 * on-premises servers behind a firewall). Both live in the worker process that holds them; a lease
 * row in push_subscriptions (renewed every refresh) keeps it to one watcher per account across worker
 * processes, which also keeps within servers' per-user connection limits. A watcher only pulls the
 * account's run forward; when it cannot run (server down, password changed) the schedule still syncs.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock';
import type { ExchangeProvider } from '../../providers/exchange/exchange-provider';
import type { PullPoll } from '../../providers/exchange/ews-pull';
import { isProviderError } from '../../providers/errors';
import type { ImapProvider } from '../../providers/imap/imap-provider';
import type { Provider, PushResource, PushSubscription } from '../../providers/provider';
import type { Db } from '../../store/db';
import type { ConnectedAccount } from '../../store/repos/accounts';
import type { PushSubscriptionRow } from '../../store/repos/push-subscriptions';
import type { CredentialService } from '../credentials';
import type { ProviderAccess } from '../provider-access';
import { captureFoldersOf, localLeasePrefix, wantedResources, type AccountRef } from './push-due';

export interface LocalWatchersDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  credentials: Pick<CredentialService, 'forRun'>;
  providers: Pick<ProviderAccess, 'create'>;
  syncNow(account: AccountRef, reason: string): Promise<void>;
  /** Lease owner id of this process. */
  ownerId?: string;
  /** How often the set of watched accounts is brought in line (and leases renewed). */
  refreshIntervalMs?: number;
  /** A lease not renewed for this long may be taken by another process. */
  leaseMs?: number;
  /** EWS GetEvents interval; the pull subscription's own Timeout (30 min) is far longer. */
  pullIntervalMs?: number;
}

interface Watch {
  /** The credentials envelope the watcher started with: a reconnect (new envelope) restarts it. */
  credentialsSecret: string | null;
  stop(): Promise<void>;
}

const hasIdle = (p: Provider): p is ImapProvider => 'watchCapture' in p && typeof p.watchCapture === 'function';
const hasPull = (p: Provider): p is ExchangeProvider => 'pull' in p && typeof p.pull === 'object' && p.pull !== null;

export class LocalWatchers {
  private readonly watches = new Map<string, Watch>();
  private readonly owner: string;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly deps: LocalWatchersDeps) {
    this.owner = deps.ownerId ?? randomUUID();
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.refresh(), this.deps.refreshIntervalMs ?? 60_000);
    this.timer.unref();
    await this.refresh();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing;
    const all = [...this.watches.keys()];
    await Promise.all(all.map((id) => this.unwatch(id)));
  }

  watching(): string[] {
    return [...this.watches.keys()];
  }

  /** Starts watchers for accounts that want one (and whose lease we hold), stops the others. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh()
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'push watchers refresh failed'))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const { db } = this.deps;
    const accounts = (await db.repos.pushSubscriptions.listCandidateAccountsForSystem(['imap', 'exchange'])).filter((a) => this.resourcesOf(a).length > 0);
    const leases = new Map((await db.repos.pushSubscriptions.listForSystem()).filter((r) => r.providerSubscriptionId.startsWith(localLeasePrefix)).map((r) => [r.accountId, r]));
    const keep = new Set<string>();
    for (const account of accounts) {
      if (!(await this.claim(account, leases.get(account.id)))) continue;
      keep.add(account.id);
      const current = this.watches.get(account.id);
      if (current && current.credentialsSecret === account.credentialsSecret) continue;
      if (current) await this.unwatch(account.id);
      await this.watch(account);
    }
    for (const id of [...this.watches.keys()]) if (!keep.has(id)) await this.unwatch(id, leases.get(id));
  }

  private resourcesOf(account: ConnectedAccount): PushResource[] {
    // IDLE watches one folder; EWS pull can watch the calendar as well.
    const wanted = wantedResources(account);
    return account.provider === 'imap' ? wanted.filter((r) => r === 'capture') : wanted;
  }

  /** Takes or renews the account's lease; false while another live process holds it. */
  private async claim(account: ConnectedAccount, lease: PushSubscriptionRow | undefined): Promise<boolean> {
    const now = this.deps.clock.now();
    if (lease && lease.data !== this.owner && lease.expiresAt > now) return false;
    await this.deps.db.repos.pushSubscriptions.save(
      { companyId: account.companyId },
      {
        accountId: account.id,
        resource: 'capture',
        providerSubscriptionId: `${localLeasePrefix}${account.id}`,
        clientState: this.owner,
        data: this.owner,
        expiresAt: new Date(now.getTime() + (this.deps.leaseMs ?? 3 * (this.deps.refreshIntervalMs ?? 60_000))),
      },
    );
    return true;
  }

  private async watch(account: ConnectedAccount): Promise<void> {
    const log = this.deps.logger.child({ accountId: account.id, provider: account.provider });
    const ref = { id: account.id, companyId: account.companyId };
    const pull = () => void this.deps.syncNow(ref, 'push').catch((err: unknown) => log.warn({ err }, 'push could not queue a run'));
    let provider: Provider;
    try {
      provider = this.deps.providers.create(account, await this.deps.credentials.forRun(account));
    } catch (err) {
      log.warn({ err }, 'push watcher not started; polling continues');
      return;
    }
    const folders = captureFoldersOf(account);
    if (hasIdle(provider) && folders) {
      const handle = provider.watchCapture(folders, pull);
      this.watches.set(account.id, { credentialsSecret: account.credentialsSecret, stop: () => handle.stop() });
    } else if (hasPull(provider)) {
      this.watches.set(account.id, { credentialsSecret: account.credentialsSecret, ...this.pullLoop(provider, account, pull, log) });
    }
  }

  /** Polls one EWS pull subscription per resource; an expired one is made again, a dead password stops it. */
  private pullLoop(provider: ExchangeProvider, account: ConnectedAccount, onChange: () => void, log: Logger): Pick<Watch, 'stop'> {
    const subs = new Map<PushResource, PushSubscription>();
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const round = async () => {
      for (const resource of this.resourcesOf(account)) {
        const sub = subs.get(resource);
        try {
          if (!sub) {
            subs.set(resource, await provider.pull.subscribe(resource, captureFoldersOf(account)));
            continue;
          }
          const polled: PullPoll = await provider.pull.poll(sub);
          subs.set(resource, polled.subscription);
          if (polled.changed) onChange();
        } catch (err) {
          const kind = isProviderError(err) ? err.kind : undefined;
          if (kind === 'not_found') subs.delete(resource);
          else log.warn({ err, kind, resource }, 'EWS pull failed');
          // Retrying a refused password only risks a lock-out; the regular sync reports it.
          if (kind === 'auth_revoked' || kind === 'auth_expired') stopped = true;
        }
      }
    };
    const next = () => {
      if (stopped) return;
      timer = setTimeout(() => {
        running = round().finally(next);
      }, this.deps.pullIntervalMs ?? 10_000);
    };
    running = round().finally(next);
    return {
      stop: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await running;
        await Promise.all([...subs.values()].map((s) => provider.pull.unsubscribe(s).catch(() => undefined)));
      },
    };
  }

  private async unwatch(accountId: string, lease?: PushSubscriptionRow): Promise<void> {
    const watch = this.watches.get(accountId);
    this.watches.delete(accountId);
    await watch?.stop().catch((err: unknown) => this.deps.logger.debug({ err, accountId }, 'push watcher stop failed'));
    if (lease && lease.data === this.owner) await this.deps.db.repos.pushSubscriptions.delete({ companyId: lease.companyId }, lease.id);
  }
}
