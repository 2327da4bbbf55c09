/**
 * Change-notification subscriptions (subscription resource docs): the capture folder's messages
 * (created) and the calendar's events (created, updated, deleted). Outlook resources live at most
 * 10,080 minutes, so subscriptions are made for just under that and renewed by PATCH. Lifecycle
 * events (reauthorizationRequired, subscriptionRemoved, missed) go to the same URL.
 */
import type { Subscription } from '@microsoft/microsoft-graph-types';
import { ProviderError } from '../errors';
import type { PushAbility, PushResource, PushSubscription } from '../provider';
import type { GraphClient } from './graph-client';

/** Outlook message / event subscriptions: 10,080 minutes for basic notifications. */
export const maxSubscriptionMinutes = 10_080;
/** Stay a little under the limit so clock drift between us and Graph never makes it too long. */
const lifetimeMs = (maxSubscriptionMinutes - 5) * 60_000;

function toPush(sub: Subscription, resource: PushResource): PushSubscription {
  if (!sub.id || !sub.expirationDateTime) throw new ProviderError('permanent', 'Graph subscription answer without id or expiry', { code: 'bad_subscription' });
  return { id: sub.id, resource, expiresAt: new Date(sub.expirationDateTime).toISOString() };
}

const subscriptionPath = (id: string) => `/subscriptions/${encodeURIComponent(id)}`;

export function createGraphPush(graph: GraphClient): PushAbility {
  const expiry = () => new Date(graph.clock.now().getTime() + lifetimeMs).toISOString();
  return {
    async subscribe(resource, target, folders) {
      if (resource === 'capture' && !folders) throw new ProviderError('invalid_input', 'Capture subscriptions need the capture folder', { code: 'no_folders' });
      const body = {
        changeType: resource === 'capture' ? 'created' : 'created,updated,deleted',
        notificationUrl: target.url,
        lifecycleNotificationUrl: target.url,
        resource: resource === 'capture' ? `me/mailFolders('${folders?.captureId ?? ''}')/messages` : 'me/events',
        expirationDateTime: expiry(),
        clientState: target.clientState,
      };
      // Graph validates the URL before answering; the create can be repeated (a second subscription is harmless).
      const res = await graph.send({ method: 'POST', path: '/subscriptions', json: body, idempotent: true });
      return toPush(res.body as Subscription, resource);
    },

    async renew(sub) {
      const res = await graph.send({ method: 'PATCH', path: subscriptionPath(sub.id), json: { expirationDateTime: expiry() } });
      return { ...toPush(res.body as Subscription, sub.resource), ...(sub.data ? { data: sub.data } : {}) };
    },

    async unsubscribe(sub) {
      try {
        await graph.send({ method: 'DELETE', path: subscriptionPath(sub.id) });
      } catch (e) {
        // Expired or removed already: nothing left to stop.
        if (e instanceof ProviderError && e.kind === 'not_found') return;
        throw e;
      }
    },
  };
}
