import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';
import { FakeClock } from '../../domain/clock';
import { createMetrics } from '../../metrics';
import { buildApp, CSRF_HEADER, SESSION_COOKIE } from '../app';
import type { Caller } from '../route';
import { emailRoutes } from './emails';

const [driver = 'pglite'] = testDrivers();

describe(`email routes (${driver})`, () => {
  let t: TestDb;
  let app: FastifyInstance;
  let wakes = 0;
  let wakeFails = false;
  const callers = new Map<string, Caller>();
  let connected: { companyId: string; userId: string };
  let contactId: string;

  beforeAll(async () => {
    t = await createTestDb(driver);
    const clock = new FakeClock('2026-11-02T09:00:00Z');
    const a = await createTestCompany(t.db);
    await t.db.repos.accounts.create(a.scope, { userId: a.userId, provider: 'imap', mailboxAddress: 'ava@greenleaf.example', now: clock.now() });
    contactId = (await t.db.repos.contacts.create(a.scope, { name: 'Margaret', emails: ['margaret@oakridge.example'] })).id;
    connected = { companyId: a.scope.companyId, userId: a.userId };
    const b = await createTestCompany(t.db);
    callers.set('with-mailbox', { ...connected, role: 'admin', sessionId: 's1', csrfToken: 'csrf' });
    callers.set('without-mailbox', { companyId: b.scope.companyId, userId: b.userId, role: 'admin', sessionId: 's2', csrfToken: 'csrf' });
    app = await buildApp({
      logger: pino({ level: 'silent' }),
      metrics: createMetrics({ defaults: false }),
      sessions: { resolve: async (token) => callers.get(token) ?? null },
      ready: async () => true,
      routes: emailRoutes({
        db: t.db,
        clock,
        config: { publicUrl: 'http://localhost' },
        randomToken: () => 'x',
        newId: () => `00000000-0000-4000-8000-${String(++wakes + 100).padStart(12, '0')}`,
        wakeOutbox: async () => {
          if (wakeFails) throw new Error('queue down');
        },
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  const post = (session: string, payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/emails', cookies: { [SESSION_COOKIE]: session }, headers: { [CSRF_HEADER]: 'csrf' }, payload: payload as Record<string, unknown> });

  it('queues the email and answers with the queued activity', async () => {
    const res = await post('with-mailbox', { to: [{ address: 'margaret@oakridge.example' }], subject: 'Quote', html: '<p>Hi<script>x()</script></p>' });
    expect(res.statusCode).toBe(202);
    const view = res.json<{ id: string; status: string; contactIds: string[]; direction: string; bodyHtml: string }>();
    expect(view).toMatchObject({ status: 'queued', direction: 'outbound', contactIds: [contactId] });
    expect(view.bodyHtml).not.toContain('script');
    expect(await t.db.repos.outbox.list({ companyId: connected.companyId })).toHaveLength(1);

    const status = await app.inject({ method: 'GET', url: `/api/emails/${view.id}/status`, cookies: { [SESSION_COOKIE]: 'with-mailbox' } });
    expect(status.json()).toEqual({ id: view.id, status: 'queued', failureReason: null });
  });

  it('still answers 202 when the outbox cannot be woken (the tick delivers it)', async () => {
    wakeFails = true;
    const res = await post('with-mailbox', { to: [{ address: 'x@y.example' }], subject: 'Later' });
    wakeFails = false;
    expect(res.statusCode).toBe(202);
  });

  it('answers not_connected for a user without a mailbox', async () => {
    const res = await post('without-mailbox', { to: [{ address: 'x@y.example' }], subject: 'Hi' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'not_connected', message: expect.stringContaining('SMTP relay') } });
  });

  it('refuses header injection and invalid input with field errors', async () => {
    const injected = await post('with-mailbox', { to: [{ address: 'x@y.example' }], subject: 'Hi\r\nBcc: victim@x.example' });
    expect(injected.statusCode).toBe(400);
    expect(injected.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ path: 'body.subject' }] } });
    const invalid = await post('with-mailbox', { to: [{ address: 'nope' }], subject: 'Hi' });
    expect(invalid.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ path: 'body.to.0.address' }] } });
  });

  it('answers 404 for the status of an unknown or inbound activity', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/emails/00000000-0000-4000-8000-00000000dead/status', cookies: { [SESSION_COOKIE]: 'with-mailbox' } });
    expect(res.statusCode).toBe(404);
  });
});
