/**
 * A user of company A gets 404 — the same answer as for an id that does not exist — on every route
 * for every company-B resource, and company B's data is unchanged afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn, startApiHarness, type ApiHarness, type CompanyFixture, type Session } from './api-harness';

let h: ApiHarness;
let asA: Session;
beforeAll(async () => {
  h = await startApiHarness();
  asA = await signIn(h.app, h.a.email, h.a.password);
});
afterAll(async () => h.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Case {
  name: string;
  method: Method;
  url: (c: CompanyFixture) => string;
  body?: (c: CompanyFixture, own: CompanyFixture) => unknown;
}

const cases: Case[] = [
  { name: 'read a contact', method: 'GET', url: (c) => `/api/contacts/${c.contactId}` },
  { name: 'change a contact', method: 'PATCH', url: (c) => `/api/contacts/${c.contactId}`, body: () => ({ name: 'Hijacked' }) },
  { name: 'delete a contact', method: 'DELETE', url: (c) => `/api/contacts/${c.contactId}` },
  { name: "read a contact's Activities tab", method: 'GET', url: (c) => `/api/contacts/${c.contactId}/activities` },
  { name: 'read an activity', method: 'GET', url: (c) => `/api/activities/${c.activityId}` },
  { name: "set another company's activity Regarding", method: 'PUT', url: (c) => `/api/activities/${c.activityId}/regarding`, body: (_c, own) => ({ type: 'opportunity', id: own.opportunityId }) },
  { name: 'point Regarding at another company’s opportunity', method: 'PUT', url: (_c) => '', body: (c) => ({ type: 'opportunity', id: c.opportunityId }) },
  { name: 'point Regarding at another company’s property', method: 'PUT', url: (_c) => '', body: (c) => ({ type: 'property', id: c.propertyId }) },
  { name: 'point Regarding at another company’s work ticket', method: 'PUT', url: (_c) => '', body: (c) => ({ type: 'work_ticket', id: c.workTicketId }) },
  { name: 'clear Regarding', method: 'DELETE', url: (c) => `/api/activities/${c.activityId}/regarding` },
  { name: 'file an activity', method: 'POST', url: (c) => `/api/activities/${c.activityId}/file`, body: (_c, own) => ({ contactIds: [own.contactId] }) },
  { name: 'file onto another company’s contact', method: 'POST', url: (_c) => '', body: (c) => ({ contactIds: [c.contactId] }) },
  { name: 'read an opportunity', method: 'GET', url: (c) => `/api/opportunities/${c.opportunityId}` },
  { name: 'read a property', method: 'GET', url: (c) => `/api/properties/${c.propertyId}` },
  { name: 'read a work ticket', method: 'GET', url: (c) => `/api/work-tickets/${c.workTicketId}` },
  { name: 'read an appointment', method: 'GET', url: (c) => `/api/appointments/${c.crmAppointmentId}` },
  { name: 'change an appointment', method: 'PATCH', url: (c) => `/api/appointments/${c.crmAppointmentId}`, body: () => ({ subject: 'Hijacked' }) },
  { name: 'delete an appointment', method: 'DELETE', url: (c) => `/api/appointments/${c.crmAppointmentId}` },
  { name: 'share a calendar with another company’s user', method: 'PUT', url: (c) => `/api/calendar-shares/${c.userId}` },
  { name: 'unshare with another company’s user', method: 'DELETE', url: (c) => `/api/calendar-shares/${c.userId}` },
];

/** Cases with an empty URL act on company A's own activity while naming a company-B target. */
function urlOf(c: Case): string {
  const u = c.url(h.b);
  if (u !== '') return u;
  return c.name.startsWith('file') ? `/api/activities/${h.a.activityId}/file` : `/api/activities/${h.a.activityId}/regarding`;
}

describe('tenant isolation: company A asking for company B resources', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s → 404', async (_name, c) => {
    const res = await call(h.app, asA, c.method, urlOf(c), c.body?.(h.b, h.a));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'Not found.' } });
  });

  it('answers an id that does not exist exactly like another company’s id', async () => {
    const missing = await call(h.app, asA, 'GET', '/api/contacts/00000000-0000-4000-8000-000000000000');
    const other = await call(h.app, asA, 'GET', `/api/contacts/${h.b.contactId}`);
    const malformed = await call(h.app, asA, 'GET', '/api/contacts/not-a-uuid');
    expect(missing.json()).toEqual(other.json());
    expect(malformed.json()).toEqual(other.json());
  });

  it('lists and searches only the caller’s company', async () => {
    const contacts = (await call(h.app, asA, 'GET', '/api/contacts?q=contact')).json() as { items: { id: string }[] };
    expect(contacts.items.map((c) => c.id)).toEqual([h.a.contactId]);
    const byEmail = await call(h.app, asA, 'GET', `/api/contacts/by-email?email=client-bravo@customer.example`);
    expect(byEmail.statusCode).toBe(404);
    const regarding = (await call(h.app, asA, 'GET', '/api/regarding/search?q=bravo')).json() as { items: unknown[] };
    expect(regarding.items).toEqual([]);
    const users = (await call(h.app, asA, 'GET', '/api/users')).json() as { items: { id: string }[] };
    expect(users.items.map((u) => u.id).sort()).toEqual([h.a.userId, h.a.colleagueId].sort());
    const appts = (await call(h.app, asA, 'GET', `/api/appointments?from=2026-11-01T00:00:00Z&to=2026-11-10T00:00:00Z&users=${h.b.userId}`)).json() as { items: unknown[] };
    expect(appts.items).toEqual([]);
  });

  it('left company B untouched', async () => {
    const scope = { companyId: h.b.companyId };
    expect((await h.db.repos.contacts.get(scope, h.b.contactId))?.name).toBe('bravo contact');
    const activity = await h.db.repos.activities.get(scope, h.b.activityId);
    expect(activity?.regarding).toBeNull();
    expect(activity?.contactIds).toEqual([h.b.contactId]);
    expect((await h.db.repos.appointments.get(scope, h.b.crmAppointmentId))?.subject).toBe('bravo site visit');
  });
});
