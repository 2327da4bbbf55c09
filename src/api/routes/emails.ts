/**
 * Send an email to contacts from the user's connected mailbox. The answer comes at once with the
 * activity in status queued; the outbox delivers it (sent, or failed with the reason). A user
 * without a connected mailbox sends through the company SMTP relay when its domain passes the check;
 * otherwise `not_connected` says why (no relay, or which DNS record to fix).
 */
import { z } from 'zod';
import { SendError, emailInputSchema, queueEmail } from '../../sync/send/send-mail';
import type { RouteDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { idParams, route, type RouteDef } from '../route';
import { activityView, toActivityViews } from './activities';
import { storeCall } from './contacts';

export interface EmailRouteDeps extends RouteDeps {
  /** Asks a worker to deliver now (the scheduler tick wakes the outbox anyway). */
  wakeOutbox(): Promise<void>;
  /** Message-ID source; crypto.randomUUID by default. */
  newId?: () => string;
}

const statusView = z.object({ id: z.string(), status: z.string().nullable(), failureReason: z.string().nullable() });

function fromSendError(e: SendError): ApiError {
  if (e.code === 'not_connected') {
    // From the relay gate: the message names the record to fix; `record` / `host` let the UI link to it.
    const first = e.relayRefusal?.failing[0];
    const extra = e.relayRefusal ? { reason: e.relayRefusal.code, ...(first ? { record: first.record, host: first.host } : {}) } : undefined;
    return new ApiError('not_connected', e.message, extra ? { extra } : {});
  }
  return new ApiError('validation_failed', undefined, { fields: e.fields.map((f) => ({ path: `body.${f.path}`, message: f.message })) });
}

export function emailRoutes(deps: EmailRouteDeps): RouteDef[] {
  const { db } = deps;
  return [
    route({
      method: 'POST',
      url: '/api/emails',
      summary: "Send an email through the user's own mailbox (queued now, delivered by the outbox)",
      tags: ['emails'],
      auth: 'session',
      status: 202,
      // Attachments come base64-encoded in the JSON body: 25 MB of files is about 34 MB of text.
      bodyLimit: 36 * 1024 * 1024,
      body: emailInputSchema,
      response: activityView,
      async handler({ caller, body, request }) {
        const scope = { companyId: caller.companyId };
        let queued;
        try {
          queued = await storeCall(() => queueEmail(db, scope, { id: caller.userId }, body, { clock: deps.clock, ...(deps.newId ? { newId: deps.newId } : {}) }));
        } catch (e) {
          if (e instanceof SendError) throw fromSendError(e);
          throw e;
        }
        // The row is committed: if the wake-up is lost, the next scheduler tick delivers it.
        await deps.wakeOutbox().catch((err: unknown) => request.log.warn({ err }, 'could not wake the outbox'));
        const [view] = await toActivityViews(db, caller.companyId, [queued.activity]);
        return view;
      },
    }),
    route({
      method: 'GET',
      url: '/api/emails/:id/status',
      summary: 'Delivery status of a sent email: queued, sent, or failed with the reason',
      tags: ['emails'],
      auth: 'session',
      params: idParams,
      response: statusView,
      async handler({ caller, params }) {
        const a = await db.repos.activities.get({ companyId: caller.companyId }, params.id);
        if (!a || a.type !== 'email' || a.direction !== 'outbound') throw notFound();
        return { id: a.id, status: a.status, failureReason: a.failureReason };
      },
    }),
  ];
}
