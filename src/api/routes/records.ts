/** Opportunities, properties and work tickets: list with search, create, get; and the Regarding picker. */
import { z } from 'zod';
import { opportunityStages, workTicketStatuses } from '../../store/schema';
import { regardingTypes } from '../../store/repos/records';
import { notFound } from '../errors';
import { idParams, route, type RouteDef } from '../route';
import type { RouteDeps } from '../deps';
import { storeCall } from './contacts';

const listQuery = z.object({ q: z.string().trim().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
const optionalText = (max: number) => z.string().trim().max(max).nullish();

const opportunityView = z.object({ id: z.string(), name: z.string(), stage: z.enum(opportunityStages), amount: z.string().nullable(), contactId: z.string().nullable() });
const propertyView = z.object({
  id: z.string(),
  name: z.string(),
  street: z.string().nullable(),
  city: z.string().nullable(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
});
const workTicketView = z.object({ id: z.string(), number: z.number(), title: z.string(), status: z.enum(workTicketStatuses), propertyId: z.string().nullable() });

export function recordRoutes({ db }: RouteDeps): RouteDef[] {
  const repo = db.repos.records;
  return [
    route({
      method: 'GET',
      url: '/api/opportunities',
      summary: 'List or search opportunities',
      tags: ['records'],
      auth: 'session',
      query: listQuery,
      response: z.object({ items: z.array(opportunityView) }),
      async handler({ caller, query }) {
        const rows = await repo.listOpportunities({ companyId: caller.companyId }, query);
        return { items: rows.map((r) => opportunityView.parse(r)) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/opportunities',
      summary: 'Create an opportunity',
      tags: ['records'],
      auth: 'session',
      status: 201,
      body: z.object({
        name: z.string().trim().min(1).max(200),
        stage: z.enum(opportunityStages).default('lead'),
        amount: z.number().nonnegative().max(1e12).nullish(),
        contactId: z.uuid().nullish(),
      }),
      response: opportunityView,
      async handler({ caller, body }) {
        const row = await storeCall(() =>
          repo.createOpportunity({ companyId: caller.companyId }, { ...body, amount: body.amount == null ? null : body.amount.toFixed(2) }),
        );
        return opportunityView.parse(row);
      },
    }),
    route({
      method: 'GET',
      url: '/api/opportunities/:id',
      summary: 'One opportunity',
      tags: ['records'],
      auth: 'session',
      params: idParams,
      response: opportunityView,
      async handler({ caller, params }) {
        const row = await repo.getOpportunity({ companyId: caller.companyId }, params.id);
        if (!row) throw notFound();
        return opportunityView.parse(row);
      },
    }),
    route({
      method: 'GET',
      url: '/api/properties',
      summary: 'List or search properties',
      tags: ['records'],
      auth: 'session',
      query: listQuery,
      response: z.object({ items: z.array(propertyView) }),
      async handler({ caller, query }) {
        const rows = await repo.listProperties({ companyId: caller.companyId }, query);
        return { items: rows.map((r) => propertyView.parse(r)) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/properties',
      summary: 'Create a property',
      tags: ['records'],
      auth: 'session',
      status: 201,
      body: z.object({
        name: z.string().trim().min(1).max(200),
        street: optionalText(200),
        city: optionalText(100),
        region: optionalText(100),
        postalCode: optionalText(20),
        country: optionalText(100),
      }),
      response: propertyView,
      async handler({ caller, body }) {
        return propertyView.parse(await storeCall(() => repo.createProperty({ companyId: caller.companyId }, body)));
      },
    }),
    route({
      method: 'GET',
      url: '/api/properties/:id',
      summary: 'One property',
      tags: ['records'],
      auth: 'session',
      params: idParams,
      response: propertyView,
      async handler({ caller, params }) {
        const row = await repo.getProperty({ companyId: caller.companyId }, params.id);
        if (!row) throw notFound();
        return propertyView.parse(row);
      },
    }),
    route({
      method: 'GET',
      url: '/api/work-tickets',
      summary: 'List or search work tickets',
      tags: ['records'],
      auth: 'session',
      query: listQuery,
      response: z.object({ items: z.array(workTicketView) }),
      async handler({ caller, query }) {
        const rows = await repo.listWorkTickets({ companyId: caller.companyId }, query);
        return { items: rows.map((r) => workTicketView.parse(r)) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/work-tickets',
      summary: 'Create a work ticket (numbered per company)',
      tags: ['records'],
      auth: 'session',
      status: 201,
      body: z.object({ title: z.string().trim().min(1).max(200), status: z.enum(workTicketStatuses).default('open'), propertyId: z.uuid().nullish() }),
      response: workTicketView,
      async handler({ caller, body }) {
        return workTicketView.parse(await storeCall(() => repo.createWorkTicket({ companyId: caller.companyId }, body)));
      },
    }),
    route({
      method: 'GET',
      url: '/api/work-tickets/:id',
      summary: 'One work ticket',
      tags: ['records'],
      auth: 'session',
      params: idParams,
      response: workTicketView,
      async handler({ caller, params }) {
        const row = await repo.getWorkTicket({ companyId: caller.companyId }, params.id);
        if (!row) throw notFound();
        return workTicketView.parse(row);
      },
    }),
    route({
      method: 'GET',
      url: '/api/regarding/search',
      summary: 'Search opportunities, properties and work tickets for the Regarding picker',
      tags: ['records'],
      auth: 'session',
      query: z.object({ q: z.string().trim().min(1).max(200), limit: z.coerce.number().int().min(1).max(50).default(10) }),
      response: z.object({ items: z.array(z.object({ type: z.enum(regardingTypes), id: z.string(), label: z.string() })) }),
      async handler({ caller, query }) {
        return { items: await repo.searchRegarding({ companyId: caller.companyId }, query.q, query.limit) };
      },
    }),
  ];
}
