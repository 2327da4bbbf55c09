/**
 * The webhook side of change notifications (change-notifications-delivery-webhooks and
 * lifecycle-events docs), pure so the API route stays thin:
 * - validation: Graph POSTs `?validationToken=…`; answer 200 text/plain with the decoded token
 *   within 10 s.
 * - delivery: `{ value: [ … ] }`, possibly several subscriptions per POST; each item echoes the
 *   secret clientState, and items whose clientState does not match are dropped (rejected).
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export interface ValidationAnswer {
  status: 200;
  contentType: 'text/plain';
  body: string;
}

/** The answer to a validation request, or null when the request is a normal delivery. */
export function validationResponse(query: URLSearchParams | Record<string, string | undefined>): ValidationAnswer | null {
  const token = query instanceof URLSearchParams ? query.get('validationToken') : query.validationToken;
  // URLSearchParams / the framework's query parser already URL-decoded it, as the docs require.
  if (token === null || token === undefined) return null;
  return { status: 200, contentType: 'text/plain', body: token };
}

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export interface GraphNotification {
  subscriptionId: string;
  /** e.g. "Users/{id}/Messages/{id}"; absent on lifecycle notifications. */
  resource?: string;
  changeType?: string;
  /** resourceData.id: the message or event id. */
  resourceId?: string;
  lifecycleEvent?: LifecycleEvent;
}

export interface ParsedNotifications {
  notifications: GraphNotification[];
  /** Items dropped for a missing or wrong clientState (or an unreadable shape). */
  rejected: number;
}

const item = z.object({
  subscriptionId: z.string().min(1),
  clientState: z.string().nullish(),
  changeType: z.string().optional(),
  resource: z.string().optional(),
  resourceData: z.object({ id: z.string().optional() }).passthrough().nullish(),
  lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']).optional(),
});

const envelope = z.object({ value: z.array(z.unknown()) });

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseGraphNotification(body: unknown, expectedClientState: string): ParsedNotifications {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return { notifications: [], rejected: 1 };
  const notifications: GraphNotification[] = [];
  let rejected = 0;
  for (const raw of parsed.data.value) {
    const n = item.safeParse(raw);
    if (!n.success || !n.data.clientState || !sameSecret(n.data.clientState, expectedClientState)) {
      rejected++;
      continue;
    }
    const d = n.data;
    notifications.push({
      subscriptionId: d.subscriptionId,
      ...(d.resource ? { resource: d.resource } : {}),
      ...(d.changeType ? { changeType: d.changeType } : {}),
      ...(d.resourceData?.id ? { resourceId: d.resourceData.id } : {}),
      ...(d.lifecycleEvent ? { lifecycleEvent: d.lifecycleEvent } : {}),
    });
  }
  return { notifications, rejected };
}
