/**
 * Where the providers call back. No session: each notification proves itself (Graph clientState per
 * item, Gmail's Pub/Sub OIDC token, the Calendar channel token). Graph items are answered 202 whether
 * they matched or not; Google requests that fail their proof are refused with 401 / 403 (Google does
 * not retry those). The work is a few lookups and an enqueue, well inside Graph's 3-second budget.
 */
import { z } from 'zod';
import { validationResponse } from '../../providers/microsoft/graph-notifications';
import type { FastifyReply } from 'fastify';
import { PushReceiver, type PushReceiverDeps, type ReceiveResult } from '../../sync/push/push-receiver';
import { webhookPaths } from '../../sync/push/push-manager';
import type { RouteDeps } from '../deps';
import { route, type RouteDef } from '../route';

export interface WebhookRouteDeps extends RouteDeps, Pick<PushReceiverDeps, 'syncNow' | 'requestEnsure' | 'gmailAuth'> {}

const graphQuery = z.object({ validationToken: z.string().max(2048).optional() });

// Notifications are small; Graph batches up to a few hundred items per POST.
const bodyLimit = 1024 * 1024;

export function webhookRoutes(deps: WebhookRouteDeps): RouteDef[] {
  const receiverFor = (log: PushReceiverDeps['logger']) =>
    new PushReceiver({
      db: deps.db,
      clock: deps.clock,
      logger: log,
      syncNow: deps.syncNow,
      ...(deps.requestEnsure ? { requestEnsure: deps.requestEnsure } : {}),
      ...(deps.gmailAuth ? { gmailAuth: deps.gmailAuth } : {}),
    });
  const answer = (reply: FastifyReply, result: ReceiveResult) =>
    result.denied ? reply.status(result.denied.status).send({ error: { code: 'push_refused', message: 'Push notification refused' } }) : reply.status(202).send();

  const graph = (url: string, summary: string) =>
    route({
      method: 'POST',
      url,
      summary,
      tags: ['webhooks'],
      auth: 'none',
      status: 202,
      bodyLimit,
      query: graphQuery,
      // No body schema: the notification is validated item by item against the stored subscription.
      async handler({ query, request, reply }) {
        // Graph checks the URL on subscribe (and lifecycle URL) by POSTing ?validationToken=…; echo it.
        const validation = validationResponse(query);
        if (validation) return reply.status(validation.status).type(validation.contentType).send(validation.body);
        await receiverFor(request.log).microsoft(request.body);
        return reply.status(202).send();
      },
    });

  return [
    graph(webhookPaths.microsoft, 'Microsoft Graph change notifications (and the validation handshake)'),
    graph(webhookPaths.microsoftLifecycle, 'Microsoft Graph lifecycle notifications (subscriptionRemoved, missed, reauthorizationRequired)'),
    route({
      method: 'POST',
      url: webhookPaths.gmail,
      summary: 'Gmail watch notifications through a Cloud Pub/Sub push subscription',
      tags: ['webhooks'],
      auth: 'none',
      status: 202,
      bodyLimit,
      async handler({ request, reply }) {
        // Pub/Sub redelivers anything not acknowledged with 2xx; verified pushes for unknown mailboxes are acknowledged too.
        return answer(reply, await receiverFor(request.log).gmail(request.body, request.headers.authorization));
      },
    }),
    route({
      method: 'POST',
      url: webhookPaths.googleCalendar,
      summary: 'Google Calendar channel notifications (X-Goog-* headers, no body)',
      tags: ['webhooks'],
      auth: 'none',
      status: 202,
      bodyLimit,
      async handler({ request, reply }) {
        return answer(reply, await receiverFor(request.log).googleCalendar(request.headers));
      },
    }),
  ];
}
