/**
 * What the webhooks do with a notification: prove it comes from the provider, find the stored
 * subscription it names, and pull the account's run forward.
 * - Graph: each item carries the clientState we gave; items that do not match are counted as ignored
 *   and answered like a match (Graph retries anything else), so the endpoint is no oracle.
 * - Gmail (Pub/Sub): the request's OIDC token must be Google's, for our audience and service account;
 *   otherwise it is refused (401 / 403). A verified push for a mailbox without a watch is acknowledged.
 * - Calendar: the channel token we set at watch time must match the channel's (X-Goog-Channel-Token);
 *   otherwise refused, unknown channel and wrong token alike (403), so ids cannot be probed.
 *
 * The run itself is the stately `sync` job: a burst of notifications for one mailbox collapses into
 * one queued run (debounce for free).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../domain/clock';
import { parseCalendarChannelHeaders, parseGmailPush } from '../../providers/google';
import type { PubSubPushVerifier, PushAuthDenial } from '../../providers/google/pubsub-push';
import { parseGraphNotification } from '../../providers/microsoft/graph-notifications';
import type { ProviderKind } from '../../providers/provider';
import type { Db } from '../../store/db';
import type { ConnectedAccount } from '../../store/repos/accounts';
import type { PushSubscriptionRow } from '../../store/repos/push-subscriptions';
import { isActive, type AccountRef } from './push-due';

export interface PushReceiverDeps {
  db: Db;
  clock: Clock;
  logger: Pick<Logger, 'debug' | 'info'>;
  syncNow(account: AccountRef, reason: string): Promise<void>;
  /** Asks for the account's subscriptions to be recreated now; without it the next push sweep does it. */
  requestEnsure?(account: AccountRef): Promise<void>;
  /** Checks Gmail's Pub/Sub pushes; without it (no GOOGLE_PUBSUB_TOPIC, so no watch) every one is refused. */
  gmailAuth?: Pick<PubSubPushVerifier, 'verify'>;
}

export interface ReceiveResult {
  /** Accounts whose run was pulled forward. */
  synced: number;
  /** Items that matched nothing we hold (or carried a wrong secret). */
  ignored: number;
  /** The request was refused: answer with this status. */
  denied?: PushAuthDenial;
}

const graphEnvelope = z.object({ value: z.array(z.object({ subscriptionId: z.string() }).passthrough()) });
const channelData = z.object({ resourceId: z.string() });

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readJson(text: string | null | undefined): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

export class PushReceiver {
  constructor(private readonly deps: PushReceiverDeps) {}

  /** Graph change and lifecycle notifications (both arrive as `{ value: [...] }`). */
  async microsoft(body: unknown): Promise<ReceiveResult> {
    const parsed = graphEnvelope.safeParse(body);
    if (!parsed.success) return this.ignore('graph body without value[]', 1);
    const toSync = new Map<string, AccountRef>();
    let ignored = 0;
    const bySubscription = Map.groupBy(parsed.data.value, (item) => item.subscriptionId);
    for (const [subscriptionId, items] of bySubscription) {
      const found = await this.subscription(subscriptionId, 'microsoft');
      if (!found) {
        ignored += items.length;
        continue;
      }
      const { notifications, rejected } = parseGraphNotification({ value: items }, found.row.clientState);
      ignored += rejected;
      for (const n of notifications) {
        if (n.lifecycleEvent === 'subscriptionRemoved') await this.dropped(found.row);
        // Reauthorization is a renewal: mark the row due and let the manager PATCH it.
        if (n.lifecycleEvent === 'reauthorizationRequired') await this.expireNow(found.row);
        // Changes, `missed` and a removal all mean "look now": the folder itself is the truth.
        if (n.lifecycleEvent !== 'reauthorizationRequired') toSync.set(found.account.id, found.account);
      }
    }
    return this.finish(toSync, ignored);
  }

