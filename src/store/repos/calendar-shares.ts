/** Who may see the details of a private calendar. The privacy projection itself lives in domain/. */
import { and, eq } from 'drizzle-orm';
import type { Orm } from '../db';
import { calendarShares } from '../schema';
import { guard, scoped, type Scope } from './common';

export class CalendarSharesRepo {
  constructor(private readonly orm: Orm) {}

  async share(scope: Scope, ownerUserId: string, sharedWithUserId: string): Promise<void> {
    await guard('calendar share', () =>
      this.orm.insert(calendarShares).values({ companyId: scope.companyId, ownerUserId, sharedWithUserId }).onConflictDoNothing(),
    );
  }

  async unshare(scope: Scope, ownerUserId: string, sharedWithUserId: string): Promise<void> {
    await this.orm
      .delete(calendarShares)
      .where(and(scoped(calendarShares.companyId, scope, calendarShares.ownerUserId, ownerUserId), eq(calendarShares.sharedWithUserId, sharedWithUserId)));
  }

  /** Users the owner shares details with. */
  async listViewers(scope: Scope, ownerUserId: string): Promise<string[]> {
    const rows = await this.orm
      .select({ id: calendarShares.sharedWithUserId })
      .from(calendarShares)
      .where(scoped(calendarShares.companyId, scope, calendarShares.ownerUserId, ownerUserId));
    return rows.map((r) => r.id);
  }

  /** Owners whose private calendars this user may see in detail. */
  async listOwnersSharingWith(scope: Scope, userId: string): Promise<string[]> {
    const rows = await this.orm
      .select({ id: calendarShares.ownerUserId })
      .from(calendarShares)
      .where(scoped(calendarShares.companyId, scope, calendarShares.sharedWithUserId, userId));
    return rows.map((r) => r.id);
  }
}
