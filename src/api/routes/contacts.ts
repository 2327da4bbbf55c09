/** Contacts: list / search, CRUD, lookup by email. */
import { z } from 'zod';
import { StoreError } from '../../store/repos/common';
import type { Contact } from '../../store/repos/contacts';
import { ApiError, notFound } from '../errors';
import { idParams, route, type RouteDef } from '../route';
import { fromStoreError, type RouteDeps } from '../deps';

const text = (max: number) => z.string().trim().max(max);
const contactFields = z.object({
  name: text(200).min(1),
  companyName: text(200).nullish(),
  phone: text(50).nullish(),
  street: text(200).nullish(),
  city: text(100).nullish(),
  region: text(100).nullish(),
  postalCode: text(20).nullish(),
  country: text(100).nullish(),
  emails: z.array(z.email().max(320)).max(20).default([]),
});

export const contactView = z.object({
  id: z.string(),
  name: z.string(),
  companyName: z.string().nullable(),
  phone: z.string().nullable(),
  street: z.string().nullable(),
  city: z.string().nullable(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
  emails: z.array(z.string()),
});

export function toContactView(c: Contact): z.infer<typeof contactView> {
  return {
    id: c.id,
    name: c.name,
    companyName: c.companyName,
    phone: c.phone,
    street: c.street,
    city: c.city,
    region: c.region,
    postalCode: c.postalCode,
    country: c.country,
    emails: c.emails,
  };
}

/** Runs a store call, turning store errors into catalogue errors. */
export async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StoreError) throw fromStoreError(e);
    throw e;
  }
}

export function contactRoutes({ db }: RouteDeps): RouteDef[] {
  return [
    route({
      method: 'GET',
      url: '/api/contacts',
      summary: 'List contacts alphabetically, or search by name, company or address (q)',
      tags: ['contacts'],
      auth: 'session',
      query: z.object({ q: z.string().trim().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), after: z.uuid().optional() }),
      response: z.object({ items: z.array(contactView) }),
      async handler({ caller, query }) {
        const scope = { companyId: caller.companyId };
        const rows = query.q
          ? await db.repos.contacts.search(scope, query.q, query.limit)
          : await db.repos.contacts.list(scope, { limit: query.limit, ...(query.after ? { afterId: query.after } : {}) });
        return { items: rows.map(toContactView) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/contacts/by-email',
      summary: 'The contact an address belongs to (case-insensitive)',
      tags: ['contacts'],
      auth: 'session',
      query: z.object({ email: z.email().max(320) }),
      response: contactView,
      async handler({ caller, query }) {
        const c = await db.repos.contacts.findByEmail({ companyId: caller.companyId }, query.email);
        if (!c) throw notFound();
        return toContactView(c);
      },
    }),
    route({
      method: 'GET',
      url: '/api/contacts/:id',
      summary: 'One contact',
      tags: ['contacts'],
      auth: 'session',
      params: idParams,
      response: contactView,
      async handler({ caller, params }) {
        const c = await db.repos.contacts.get({ companyId: caller.companyId }, params.id);
        if (!c) throw notFound();
        return toContactView(c);
      },
    }),
    route({
      method: 'POST',
      url: '/api/contacts',
      summary: 'Create a contact',
      tags: ['contacts'],
      auth: 'session',
      status: 201,
      body: contactFields,
      response: contactView,
      async handler({ caller, body }) {
        const c = await storeCall(() => db.repos.contacts.create({ companyId: caller.companyId }, { ...body, createdBy: caller.userId }));
        return toContactView(c);
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/contacts/:id',
      summary: 'Change a contact (emails, when given, replace the list)',
      tags: ['contacts'],
      auth: 'session',
      params: idParams,
      body: contactFields.partial().extend({ emails: z.array(z.email().max(320)).max(20).optional() }),
      response: contactView,
      async handler({ caller, params, body }) {
        const c = await storeCall(() => db.repos.contacts.update({ companyId: caller.companyId }, params.id, body));
        return toContactView(c);
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/contacts/:id',
      summary: 'Delete a contact (its activities stay, linked to the other contacts they name)',
      tags: ['contacts'],
      auth: 'session',
      params: idParams,
      async handler({ caller, params }) {
        const gone = await db.repos.contacts.delete({ companyId: caller.companyId }, params.id);
        if (!gone) throw new ApiError('not_found');
        return undefined;
      },
    }),
  ];
}
