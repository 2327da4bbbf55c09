/** Colleagues, and the people a user shares a Private calendar with. */
import { z } from 'zod';
import { notFound } from '../errors';
import { route, type RouteDef } from '../route';
import type { RouteDeps } from '../deps';

const userView = z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.enum(['admin', 'member']), calendarPrivacy: z.enum(['public', 'private']) });
const userParams = z.object({ userId: z.uuid() });

export function peopleRoutes({ db }: RouteDeps): RouteDef[] {
  return [
    route({
      method: 'GET',
      url: '/api/users',
      summary: 'Users of the caller’s company (colleagues)',
      tags: ['users'],
      auth: 'session',
      response: z.object({ items: z.array(userView) }),
      async handler({ caller }) {
        const users = await db.repos.users.list({ companyId: caller.companyId });
        return { items: users.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, calendarPrivacy: u.calendarPrivacy })) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/calendar-shares',
      summary: 'Who sees the details of the caller’s Private calendar',
      tags: ['calendar'],
      auth: 'session',
      response: z.object({ items: z.array(z.object({ userId: z.string(), name: z.string() })) }),
      async handler({ caller }) {
        const scope = { companyId: caller.companyId };
        const [viewerIds, users] = await Promise.all([db.repos.calendarShares.listViewers(scope, caller.userId), db.repos.users.list(scope)]);
        const names = new Map(users.map((u) => [u.id, u.name]));
        return { items: viewerIds.map((userId) => ({ userId, name: names.get(userId) ?? '' })) };
      },
    }),
    route({
      method: 'PUT',
      url: '/api/calendar-shares/:userId',
      summary: 'Share the caller’s Private calendar with a colleague',
      tags: ['calendar'],
      auth: 'session',
      params: userParams,
      async handler({ caller, params }) {
        const scope = { companyId: caller.companyId };
        if (params.userId === caller.userId || !(await db.repos.users.get(scope, params.userId))) throw notFound();
        await db.repos.calendarShares.share(scope, caller.userId, params.userId);
        return undefined;
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/calendar-shares/:userId',
      summary: 'Stop sharing the caller’s Private calendar with a colleague',
      tags: ['calendar'],
      auth: 'session',
      params: userParams,
      async handler({ caller, params }) {
        const scope = { companyId: caller.companyId };
        if (!(await db.repos.users.get(scope, params.userId))) throw notFound();
        await db.repos.calendarShares.unshare(scope, caller.userId, params.userId);
        return undefined;
      },
    }),
  ];
}
