import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn, startApiHarness, type ApiHarness, type Session } from './api-harness';

let h: ApiHarness;
let asA: Session;
beforeAll(async () => {
  h = await startApiHarness();
  asA = await signIn(h.app, h.a.email, h.a.password);
});
afterAll(async () => h.close());

const errorCode = (body: unknown): string => (body as { error: { code: string } }).error.code;

describe('validation and limits', () => {
  it('answers 400 with every field error', async () => {
    const res = await call(h.app, asA, 'POST', '/api/contacts', { name: '', emails: ['not-an-address'], phone: 'x'.repeat(80) });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; fields: { path: string }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.fields.map((f) => f.path).sort()).toEqual(['body.emails.0', 'body.name', 'body.phone']);
  });

  it('refuses an address another contact of the company already has, whatever its case', async () => {
    const res = await call(h.app, asA, 'POST', '/api/contacts', { name: 'Copycat', emails: ['CLIENT-ALPHA@Customer.example'] });
    expect(res.statusCode).toBe(409);
  });

  it('answers 413 to an oversize body and 400 to malformed JSON', async () => {
    const big = await h.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: { cookie: asA.cookie, 'x-csrf-token': asA.csrf, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2_000_000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(errorCode(big.json())).toBe('payload_too_large');
    const broken = await h.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: { cookie: asA.cookie, 'x-csrf-token': asA.csrf, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(errorCode(broken.json())).toBe('bad_request');
  });

  it('publishes an OpenAPI 3.1 document naming every route', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/session', '/api/contacts/{id}/activities', '/api/activities/{id}/regarding', '/api/appointments/{id}']));
  });
});

