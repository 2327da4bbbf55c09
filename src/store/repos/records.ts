/**
 * The records an activity can be Regarding: opportunities, properties, work tickets. Each can be
 * listed, created, fetched and searched by its name (title for work tickets).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { opportunities, properties, workTickets } from '../schema';
import { clampLimit, containsText, guard, pgError, scoped, type Scope } from './common';

export type Opportunity = typeof opportunities.$inferSelect;
export type Property = typeof properties.$inferSelect;
export type WorkTicket = typeof workTickets.$inferSelect;

type Fields<T extends { $inferInsert: object }> = Omit<T['$inferInsert'], 'id' | 'companyId' | 'createdAt'>;

export const regardingTypes = ['opportunity', 'property', 'work_ticket'] as const;
export type RegardingType = (typeof regardingTypes)[number];

/** One summary shape for pickers and the Regarding field. */
export interface RegardingSummary {
  type: RegardingType;
  id: string;
  label: string;
}

export class RecordsRepo {
  constructor(private readonly orm: Orm) {}

  // ---- opportunities

  async createOpportunity(scope: Scope, input: Fields<typeof opportunities>): Promise<Opportunity> {
    return guard('opportunity', async () => first(await this.orm.insert(opportunities).values({ ...input, companyId: scope.companyId }).returning()));
  }

  async getOpportunity(scope: Scope, id: string): Promise<Opportunity | undefined> {
    const [row] = await this.orm.select().from(opportunities).where(scoped(opportunities.companyId, scope, opportunities.id, id));
    return row;
  }

  async listOpportunities(scope: Scope, options: { q?: string; limit?: number } = {}): Promise<Opportunity[]> {
    return this.orm
      .select()
      .from(opportunities)
      .where(and(scoped(opportunities.companyId, scope), options.q ? containsText(opportunities.name, options.q) : undefined))
      .orderBy(asc(sql`lower(${opportunities.name})`), asc(opportunities.id))
      .limit(clampLimit(options.limit));
  }

  // ---- properties

  async createProperty(scope: Scope, input: Fields<typeof properties>): Promise<Property> {
    return guard('property', async () => first(await this.orm.insert(properties).values({ ...input, companyId: scope.companyId }).returning()));
  }

  async getProperty(scope: Scope, id: string): Promise<Property | undefined> {
    const [row] = await this.orm.select().from(properties).where(scoped(properties.companyId, scope, properties.id, id));
    return row;
  }

  async listProperties(scope: Scope, options: { q?: string; limit?: number } = {}): Promise<Property[]> {
    return this.orm
      .select()
      .from(properties)
      .where(and(scoped(properties.companyId, scope), options.q ? containsText(properties.name, options.q) : undefined))
      .orderBy(asc(sql`lower(${properties.name})`), asc(properties.id))
      .limit(clampLimit(options.limit));
  }

  // ---- work tickets

  /** Numbers run per company; without one the next free number is taken (retried if two race). */
  async createWorkTicket(scope: Scope, input: Omit<Fields<typeof workTickets>, 'number'> & { number?: number }): Promise<WorkTicket> {
    for (let attempt = 0; ; attempt++) {
      const number =
        input.number ??
        sql<number>`(select coalesce(max(${workTickets.number}), 0) + 1 from ${workTickets} where ${workTickets.companyId} = ${scope.companyId})`;
      try {
        return first(
          await this.orm
            .insert(workTickets)
            .values({ ...input, number, companyId: scope.companyId })
            .returning(),
        );
      } catch (e) {
        if (input.number === undefined && attempt < 3 && pgError(e)?.constraint === 'work_tickets_company_number_uq') continue;
        return guard('work ticket', () => Promise.reject(e));
      }
    }
  }

  async getWorkTicket(scope: Scope, id: string): Promise<WorkTicket | undefined> {
    const [row] = await this.orm.select().from(workTickets).where(scoped(workTickets.companyId, scope, workTickets.id, id));
    return row;
  }

  /** Title contains q, or q is the ticket number. */
  async listWorkTickets(scope: Scope, options: { q?: string; limit?: number } = {}): Promise<WorkTicket[]> {
    const q = options.q?.trim();
    const byNumber = q && /^\d{1,9}$/.test(q) ? eq(workTickets.number, Number(q)) : undefined;
    const filter = q ? (byNumber ? sql`(${containsText(workTickets.title, q)} or ${byNumber})` : containsText(workTickets.title, q)) : undefined;
    return this.orm
      .select()
      .from(workTickets)
      .where(and(scoped(workTickets.companyId, scope), filter))
      .orderBy(asc(workTickets.number))
      .limit(clampLimit(options.limit));
  }

  // ---- all three, for the Regarding picker

  async searchRegarding(scope: Scope, q: string, limit = 10): Promise<RegardingSummary[]> {
    const [o, p, w] = await Promise.all([
      this.listOpportunities(scope, { q, limit }),
      this.listProperties(scope, { q, limit }),
      this.listWorkTickets(scope, { q, limit }),
    ]);
    return [
      ...o.map((r) => ({ type: 'opportunity' as const, id: r.id, label: r.name })),
      ...p.map((r) => ({ type: 'property' as const, id: r.id, label: r.name })),
      ...w.map((r) => ({ type: 'work_ticket' as const, id: r.id, label: `#${r.number} ${r.title}` })),
    ];
  }

  /** The Regarding target if it exists in this company. */
  async findRegarding(scope: Scope, type: RegardingType, id: string): Promise<RegardingSummary | undefined> {
    if (type === 'opportunity') {
      const r = await this.getOpportunity(scope, id);
      return r && { type, id, label: r.name };
    }
    if (type === 'property') {
      const r = await this.getProperty(scope, id);
      return r && { type, id, label: r.name };
    }
    const r = await this.getWorkTicket(scope, id);
    return r && { type, id, label: `#${r.number} ${r.title}` };
  }
}

function first<T>(rows: T[]): T {
  const [row] = rows;
  if (!row) throw new Error('insert returned no row');
  return row;
}
