/** The company's SMTP relay and its sending domains (DKIM keys sealed in the vault). */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { sendingDomains, smtpRelays } from '../schema';
import { guard, notFound, scoped, type Scope } from './common';

export type SmtpRelay = typeof smtpRelays.$inferSelect;
export type SendingDomain = typeof sendingDomains.$inferSelect;

type RelayFields = Omit<typeof smtpRelays.$inferInsert, 'id' | 'companyId' | 'createdAt' | 'updatedAt'>;

export class MailRelaysRepo {
  constructor(private readonly orm: Orm) {}

  async getRelay(scope: Scope): Promise<SmtpRelay | undefined> {
    const [row] = await this.orm.select().from(smtpRelays).where(scoped(smtpRelays.companyId, scope));
    return row;
  }

  /** One relay per company: saving replaces it. */
  async saveRelay(scope: Scope, input: RelayFields): Promise<SmtpRelay> {
    const [row] = await this.orm
      .insert(smtpRelays)
      .values({ ...input, companyId: scope.companyId })
      .onConflictDoUpdate({ target: smtpRelays.companyId, set: { ...input, updatedAt: sql`now()` } })
      .returning();
    if (!row) throw new Error('upsert returned no row');
    return row;
  }

  async deleteRelay(scope: Scope): Promise<void> {
    await this.orm.delete(smtpRelays).where(scoped(smtpRelays.companyId, scope));
  }

  async listDomains(scope: Scope): Promise<SendingDomain[]> {
    return this.orm.select().from(sendingDomains).where(scoped(sendingDomains.companyId, scope)).orderBy(asc(sendingDomains.domain));
  }

  async getDomain(scope: Scope, domain: string): Promise<SendingDomain | undefined> {
    const [row] = await this.orm
      .select()
      .from(sendingDomains)
      .where(and(scoped(sendingDomains.companyId, scope), eq(sql`lower(${sendingDomains.domain})`, domain.trim().toLowerCase())));
    return row;
  }

  async addDomain(scope: Scope, input: Omit<typeof sendingDomains.$inferInsert, 'id' | 'companyId' | 'createdAt'>): Promise<SendingDomain> {
    return guard('sending domain', async () => {
      const [row] = await this.orm
        .insert(sendingDomains)
        .values({ ...input, domain: input.domain.trim().toLowerCase(), companyId: scope.companyId })
        .returning();
      if (!row) throw new Error('insert returned no row');
      return row;
    });
  }

  async recordCheck(scope: Scope, id: string, lastCheck: Record<string, unknown>, checkedAt: Date): Promise<void> {
    const done = await this.orm
      .update(sendingDomains)
      .set({ lastCheck, checkedAt })
      .where(scoped(sendingDomains.companyId, scope, sendingDomains.id, id))
      .returning({ id: sendingDomains.id });
    if (done.length === 0) throw notFound('sending domain', id);
  }

  async removeDomain(scope: Scope, id: string): Promise<void> {
    await this.orm.delete(sendingDomains).where(scoped(sendingDomains.companyId, scope, sendingDomains.id, id));
  }
}
