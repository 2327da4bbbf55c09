/**
 * User Settings → Provider "Other via SMTP": whether the signed-in user's mail can go out through the
 * company's SMTP relay, and if not, why (the send gate's own answer). Any user may ask about their
 * own address; the relay's host and credentials stay behind the admin routes.
 */
import { z } from 'zod';
import { decideSendRoute } from '../../mailauth';
import { domainForAddress, domainStateOf } from '../../sync/relay/relay-store';
import type { RouteDeps } from '../deps';
import { ApiError } from '../errors';
import { route, type RouteDef } from '../route';

const relayStatusView = z.object({
  fromAddress: z.string(),
  /** A connected mailbox sends instead of the relay (unless it is disabled). */
  hasSyncedMailbox: z.boolean(),
  relayConfigured: z.boolean(),
  domain: z.object({ domain: z.string(), checkedAt: z.string().nullable(), overall: z.enum(['pass', 'fail']).nullable() }).nullable(),
  ready: z.boolean(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  failing: z.array(z.object({ record: z.string(), host: z.string(), explanation: z.string() })),
});

export function relayStatusRoutes(deps: RouteDeps): RouteDef[] {
  const { db, clock } = deps;
  return [
    route({
      method: 'GET',
      url: '/api/settings/relay',
      summary: "Can the caller's mail go out through the company SMTP relay, and if not, what to fix",
      tags: ['settings'],
      auth: 'session',
      response: relayStatusView,
      async handler({ caller }) {
        const scope = { companyId: caller.companyId };
        const user = await db.repos.users.get(scope, caller.userId);
        if (!user) throw new ApiError('unauthenticated');
        const from = user.email.toLowerCase();
        const [relay, domain, accounts] = await Promise.all([db.repos.mailRelays.getRelay(scope), domainForAddress(db, scope, from), db.repos.accounts.listForUser(scope, caller.userId)]);
        const check = domain ? domainStateOf(domain).result : null;
        const gate = decideSendRoute({ hasSyncedMailbox: false, fromAddress: from, relayConfigured: relay !== undefined, domainCheck: check, now: clock.now() });
        return {
          fromAddress: from,
          hasSyncedMailbox: accounts.some((a) => a.status !== 'disabled'),
          relayConfigured: relay !== undefined,
          domain: domain ? { domain: domain.domain, checkedAt: check?.checkedAt ?? null, overall: check?.overall ?? null } : null,
          ready: gate.allowed,
          code: gate.allowed ? null : gate.code,
          message: gate.allowed ? null : gate.message,
          failing: gate.allowed ? [] : gate.failing.map((f) => ({ record: f.record, host: f.host, explanation: f.explanation })),
        };
      },
    }),
  ];
}
