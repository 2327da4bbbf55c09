/**
 * Change notifications (change-notifications-delivery-webhooks and lifecycle-events docs):
 * validation handshake on create, clientState echoed, expiry on the injected clock, renew by PATCH,
 * lifecycle events to lifecycleNotificationUrl. Deliveries go through the injected fetch.
 */
import type { Subscription } from '@microsoft/microsoft-graph-types';
import type { FetchLike } from '../../../src/providers/provider';
import { GraphError, badRequest, parseJsonObject } from '../http';
import type { SimState } from '../state';
import type { ChangeEvent, ChangeType, SimMailbox } from '../types';
import type { GraphContext, GraphResult, GraphRoute } from './context';

/** Outlook messages / events allow at most 10,080 minutes for basic notifications (subscription docs). */
export const maxSubscriptionMinutes = 10_080;
/** The endpoint has 10 s to echo the validation token. */
const validationTimeoutMs = 10_000;

export type LifecycleEvent = 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired';

export interface SimSubscription {
  id: string;
  mailbox: string;
  resource: string;
  target: { kind: 'messages'; folderId?: string } | { kind: 'events' };
  changeTypes: ChangeType[];
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expirationDateTime: string;
  immutableIds: boolean;
  applicationId: string;
}

export interface DeliveryRecord {
  url: string;
  subscriptionId: string;
  kind: 'notification' | 'lifecycle';
  status: number | 'error';
}

function withQuery(url: string, key: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

const subscriptionNotFound = () => new GraphError(404, 'ResourceNotFound', 'The object was not found.');

export class SubscriptionService {
  readonly all = new Map<string, SimSubscription>();
  readonly deliveries: DeliveryRecord[] = [];
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly state: SimState,
    private readonly fetch: FetchLike,
  ) {
    state.onChange((e) => this.onChange(e));
  }

  forMailbox(address: string): SimSubscription[] {
    return [...this.all.values()].filter((s) => s.mailbox === address.toLowerCase());
  }

  /** Resolves when every notification started so far has been answered. */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private expired(sub: SimSubscription): boolean {
    return Date.parse(sub.expirationDateTime) <= this.state.clock.now().getTime();
  }

  private checkExpiry(value: unknown): string {
    const at = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(at)) throw badRequest('expirationDateTime is required.', 'InvalidRequest');
    const now = this.state.clock.now().getTime();
    if (at <= now) throw badRequest('Subscription expiration must be in the future.', 'ExtensionError');
    if (at > now + maxSubscriptionMinutes * 60_000) {
      throw badRequest(`Subscription expiration can only be ${maxSubscriptionMinutes} minutes in the future.`, 'ExtensionError');
    }
    return new Date(at).toISOString();
  }

  private target(mailbox: SimMailbox, resource: string): SimSubscription['target'] {
    const r = resource.replace(/^\//, '').replace(/^users\/[^/]+\//i, 'me/');
    if (/^me\/(calendar\/)?events$/i.test(r)) return { kind: 'events' };
    if (/^me\/messages$/i.test(r)) return { kind: 'messages' };
    const m = /^me\/mailFolders(?:\('([^']+)'\)|\/([^/]+))\/messages$/i.exec(r);
    const folder = m ? this.state.findFolder(mailbox, m[1] ?? m[2] ?? '') : undefined;
    if (!folder) throw badRequest(`Resource '${resource}' is not supported.`, 'InvalidRequest');
    return { kind: 'messages', folderId: folder.id };
  }

  private async validate(url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${this.state.ids.guid()}`;
    let ok: boolean;
    try {
      const res = await this.fetch(withQuery(url, 'validationToken', token), {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
        signal: AbortSignal.timeout(validationTimeoutMs),
      });
      ok = res.status === 200 && (await res.text()) === token;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw badRequest('Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.', 'ValidationError');
    }
  }

  json(sub: SimSubscription): Subscription {
    return {
      id: sub.id,
      resource: sub.resource,
      applicationId: sub.applicationId,
      changeType: sub.changeTypes.join(','),
      clientState: sub.clientState ?? null,
      notificationUrl: sub.notificationUrl,
      lifecycleNotificationUrl: sub.lifecycleNotificationUrl ?? null,
      expirationDateTime: sub.expirationDateTime,
      creatorId: sub.mailbox,
      includeResourceData: false,
      latestSupportedTlsVersion: 'v1_2',
    };
  }

  async create(ctx: GraphContext, applicationId: string): Promise<SimSubscription> {
    const body = parseJsonObject(ctx.body);
    const changeTypes = String(body.changeType ?? '').split(',').map((s) => s.trim());
    if (!changeTypes.every((c) => c === 'created' || c === 'updated' || c === 'deleted')) {
      throw badRequest('changeType must be a combination of created, updated and deleted.', 'InvalidRequest');
    }
    if (typeof body.notificationUrl !== 'string' || !/^https?:\/\//.test(body.notificationUrl)) throw badRequest('notificationUrl is required.', 'InvalidRequest');
    if (typeof body.resource !== 'string') throw badRequest('resource is required.', 'InvalidRequest');
    if (body.clientState !== undefined && (typeof body.clientState !== 'string' || body.clientState.length > 128)) {
      throw badRequest('clientState must be a string of at most 128 characters.', 'InvalidRequest');
    }
    const lifecycle = typeof body.lifecycleNotificationUrl === 'string' ? body.lifecycleNotificationUrl : undefined;
    const sub: SimSubscription = {
      id: this.state.ids.guid(),
      mailbox: ctx.mailbox.address,
      resource: body.resource,
      target: this.target(ctx.mailbox, body.resource),
      changeTypes: changeTypes as ChangeType[],
      notificationUrl: body.notificationUrl,
      lifecycleNotificationUrl: lifecycle,
      clientState: body.clientState as string | undefined,
      expirationDateTime: this.checkExpiry(body.expirationDateTime),
      immutableIds: ctx.prefer.immutableId,
      applicationId,
    };
    // Both URLs are validated before the subscription exists.
    await this.validate(sub.notificationUrl);
    if (lifecycle) await this.validate(lifecycle);
    this.all.set(sub.id, sub);
    return sub;
  }

  owned(ctx: GraphContext, id: string): SimSubscription {
    const sub = this.all.get(id);
    if (!sub || sub.mailbox !== ctx.mailbox.address) throw subscriptionNotFound();
    if (this.expired(sub)) {
      this.all.delete(id);
      throw subscriptionNotFound();
    }
    return sub;
  }

  renew(ctx: GraphContext, id: string): SimSubscription {
    const sub = this.owned(ctx, id);
    sub.expirationDateTime = this.checkExpiry(parseJsonObject(ctx.body).expirationDateTime);
    return sub;
  }

  /** Sends a lifecycle event; subscriptionRemoved also deletes the subscription, as Graph has. */
  lifecycle(id: string, event: LifecycleEvent): void {
    const sub = this.all.get(id);
    if (!sub) throw new Error(`unknown subscription ${id}`);
    if (event === 'subscriptionRemoved') this.all.delete(id);
    const url = sub.lifecycleNotificationUrl;
    if (!url) return;
    const tenantId = this.state.mailboxes.get(sub.mailbox)?.tenantId;
    const item = { subscriptionId: sub.id, subscriptionExpirationDateTime: sub.expirationDateTime, tenantId, clientState: sub.clientState ?? null, lifecycleEvent: event };
    this.post(url, sub.id, 'lifecycle', { value: [item] });
  }

  private post(url: string, subscriptionId: string, kind: DeliveryRecord['kind'], payload: unknown): void {
    const p = this.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }).then(
      async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        this.deliveries.push({ url, subscriptionId, kind, status: res.status });
      },
      () => {
        this.deliveries.push({ url, subscriptionId, kind, status: 'error' });
      },
    );
    this.track(p);
  }

  private onChange(e: ChangeEvent): void {
    for (const sub of this.all.values()) {
      if (sub.mailbox !== e.mailbox.address || !sub.changeTypes.includes(e.changeType)) continue;
      if (sub.target.kind === 'events' ? e.kind !== 'event' : e.kind !== 'message') continue;
      if (sub.target.kind === 'messages' && sub.target.folderId && sub.target.folderId !== e.folderId) continue;
      if (this.expired(sub)) {
        // No notifications after expiry; Graph drops the subscription.
        this.all.delete(sub.id);
        continue;
      }
      const id = e.kind === 'message' && !sub.immutableIds ? (e.restId ?? e.id) : e.id;
      const collection = e.kind === 'message' ? 'Messages' : 'Events';
      const resource = `Users/${e.mailbox.id}/${collection}/${id}`;
      const item = {
        subscriptionId: sub.id,
        subscriptionExpirationDateTime: sub.expirationDateTime,
        changeType: e.changeType,
        resource,
        resourceData: { '@odata.type': `#Microsoft.Graph.${e.kind === 'message' ? 'Message' : 'Event'}`, '@odata.id': resource, id },
        clientState: sub.clientState ?? null,
        tenantId: e.mailbox.tenantId,
      };
      this.post(sub.notificationUrl, sub.id, 'notification', { value: [item] });
    }
  }
}

