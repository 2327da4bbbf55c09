/** The Activities tab, one activity, Regarding attach / clear, and the unmatched-mail list. */
import { z } from 'zod';
import type { Activity } from '../../store/repos/activities';
import { regardingTypes, type RegardingSummary } from '../../store/repos/records';
import type { Db } from '../../store/db';
import type { BlobStore } from '../../store/repos/blobs';
import { notFound } from '../errors';
import { idParams, route, type RouteDef } from '../route';
import type { RouteDeps } from '../deps';
import { storeCall } from './contacts';

const address = z.object({ address: z.string(), name: z.string().optional() });
export const activityView = z.object({
  id: z.string(),
  type: z.enum(['email', 'appointment', 'note']),
  direction: z.enum(['inbound', 'outbound']).nullable(),
  subject: z.string(),
  from: address.nullable(),
  to: z.array(address),
  cc: z.array(address),
  occurredAt: z.string(),
  bodyText: z.string().nullable(),
  bodyHtml: z.string().nullable(),
  attachments: z.array(
    z.object({ name: z.string(), contentType: z.string(), size: z.number(), sha256: z.string().optional(), refusedReason: z.string().optional() }),
  ),
  status: z.string().nullable(),
  failureReason: z.string().nullable(),
  regarding: z.object({ type: z.enum(regardingTypes), id: z.string(), label: z.string() }).nullable(),
  contactIds: z.array(z.string()),
});
export type ActivityView = z.infer<typeof activityView>;

const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(25), cursor: z.string().max(200).optional() });
const pageResponse = z.object({ items: z.array(activityView), nextCursor: z.string().optional() });

/** Adds Regarding labels (one lookup per distinct target on the page). */
export async function toActivityViews(db: Db, companyId: string, rows: Activity[]): Promise<ActivityView[]> {
  const scope = { companyId };
  const labels = new Map<string, RegardingSummary | undefined>();
  for (const r of rows) {
    if (!r.regarding) continue;
    const key = `${r.regarding.type}:${r.regarding.id}`;
    if (!labels.has(key)) labels.set(key, await db.repos.records.findRegarding(scope, r.regarding.type, r.regarding.id));
  }
  return rows.map((r) => {
    const summary = r.regarding ? labels.get(`${r.regarding.type}:${r.regarding.id}`) : undefined;
    return {
      id: r.id,
      type: r.type,
      direction: r.direction,
      subject: r.subject,
      from: r.from,
      to: r.to,
      cc: r.cc,
      occurredAt: r.occurredAt.toISOString(),
      bodyText: r.bodyText,
      bodyHtml: r.bodyHtml,
      attachments: r.attachments,
      status: r.status,
      failureReason: r.failureReason,
      regarding: summary ? { type: summary.type, id: summary.id, label: summary.label } : null,
      contactIds: r.contactIds,
    };
  });
}

export function activityRoutes({ db }: RouteDeps, blobs: BlobStore): RouteDef[] {
  const one = async (companyId: string, id: string): Promise<ActivityView> => {
    const a = await db.repos.activities.get({ companyId }, id);
    if (!a) throw notFound();
    const [view] = await toActivityViews(db, companyId, [a]);
    if (!view) throw notFound();
    return view;
  };
  return [
    route({
      method: 'GET',
      url: '/api/contacts/:id/activities',
      summary: "A contact's Activities tab: emails, appointments and notes, newest first",
      tags: ['activities'],
      auth: 'session',
      params: idParams,
      query: pageQuery,
      response: pageResponse,
      async handler({ caller, params, query }) {
        const scope = { companyId: caller.companyId };
        if (!(await db.repos.contacts.get(scope, params.id))) throw notFound();
        const page = await storeCall(() => db.repos.activities.listForContact(scope, params.id, query));
        return { items: await toActivityViews(db, caller.companyId, page.items), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/activities/unmatched',
      summary: 'Captured mail that matched no contact, newest first',
      tags: ['activities'],
      auth: 'session',
      query: pageQuery,
      response: pageResponse,
      async handler({ caller, query }) {
        const page = await storeCall(() => db.repos.activities.listUnmatched({ companyId: caller.companyId }, query));
        return { items: await toActivityViews(db, caller.companyId, page.items), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/activities/:id',
      summary: 'One activity',
      tags: ['activities'],
      auth: 'session',
      params: idParams,
      response: activityView,
      handler: ({ caller, params }) => one(caller.companyId, params.id),
    }),
    route({
      method: 'GET',
      url: '/api/activities/:id/attachments/:index',
      summary: 'Download one attachment of an activity (always as a download, never rendered inline)',
      tags: ['activities'],
      auth: 'session',
      params: z.object({ id: z.uuid(), index: z.coerce.number().int().min(0).max(1000) }),
      async handler({ caller, params, reply }) {
        const scope = { companyId: caller.companyId };
        const activity = await db.repos.activities.get(scope, params.id);
        const meta = activity?.attachments[params.index];
        if (!meta?.sha256) throw notFound();
        const bytes = await blobs.get(scope, meta.sha256);
        if (!bytes) throw notFound();
        // Hostile mail carries hostile files: force a download, forbid sniffing, sandbox anything opened.
        reply
          .header('content-type', meta.contentType && /^[\w.+-]+\/[\w.+-]+$/.test(meta.contentType) ? meta.contentType : 'application/octet-stream')
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(meta.name || 'attachment')}`)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', 'sandbox');
        return reply.send(Buffer.from(bytes));
      },
    }),
    route({
      method: 'PUT',
      url: '/api/activities/:id/regarding',
      summary: 'Attach the activity to an opportunity, property or work ticket of the same company',
      tags: ['activities'],
      auth: 'session',
      params: idParams,
      body: z.object({ type: z.enum(regardingTypes), id: z.uuid() }),
      response: activityView,
      async handler({ caller, params, body }) {
        await storeCall(() => db.repos.activities.setRegarding({ companyId: caller.companyId }, params.id, body));
        return one(caller.companyId, params.id);
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/activities/:id/regarding',
      summary: 'Clear Regarding',
      tags: ['activities'],
      auth: 'session',
      params: idParams,
      response: activityView,
      async handler({ caller, params }) {
        await storeCall(() => db.repos.activities.setRegarding({ companyId: caller.companyId }, params.id, null));
        return one(caller.companyId, params.id);
      },
    }),
    route({
      method: 'POST',
      url: '/api/activities/:id/file',
      summary: 'File an unmatched activity on contacts',
      tags: ['activities'],
      auth: 'session',
      params: idParams,
      body: z.object({ contactIds: z.array(z.uuid()).min(1).max(50) }),
      response: activityView,
      async handler({ caller, params, body }) {
        await storeCall(() => db.repos.activities.fileToContacts({ companyId: caller.companyId }, params.id, body.contactIds));
        return one(caller.companyId, params.id);
      },
    }),
  ];
}
