/**
 * Where Microsoft and Google send the browser back after sign-in. No session is required to reach
 * it, but the `state` must name a live, unused oauth_states row started in this same browser session
 * (the session cookie travels on this top-level GET). The browser then lands on User Settings → Sync,
 * with `?connected=1` or `?error=<code>&message=…` (and the admin-consent link when there is one).
 */
import { z } from 'zod';
import { SESSION_COOKIE } from '../app';
import type { RouteDeps } from '../deps';
import { route, type RouteDef } from '../route';
import type { RouteServices } from './index';
import { connectServiceFor } from './settings';

const oauthParams = z.object({ provider: z.enum(['microsoft', 'google']) });

export function oauthRoutes(deps: RouteDeps, services: RouteServices): RouteDef[] {
  return [
    route({
      method: 'GET',
      url: '/api/oauth/:provider/callback',
      summary: "OAuth redirect target: completes the connection and sends the browser back to the sync settings",
      tags: ['settings'],
      auth: 'none',
      params: oauthParams,
      status: 302,
      async handler({ params, request, reply }) {
        const query = new URL(request.url, 'http://callback.invalid').searchParams;
        const token = request.cookies[SESSION_COOKIE];
        const session = token ? await deps.db.repos.sessions.findByTokenForSystem(token, deps.clock.now()) : undefined;
        const next = await connectServiceFor(deps, services, request.log).completeOAuth(params.provider, query, session?.session.id);
        const back = new URLSearchParams();
        if (next.type === 'error') {
          back.set('error', next.code);
          back.set('message', next.message);
          if (next.adminConsentUrl) back.set('adminConsentUrl', next.adminConsentUrl);
        } else back.set('connected', '1');
        // Never cache: the URL carried a one-time code.
        reply.header('cache-control', 'no-store');
        return reply.redirect(`/settings/sync?${back.toString()}`, 302);
      },
    }),
  ];
}
