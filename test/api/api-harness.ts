/**
 * An API under test: a fresh database with two companies (A and B) each holding a user, contacts,
 * records, an activity and appointments, and the real Fastify app driven through `inject`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app';
import { buildRoutes } from '../../src/api/routes';
import { FakeClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import type { Db } from '../../src/store/db';
import { createVault } from '../../src/store/vault';
import { ProviderAccess } from '../../src/sync/provider-access';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { createTestDb, type TestDriver } from '../support/test-db';

export interface CompanyFixture {
  companyId: string;
  userId: string;
  email: string;
  password: string;
  colleagueId: string;
  contactId: string;
  opportunityId: string;
  propertyId: string;
  workTicketId: string;
  activityId: string;
  crmAppointmentId: string;
  providerAppointmentId: string;
  accountId: string;
}

export interface ApiHarness {
  app: FastifyInstance;
  db: Db;
  clock: FakeClock;
  a: CompanyFixture;
  b: CompanyFixture;
  outboxWakes: { count: number };
  close(): Promise<void>;
}

export interface Session {
  cookie: string;
  csrf: string;
}

async function seedCompany(db: Db, name: string, local: string, now: Date): Promise<CompanyFixture> {
  const company = await db.repos.companies.create({ name });
  const scope = { companyId: company.id };
  const email = `${local}@${name.toLowerCase().replace(/\W+/g, '')}.example`;
  const password = `${local}-secret-password`;
  const user = await db.repos.users.create(scope, { email, name: `${local} user`, role: 'admin', password });
  const colleague = await db.repos.users.create(scope, { email: `colleague-${email}`, name: `${local} colleague`, password, calendarPrivacy: 'private' });
  const contact = await db.repos.contacts.create(scope, { name: `${local} contact`, emails: [`client-${local}@customer.example`] });
  const opportunity = await db.repos.records.createOpportunity(scope, { name: `${local} lawn care contract` });
  const property = await db.repos.records.createProperty(scope, { name: `${local} HQ lawn` });
  const workTicket = await db.repos.records.createWorkTicket(scope, { title: `${local} hedge trimming` });
  const { activity } = await db.repos.activities.create(scope, {
    type: 'email',
    direction: 'inbound',
    subject: `${local} quote request`,
    from: { address: `client-${local}@customer.example` },
    to: [{ address: email }],
    cc: [],
    occurredAt: now,
    bodyText: 'Please send a quote',
    contactIds: [contact.id],
    status: 'filed',
    dedupeKey: `<${local}-1@customer.example>`,
  });
  const account = await db.repos.accounts.create(scope, { userId: user.id, provider: 'imap', mailboxAddress: email, now });
  const base = {
    ownerUserId: user.id,
    startAt: new Date('2026-11-03T14:00:00Z'),
    endAt: new Date('2026-11-03T15:00:00Z'),
    startLocal: '2026-11-03T09:00:00',
    endLocal: '2026-11-03T10:00:00',
    timeZone: 'America/New_York',
    allDay: false,
    attendees: [],
    now,
  };
  const crm = await db.repos.appointments.create(scope, { ...base, subject: `${local} site visit`, origin: 'crm', readOnly: false, createdByUserId: user.id });
  const provider = await db.repos.appointments.create(scope, {
    ...base,
    subject: `${local} dentist`,
    origin: 'provider',
    readOnly: true,
    accountId: account.id,
    providerId: `prov-${local}`,
    etag: 'e1',
  });
  return {
    companyId: company.id,
    userId: user.id,
    email,
    password,
    colleagueId: colleague.id,
    contactId: contact.id,
    opportunityId: opportunity.id,
    propertyId: property.id,
    workTicketId: workTicket.id,
    activityId: activity.id,
    crmAppointmentId: crm.id,
    providerAppointmentId: provider.id,
    accountId: account.id,
  };
}

export async function startApiHarness(driver: TestDriver = 'pglite'): Promise<ApiHarness> {
  const { db, cleanup } = await createTestDb(driver);
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const logger = createLogger('silent');
  const a = await seedCompany(db, 'Alpha Lawns', 'alpha', clock.now());
  const b = await seedCompany(db, 'Bravo Gardens', 'bravo', clock.now());
  const outboxWakes = { count: 0 };
  const key = randomBytes(32);
  const vault = createVault(new Map([['k1', key]]), 'k1');
  const providers = new ProviderAccess({ factories: {}, endpoints: {}, oauthClients: {}, fetch: (i, init) => fetch(i, init), clock, logger, limiter: new MailboxLimiter(() => 4) });
  let n = 0;
  const built = buildRoutes(
    { db, clock, config: { publicUrl: 'http://localhost:3000' }, randomToken: (bytes) => `${randomBytes(bytes).toString('base64url')}${n++}` },
    {
      engine: {
        wakeOutbox: async () => {
          outboxWakes.count++;
        },
        syncNow: async () => {},
      },
      vault,
      providers,
      blobs: db.repos.blobs,
    },
  );
  const app = await buildApp({ logger, metrics: createMetrics({ defaults: false }), sessions: built.sessions, routes: built.routes, ready: async () => true });
  await app.ready();
  return {
    app,
    db,
    clock,
    a,
    b,
    outboxWakes,
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'tandem_session');
  if (!cookie) throw new Error('no session cookie');
  return { cookie: `tandem_session=${cookie.value}`, csrf: (res.json() as { csrfToken: string }).csrfToken };
}

export function call(
  app: FastifyInstance,
  session: Session | undefined,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (session) {
    headers.cookie = session.cookie;
    headers['x-csrf-token'] = session.csrf;
  }
  return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}
