/** Companies (tenants). Creating one is a system act (sign-up, seed); reading one needs its scope. */
import { eq } from 'drizzle-orm';
import type { Orm } from '../db';
import { companies } from '../schema';
import type { Scope } from './common';

export type Company = typeof companies.$inferSelect;

export class CompaniesRepo {
  constructor(private readonly orm: Orm) {}

  async create(input: { name: string; id?: string }): Promise<Company> {
    const [row] = await this.orm.insert(companies).values(input).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async get(scope: Scope): Promise<Company | undefined> {
    const [row] = await this.orm.select().from(companies).where(eq(companies.id, scope.companyId));
    return row;
  }

  async rename(scope: Scope, name: string): Promise<void> {
    await this.orm.update(companies).set({ name }).where(eq(companies.id, scope.companyId));
  }

  /** System: used by the demo seed to stay idempotent. */
  async findByNameForSystem(name: string): Promise<Company | undefined> {
    const [row] = await this.orm.select().from(companies).where(eq(companies.name, name)).limit(1);
    return row;
  }
}