function subscriptionJson(ctx: GraphContext, sub: SimSubscription): Record<string, unknown> {
  return { '@odata.context': `${ctx.baseUrl}/$metadata#subscriptions/$entity`, ...ctx.subscriptions.json(sub) };
}

export function subscriptionRoutes(applicationIdOf: (ctx: GraphContext) => string): GraphRoute[] {
  return [
    {
      method: 'POST',
      pattern: '/subscriptions',
      op: 'subscriptions.create',
      handle: async (ctx): Promise<GraphResult> => ({ status: 201, json: subscriptionJson(ctx, await ctx.subscriptions.create(ctx, applicationIdOf(ctx))) }),
    },
    {
      method: 'GET',
      pattern: '/subscriptions',
      op: 'subscriptions.list',
      handle: (ctx) => ({
        status: 200,
        json: { value: ctx.subscriptions.forMailbox(ctx.mailbox.address).map((s) => ctx.subscriptions.json(s)) },
      }),
    },
    { method: 'GET', pattern: '/subscriptions/:id', op: 'subscriptions.get', handle: (ctx) => ({ status: 200, json: subscriptionJson(ctx, ctx.subscriptions.owned(ctx, ctx.params.id ?? '')) }) },
    { method: 'PATCH', pattern: '/subscriptions/:id', op: 'subscriptions.renew', handle: (ctx) => ({ status: 200, json: subscriptionJson(ctx, ctx.subscriptions.renew(ctx, ctx.params.id ?? '')) }) },
    {
      method: 'DELETE',
      pattern: '/subscriptions/:id',
      op: 'subscriptions.delete',
      handle: (ctx) => {
        ctx.subscriptions.all.delete(ctx.subscriptions.owned(ctx, ctx.params.id ?? '').id);
        return { status: 204 };
      },
    },
  ];
}
