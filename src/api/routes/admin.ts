/**
 * Administrators: every connected mailbox of the company with its status, why it stopped, last / next
 * sync and recent runs with their errors; and Resync (cursors cleared → a full resync of the window).
 */
import { z } from 'zod';
import { resyncAccount } from '../../sync/connect/resync';
import type { RouteDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { idParams, route, type RouteDef } from '../route';
import type { RouteServices } from './index';
import { accountView, toAccountView } from './settings';

/** Recent runs shown per account. */
export const healthRunsPerAccount = 10;

const runView = z.object({
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  feature: z.string(),
  items: z.number(),
  errors: z.number(),
  errorKind: z.string().nullable(),
  message: z.string().nullable(),
});

const healthItem = accountView.extend({ user: z.object({ id: z.string(), name: z.string() }), runs: z.array(runView) });

const resyncView = z.object({ account: accountView, requestedAt: z.string(), progress: z.object({ state: z.literal('queued'), message: z.string() }) });

export function adminSyncRoutes(deps: RouteDeps, services: RouteServices): RouteDef[] {
  const { db, clock } = deps;
  return [
    route({
      method: 'GET',
      url: '/api/admin/sync-health',
      summary: "Every connected mailbox of the company: status, reason, last / next sync, recent runs and errors",
      tags: ['admin'],
      auth: 'admin',
      response: z.object({ items: z.array(healthItem) }),
      async handler({ caller }) {
        const scope = { companyId: caller.companyId };
        const [accounts, users] = await Promise.all([db.repos.accounts.list(scope), db.repos.users.list(scope)]);
        const names = new Map(users.map((u) => [u.id, u.name]));
        const now = clock.now();
        const items = [];
        for (const a of accounts) {
          const runs = await db.repos.syncState.listRuns(scope, a.id, healthRunsPerAccount);
          items.push({
            ...toAccountView(a, now),
            user: { id: a.userId, name: names.get(a.userId) ?? '' },
            runs: runs.map((r) => ({
              startedAt: r.startedAt.toISOString(),
              finishedAt: r.finishedAt?.toISOString() ?? null,
              feature: r.feature,
              items: r.items,
              errors: r.errors,
              errorKind: r.errorKind,
              message: r.message,
            })),
          });
        }
        return { items };
      },
    }),
    route({
      method: 'POST',
      url: '/api/admin/accounts/:id/resync',
      summary: 'Full resync of the window: clears the cursors and asks for a run now',
      tags: ['admin'],
      auth: 'admin',
      params: idParams,
      status: 202,
      response: resyncView,
      async handler({ caller, params }) {
        const outcome = await resyncAccount({ db, clock, engine: services.engine }, caller.companyId, params.id);
        if (!outcome.ok) {
          if (outcome.reason === 'not_found') throw notFound();
          throw new ApiError('conflict', 'The mailbox needs to be reconnected by its user before it can be resynced.');
        }
        return {
          account: toAccountView(outcome.account, clock.now()),
          requestedAt: outcome.requestedAt.toISOString(),
          // The health list shows the run's progress: a run started after requestedAt, then finished.
          progress: { state: 'queued' as const, message: 'Resync queued; the first run re-reads the whole window.' },
        };
      },
    }),
  ];
}
