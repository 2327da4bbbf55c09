/** Contacts and their addresses. An address belongs to at most one contact per company (any case). */
import { and, asc, eq, exists, inArray, or, sql } from 'drizzle-orm';
import type { Orm } from '../db';
import { contactEmails, contacts } from '../schema';
import { clampLimit, containsText, groupValues, guard, notFound, scoped, type Scope } from './common';
import { anyText } from './json-rows';

export type ContactRow = typeof contacts.$inferSelect;
export interface Contact extends ContactRow {
  emails: string[];
}

type ContactFields = Omit<typeof contacts.$inferInsert, 'id' | 'companyId' | 'createdAt' | 'updatedAt'>;

export interface NewContact extends ContactFields {
  emails?: string[];
}

export interface ContactPatch extends Partial<ContactFields> {
  /** Replaces the whole address list when given. */
  emails?: string[];
}

/** A contact an address belongs to, as the capture matcher needs it. */
export interface AddressMatch {
  contactId: string;
  email: string;
}

const normalize = (emails: readonly string[]): string[] => [...new Set(emails.map((e) => e.trim()).filter((e) => e !== ''))];

export class ContactsRepo {
  constructor(private readonly orm: Orm) {}

  async create(scope: Scope, input: NewContact): Promise<Contact> {
    const { emails = [], ...fields } = input;
    return guard('contact', () =>
      this.orm.transaction(async (tx) => {
        const [row] = await tx
          .insert(contacts)
          .values({ ...fields, companyId: scope.companyId })
          .returning();
        if (!row) throw new Error('insert returned no row');
        const list = normalize(emails);
        await insertEmails(tx, scope, row.id, list);
        return { ...row, emails: list };
      }),
    );
  }

  async get(scope: Scope, id: string): Promise<Contact | undefined> {
    const [row] = await this.orm.select().from(contacts).where(scoped(contacts.companyId, scope, contacts.id, id));
    if (!row) return undefined;
    return (await this.withEmails(scope, [row]))[0];
  }

  async update(scope: Scope, id: string, patch: ContactPatch): Promise<Contact> {
    const { emails, ...fields } = patch;
    return guard('contact', () =>
      this.orm.transaction(async (tx) => {
        const [row] = await tx
          .update(contacts)
          .set({ ...fields, updatedAt: sql`now()` })
          .where(scoped(contacts.companyId, scope, contacts.id, id))
          .returning();
        if (!row) throw notFound('contact', id);
        if (emails !== undefined) {
          await tx.delete(contactEmails).where(and(scoped(contactEmails.companyId, scope), eq(contactEmails.contactId, id)));
          await insertEmails(tx, scope, id, normalize(emails));
        }
        return (await new ContactsRepo(tx).get(scope, id)) ?? { ...row, emails: [] };
      }),
    );
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    const gone = await this.orm.delete(contacts).where(scoped(contacts.companyId, scope, contacts.id, id)).returning({ id: contacts.id });
    return gone.length > 0;
  }

  async addEmail(scope: Scope, contactId: string, email: string): Promise<void> {
    await guard('contact email', () => insertEmails(this.orm, scope, contactId, normalize([email]), false));
  }

  /** Alphabetical, keyset-paged by (lower(name), id) after the given contact. */
  async list(scope: Scope, options: { limit?: number; afterId?: string } = {}): Promise<Contact[]> {
    const limit = clampLimit(options.limit);
    let after;
    if (options.afterId) {
      const [pivot] = await this.orm.select({ name: contacts.name }).from(contacts).where(scoped(contacts.companyId, scope, contacts.id, options.afterId));
      if (pivot) after = sql`(lower(${contacts.name}), ${contacts.id}) > (lower(${pivot.name}), ${options.afterId})`;
    }
    const rows = await this.orm
      .select()
      .from(contacts)
      .where(and(scoped(contacts.companyId, scope), after))
      .orderBy(asc(sql`lower(${contacts.name})`), asc(contacts.id))
      .limit(limit);
    return this.withEmails(scope, rows);
  }

  /** Name, company name or any address containing q (case-insensitive). */
  async search(scope: Scope, q: string, limit?: number): Promise<Contact[]> {
    const emailHit = this.orm
      .select({ one: sql`1` })
      .from(contactEmails)
      .where(and(eq(contactEmails.companyId, contacts.companyId), eq(contactEmails.contactId, contacts.id), containsText(contactEmails.email, q)));
    const rows = await this.orm
      .select()
      .from(contacts)
      .where(and(scoped(contacts.companyId, scope), or(containsText(contacts.name, q), containsText(contacts.companyName, q), exists(emailHit))))
      .orderBy(asc(sql`lower(${contacts.name})`), asc(contacts.id))
      .limit(clampLimit(limit, 20));
    return this.withEmails(scope, rows);
  }

  async findByEmail(scope: Scope, email: string): Promise<Contact | undefined> {
    const [match] = await this.matchAddresses(scope, [email]);
    return match ? this.get(scope, match.contactId) : undefined;
  }

  /**
   * Every contact any of these addresses belongs to, compared case-insensitively: the capture matcher
   * passes all From/To/Cc addresses of a message. Uses the (company_id, lower(email)) unique index.
   */
  async matchAddresses(scope: Scope, addresses: readonly string[]): Promise<AddressMatch[]> {
    const wanted = [...new Set(addresses.map((a) => a.trim().toLowerCase()).filter((a) => a !== ''))];
    if (wanted.length === 0) return [];
    return this.orm
      .select({ contactId: contactEmails.contactId, email: contactEmails.email })
      .from(contactEmails)
      .where(and(scoped(contactEmails.companyId, scope), anyText(sql`lower(${contactEmails.email})`, wanted)));
  }

  async count(scope: Scope): Promise<number> {
    const [row] = await this.orm.select({ n: sql<number>`count(*)::int` }).from(contacts).where(scoped(contacts.companyId, scope));
    return row?.n ?? 0;
  }

  private async withEmails(scope: Scope, rows: ContactRow[]): Promise<Contact[]> {
    if (rows.length === 0) return [];
    const emails = await this.orm
      .select({ contactId: contactEmails.contactId, email: contactEmails.email })
      .from(contactEmails)
      .where(
        and(
          scoped(contactEmails.companyId, scope),
          inArray(
            contactEmails.contactId,
            rows.map((r) => r.id),
          ),
        ),
      )
      .orderBy(asc(contactEmails.createdAt), asc(contactEmails.id));
    const byContact = groupValues(
      emails,
      (e) => e.contactId,
      (e) => e.email,
    );
    return rows.map((r) => ({ ...r, emails: byContact.get(r.id) ?? [] }));
  }
}

async function insertEmails(orm: Orm, scope: Scope, contactId: string, emails: string[], firstIsPrimary = true): Promise<void> {
  if (emails.length === 0) return;
  await orm.insert(contactEmails).values(emails.map((email, i) => ({ companyId: scope.companyId, contactId, email, isPrimary: firstIsPrimary && i === 0 })));
}