  /** Gmail through a Pub/Sub push: the mailbox address names the account, which must hold a watch. */
  async gmail(body: unknown, authorization: string | undefined): Promise<ReceiveResult> {
    const auth = this.deps.gmailAuth ? await this.deps.gmailAuth.verify(authorization) : ({ ok: false, status: 401, reason: 'Gmail push is not configured' } as const);
    if (!auth.ok) return this.deny('gmail', auth);
    const push = parseGmailPush(body);
    if (!push) return this.ignore('not a Gmail Pub/Sub push', 1);
    const { db } = this.deps;
    const held = await db.repos.accounts.findConnectedMailboxForSystem('google', push.emailAddress);
    const rows = held ? await db.repos.pushSubscriptions.list({ companyId: held.companyId }, held.id) : [];
    if (!held || !rows.some((r) => r.resource === 'capture')) return this.ignore('gmail push for a mailbox without a watch', 1);
    return this.finish(new Map([[held.id, { id: held.id, companyId: held.companyId }]]), 0);
  }

  /** A Calendar channel notification: channel id, resource id and our token must all match. */
  async googleCalendar(headers: Record<string, string | string[] | undefined>): Promise<ReceiveResult> {
    const n = parseCalendarChannelHeaders(headers);
    if (!n?.token) return this.deny('calendar', { status: 401, reason: n ? 'no channel token' : 'no channel headers' });
    const found = await this.subscription(n.channelId, 'google');
    const data = channelData.safeParse(readJson(found?.row.data));
    if (!found || !sameSecret(n.token, found.row.clientState) || !data.success || data.data.resourceId !== n.resourceId) {
      return this.deny('calendar', { status: 403, reason: 'unknown channel or wrong channel token' });
    }
    // The first message on a new channel is `sync`: nothing changed yet (Calendar push guide).
    if (n.resourceState === 'sync') return { synced: 0, ignored: 0 };
    return this.finish(new Map([[found.account.id, found.account]]), 0);
  }

  private async subscription(providerId: string, provider: ProviderKind): Promise<{ row: PushSubscriptionRow; account: ConnectedAccount } | undefined> {
    const row = await this.deps.db.repos.pushSubscriptions.findForSystem(providerId);
    if (!row) return undefined;
    const account = await this.deps.db.repos.accounts.get({ companyId: row.companyId }, row.accountId);
    if (!account || account.provider !== provider || !isActive(account)) return undefined;
    return { row, account };
  }

  private async dropped(row: PushSubscriptionRow): Promise<void> {
    const scope = { companyId: row.companyId };
    await this.deps.db.repos.pushSubscriptions.delete(scope, row.id);
    await this.deps.requestEnsure?.({ id: row.accountId, companyId: row.companyId });
  }

  private async expireNow(row: PushSubscriptionRow): Promise<void> {
    const { accountId, resource, providerSubscriptionId, clientState, data } = row;
    await this.deps.db.repos.pushSubscriptions.save({ companyId: row.companyId }, { accountId, resource, providerSubscriptionId, clientState, data, expiresAt: this.deps.clock.now() });
    await this.deps.requestEnsure?.({ id: row.accountId, companyId: row.companyId });
  }

  private async finish(toSync: Map<string, AccountRef>, ignored: number): Promise<ReceiveResult> {
    for (const account of toSync.values()) await this.deps.syncNow({ id: account.id, companyId: account.companyId }, 'push');
    if (ignored > 0) this.deps.logger.debug({ ignored }, 'push notifications ignored');
    return { synced: toSync.size, ignored };
  }

  /** Logs the refusal by reason only: tokens and channel ids stay out of the logs. */
  private deny(source: 'gmail' | 'calendar', denial: PushAuthDenial): ReceiveResult {
    this.deps.logger.info({ source, status: denial.status, reason: denial.reason }, 'push notification refused');
    return { synced: 0, ignored: 1, denied: { status: denial.status, reason: denial.reason } };
  }

  private ignore(why: string, count: number): ReceiveResult {
    this.deps.logger.debug({ why }, 'push notification ignored');
    return { synced: 0, ignored: count };
  }
}
