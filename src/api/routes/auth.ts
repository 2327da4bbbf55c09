/** Sign in, sign out, and who am I. Sessions are cookie tokens; writes need the session's CSRF token. */
import { z } from 'zod';
import { ApiError } from '../errors';
import { route, type RouteDef } from '../route';
import { SESSION_COOKIE, type SessionLookup } from '../app';
import type { RouteDeps } from '../deps';

export const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** Repeated failures for one address from one IP slow down: free tries, then a doubling lock. */
export const FREE_SIGN_IN_FAILURES = 5;
export function signInLockMs(failures: number): number {
  if (failures < FREE_SIGN_IN_FAILURES) return 0;
  return Math.min(15 * 60_000, 1000 * 2 ** (failures - FREE_SIGN_IN_FAILURES));
}

const signInBody = z.object({ email: z.email().max(320), password: z.string().min(1).max(1024) });

const meResponse = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(['admin', 'member']) }),
  company: z.object({ id: z.string(), name: z.string() }),
  csrfToken: z.string(),
});

/** Hooks run after a successful sign-in, e.g. renewing the user's 90-day mailbox connections. */
export type SignInHook = (caller: { companyId: string; userId: string }, now: Date) => Promise<void>;

export function sessionLookup(deps: RouteDeps): SessionLookup {
  return {
    async resolve(token) {
      const now = deps.clock.now();
      const found = await deps.db.repos.sessions.findByTokenForSystem(token, now);
      if (!found) return null;
      // Sliding expiry, written at most once an hour per session to keep reads cheap.
      if (now.getTime() - found.session.lastSeenAt.getTime() > 3600_000) {
        await deps.db.repos.sessions.touch({ companyId: found.user.companyId }, found.session.id, now, new Date(now.getTime() + SESSION_TTL_MS));
      }
      return {
        userId: found.user.id,
        companyId: found.user.companyId,
        role: found.user.role,
        sessionId: found.session.id,
        csrfToken: found.session.csrfToken,
      };
    },
  };
}

export function authRoutes(deps: RouteDeps, onSignIn: SignInHook[] = []): RouteDef[] {
  const { db, clock } = deps;

  async function me(companyId: string, userId: string, csrfToken: string): Promise<z.infer<typeof meResponse>> {
    const scope = { companyId };
    const [user, company] = await Promise.all([db.repos.users.get(scope, userId), db.repos.companies.get(scope)]);
    if (!user || !company) throw new ApiError('unauthenticated');
    return { user: { id: user.id, email: user.email, name: user.name, role: user.role }, company: { id: company.id, name: company.name }, csrfToken };
  }

  return [
    route({
      method: 'POST',
      url: '/api/session',
      summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token',
      tags: ['auth'],
      auth: 'none',
      body: signInBody,
      response: meResponse,
      async handler({ body, request, reply }) {
        const now = clock.now();
        const ip = request.ip;
        const attempt = await db.repos.users.signInAttemptForSystem(body.email, ip);
        if (attempt?.lockedUntil && attempt.lockedUntil > now) {
          reply.header('retry-after', String(Math.ceil((attempt.lockedUntil.getTime() - now.getTime()) / 1000)));
          throw new ApiError('too_many_attempts');
        }
        const user = await db.repos.users.verifySignInForSystem(body.email, body.password);
        if (!user) {
          await db.repos.users.recordSignInFailureForSystem(body.email, ip, now, signInLockMs);
          throw new ApiError('invalid_credentials');
        }
        await db.repos.users.clearSignInFailuresForSystem(body.email, ip);
        const token = deps.randomToken(32);
        const csrfToken = deps.randomToken(24);
        const scope = { companyId: user.companyId };
        await db.repos.sessions.create(scope, { userId: user.id, token, csrfToken, now, expiresAt: new Date(now.getTime() + SESSION_TTL_MS) });
        for (const hook of onSignIn) await hook({ companyId: user.companyId, userId: user.id }, now);
        reply.setCookie(SESSION_COOKIE, token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.config.publicUrl.startsWith('https:'),
          maxAge: SESSION_TTL_MS / 1000,
        });
        return me(user.companyId, user.id, csrfToken);
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/session',
      summary: 'Sign out',
      tags: ['auth'],
      auth: 'session',
      async handler({ caller, reply }) {
        await db.repos.sessions.delete({ companyId: caller.companyId }, caller.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return undefined;
      },
    }),
    route({
      method: 'GET',
      url: '/api/me',
      summary: 'The signed-in user, their company and the CSRF token for writes',
      tags: ['auth'],
      auth: 'session',
      response: meResponse,
      async handler({ caller }) {
        return me(caller.companyId, caller.userId, caller.csrfToken);
      },
    }),
  ];
}
