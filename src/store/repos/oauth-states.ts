/** In-flight OAuth sign-ins: the state parameter and its PKCE verifier (sealed), single use, short-lived. */
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Orm } from '../db';
import { oauthStates } from '../schema';
import type { Scope } from './common';

export type OAuthState = typeof oauthStates.$inferSelect;

export class OAuthStatesRepo {
  constructor(private readonly orm: Orm) {}

  async create(scope: Scope, input: Omit<typeof oauthStates.$inferInsert, 'companyId'>): Promise<void> {
    await this.orm.insert(oauthStates).values({ ...input, companyId: scope.companyId });
  }

  /**
   * System (the provider redirect arrives before we know the tenant): consumes the state. Deleting
   * on read makes it single use; an expired state is not returned.
   */
  async takeForSystem(state: string, now: Date): Promise<OAuthState | undefined> {
    const [row] = await this.orm
      .delete(oauthStates)
      .where(and(eq(oauthStates.state, state), gt(oauthStates.expiresAt, now)))
      .returning();
    return row;
  }

  async pruneExpiredForSystem(now: Date): Promise<number> {
    const gone = await this.orm.delete(oauthStates).where(lt(oauthStates.expiresAt, now)).returning({ state: oauthStates.state });
    return gone.length;
  }
}
