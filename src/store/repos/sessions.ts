/** Browser sessions. The cookie carries a random token; only its SHA-256 is stored. */
import { createHash } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Orm } from '../db';
import { sessions, users } from '../schema';
import { scoped, type Scope } from './common';

export type Session = typeof sessions.$inferSelect;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class SessionsRepo {
  constructor(private readonly orm: Orm) {}

  async create(scope: Scope, input: { userId: string; token: string; csrfToken: string; now: Date; expiresAt: Date }): Promise<Session> {
    const [row] = await this.orm
      .insert(sessions)
      .values({
        companyId: scope.companyId,
        userId: input.userId,
        tokenHash: hashSessionToken(input.token),
        csrfToken: input.csrfToken,
        createdAt: input.now,
        lastSeenAt: input.now,
        expiresAt: input.expiresAt,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  /** System (pre-auth): the live session a cookie token opens, with its user; the row carries companyId. */
  async findByTokenForSystem(token: string, now: Date) {
    const [row] = await this.orm
      .select({ session: sessions, user: { id: users.id, email: users.email, name: users.name, role: users.role, companyId: users.companyId } })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, hashSessionToken(token)), gt(sessions.expiresAt, now)));
    return row;
  }

  /** Sliding expiry: the API calls this on activity. */
  async touch(scope: Scope, id: string, now: Date, expiresAt: Date): Promise<void> {
    await this.orm.update(sessions).set({ lastSeenAt: now, expiresAt }).where(scoped(sessions.companyId, scope, sessions.id, id));
  }

  async delete(scope: Scope, id: string): Promise<void> {
    await this.orm.delete(sessions).where(scoped(sessions.companyId, scope, sessions.id, id));
  }

  async deleteForUser(scope: Scope, userId: string): Promise<void> {
    await this.orm.delete(sessions).where(and(scoped(sessions.companyId, scope), eq(sessions.userId, userId)));
  }

  async pruneExpiredForSystem(now: Date): Promise<number> {
    const gone = await this.orm.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
    return gone.length;
  }
}