describe('Activities tab and Regarding', () => {
  it('lists a contact’s activities newest first, page by page', async () => {
    const scope = { companyId: h.a.companyId };
    for (let i = 1; i <= 5; i++) {
      await h.db.repos.activities.create(scope, {
        type: 'email',
        direction: 'inbound',
        subject: `follow-up ${i}`,
        from: { address: 'client-alpha@customer.example' },
        to: [],
        cc: [],
        occurredAt: new Date(Date.UTC(2026, 10, 2, 10 + i)),
        contactIds: [h.a.contactId],
        status: 'filed',
      });
    }
    const first = (await call(h.app, asA, 'GET', `/api/contacts/${h.a.contactId}/activities?limit=4`)).json() as { items: { subject: string }[]; nextCursor?: string };
    expect(first.items.map((a) => a.subject)).toEqual(['follow-up 5', 'follow-up 4', 'follow-up 3', 'follow-up 2']);
    const second = (await call(h.app, asA, 'GET', `/api/contacts/${h.a.contactId}/activities?limit=4&cursor=${first.nextCursor}`)).json() as {
      items: { subject: string }[];
      nextCursor?: string;
    };
    expect(second.items.map((a) => a.subject)).toEqual(['follow-up 1', 'alpha quote request']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('attaches Regarding to an opportunity, property or work ticket of the company, and clears it', async () => {
    for (const [type, id] of [
      ['opportunity', h.a.opportunityId],
      ['property', h.a.propertyId],
      ['work_ticket', h.a.workTicketId],
    ] as const) {
      const res = await call(h.app, asA, 'PUT', `/api/activities/${h.a.activityId}/regarding`, { type, id });
      expect(res.statusCode).toBe(200);
      expect((res.json() as { regarding: { type: string; id: string; label: string } }).regarding).toEqual({ type, id, label: expect.stringContaining('alpha') });
    }
    const cleared = await call(h.app, asA, 'DELETE', `/api/activities/${h.a.activityId}/regarding`);
    expect((cleared.json() as { regarding: unknown }).regarding).toBeNull();
  });

  it('serves an attachment as a forced, sandboxed download, and nothing of another company', async () => {
    const scope = { companyId: h.a.companyId };
    const bytes = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const { sha256, size } = await h.db.repos.blobs.put(scope, bytes);
    const { activity } = await h.db.repos.activities.create(scope, {
      type: 'email',
      direction: 'inbound',
      subject: 'invoice attached',
      to: [],
      cc: [],
      occurredAt: h.clock.now(),
      contactIds: [h.a.contactId],
      attachments: [
        { name: 'invoice (1).html', contentType: 'text/html', size, sha256 },
        { name: 'huge.bin', contentType: 'application/octet-stream', size: 30_000_000, refusedReason: 'too_large' },
      ],
    });
    const res = await call(h.app, asA, 'GET', `/api/activities/${activity.id}/attachments/0`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('<html><script>alert(1)</script></html>');
    expect(res.headers['content-disposition']).toBe("attachment; filename*=UTF-8''invoice%20(1).html");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe('sandbox');
    expect((await call(h.app, asA, 'GET', `/api/activities/${activity.id}/attachments/1`)).statusCode).toBe(404);
    const asB = await signIn(h.app, h.b.email, h.b.password);
    expect((await call(h.app, asB, 'GET', `/api/activities/${activity.id}/attachments/0`)).statusCode).toBe(404);
  });

  it('refuses a Regarding of another type', async () => {
    const res = await call(h.app, asA, 'PUT', `/api/activities/${h.a.activityId}/regarding`, { type: 'contact', id: h.a.contactId });
    expect(res.statusCode).toBe(400);
  });
});

describe('appointments', () => {
  const body = { subject: 'Spring clean-up estimate', startLocal: '2026-11-05T09:00:00', endLocal: '2026-11-05T10:30:00', timeZone: 'America/Chicago' };

  it('refuses writes to provider-made appointments with 409 read_only', async () => {
    const patch = await call(h.app, asA, 'PATCH', `/api/appointments/${h.a.providerAppointmentId}`, { subject: 'mine now' });
    expect(patch.statusCode).toBe(409);
    expect(errorCode(patch.json())).toBe('read_only');
    const del = await call(h.app, asA, 'DELETE', `/api/appointments/${h.a.providerAppointmentId}`);
    expect(errorCode(del.json())).toBe('read_only');
    expect((await h.db.repos.appointments.get({ companyId: h.a.companyId }, h.a.providerAppointmentId))?.subject).toBe('alpha dentist');
  });

  it('refuses to create a recurring series, with a clear message', async () => {
    const res = await call(h.app, asA, 'POST', '/api/appointments', { ...body, recurrence: { rrule: 'FREQ=WEEKLY' } });
    expect(res.statusCode).toBe(409);
    expect(errorCode(res.json())).toBe('recurring_not_supported');
    expect((res.json() as { error: { message: string } }).error.message).toMatch(/series/i);
  });

  it('creates an appointment and its outbox row in one go, converting the local time with the zone', async () => {
    const res = await call(h.app, asA, 'POST', '/api/appointments', body);
    expect(res.statusCode).toBe(201);
    const view = res.json() as { appointment: { id: string; startAt: string; origin: string; canEdit: boolean } };
    expect(view.appointment.startAt).toBe('2026-11-05T15:00:00.000Z');
    expect(view.appointment.origin).toBe('crm');
    const outbox = await h.db.repos.outbox.list({ companyId: h.a.companyId });
    expect(outbox.filter((r) => r.appointmentId === view.appointment.id).map((r) => r.kind)).toEqual(['create_event']);
    expect(h.outboxWakes.count).toBeGreaterThan(0);
  });

  it('validates times: end after start, known zone', async () => {
    const bad = await call(h.app, asA, 'POST', '/api/appointments', { ...body, endLocal: '2026-11-05T08:00:00' });
    expect(bad.statusCode).toBe(400);
    const zone = await call(h.app, asA, 'POST', '/api/appointments', { ...body, timeZone: 'Mars/Olympus' });
    expect(zone.statusCode).toBe(400);
  });

  it('shows a colleague’s Private calendar as busy blocks with the same times and nothing else', async () => {
    const scope = { companyId: h.a.companyId };
    await h.db.repos.appointments.create(scope, {
      ownerUserId: h.a.colleagueId,
      subject: 'Chemo appointment',
      location: 'Hospital',
      startAt: new Date('2026-11-04T15:00:00Z'),
      endAt: new Date('2026-11-04T16:00:00Z'),
      startLocal: '2026-11-04T10:00:00',
      endLocal: '2026-11-04T11:00:00',
      timeZone: 'America/New_York',
      allDay: false,
      attendees: [],
      origin: 'crm',
      readOnly: false,
      now: h.clock.now(),
    });
    const res = await call(h.app, asA, 'GET', `/api/appointments?from=2026-11-01T00:00:00Z&to=2026-11-10T00:00:00Z&users=${h.a.colleagueId}`);
    const items = (res.json() as { items: Record<string, unknown>[] }).items;
    expect(items).toEqual([
      {
        visibility: 'busy',
        subject: 'Private',
        ownerUserId: h.a.colleagueId,
        startAt: '2026-11-04T15:00:00.000Z',
        endAt: '2026-11-04T16:00:00.000Z',
        startLocal: '2026-11-04T10:00:00',
        endLocal: '2026-11-04T11:00:00',
        timeZone: 'America/New_York',
        allDay: false,
        showAs: 'busy',
      },
    ]);
    expect(res.body).not.toContain('Chemo');
    // Once the colleague shares with A, A sees the details.
    await h.db.repos.calendarShares.share(scope, h.a.colleagueId, h.a.userId);
    const shared = (await call(h.app, asA, 'GET', `/api/appointments?from=2026-11-01T00:00:00Z&to=2026-11-10T00:00:00Z&users=${h.a.colleagueId}`)).json() as {
      items: { visibility: string; appointment?: { subject: string; canEdit: boolean } }[];
    };
    expect(shared.items[0]?.appointment?.subject).toBe('Chemo appointment');
    expect(shared.items[0]?.appointment?.canEdit).toBe(false);
  });
});
