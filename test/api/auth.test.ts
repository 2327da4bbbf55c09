import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn, startApiHarness, type ApiHarness } from './api-harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => h.close());

describe('sign-in and sessions', () => {
  it('signs in, returns the user, company and a CSRF token, and sets an HttpOnly session cookie', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/session', payload: { email: h.a.email.toUpperCase(), password: h.a.password } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { user: { id: string }; company: { id: string }; csrfToken: string };
    expect(body.user.id).toBe(h.a.userId);
    expect(body.company.id).toBe(h.a.companyId);
    expect(body.csrfToken.length).toBeGreaterThan(20);
    const cookie = res.cookies.find((c) => c.name === 'tandem_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(res.body).not.toContain(h.a.password);
  });

  it('answers a wrong password and an unknown address with the same 401, saying nothing about which part was wrong', async () => {
    const wrongPassword = await h.app.inject({ method: 'POST', url: '/api/session', payload: { email: h.b.email, password: 'nope-nope' } });
    const unknownUser = await h.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'nobody@nowhere.example', password: 'nope-nope' } });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownUser.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownUser.json());
    expect(wrongPassword.json()).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
  });

  it('slows repeated failed sign-ins down with 429 and Retry-After, even for the right password, until the lock passes', async () => {
    const email = `colleague-${h.b.email}`;
    let last = 0;
    for (let i = 0; i < 5; i++) {
      last = (await h.app.inject({ method: 'POST', url: '/api/session', payload: { email, password: 'wrong-wrong' } })).statusCode;
    }
    expect(last).toBe(401);
    const locked = await h.app.inject({ method: 'POST', url: '/api/session', payload: { email, password: h.b.password } });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((locked.json() as { error: { code: string } }).error.code).toBe('too_many_attempts');
    h.clock.advance(16 * 60_000);
    const after = await h.app.inject({ method: 'POST', url: '/api/session', payload: { email, password: h.b.password } });
    expect(after.statusCode).toBe(200);
  });

  it('refuses API calls without a session, and writes without the CSRF token', async () => {
    expect((await call(h.app, undefined, 'GET', '/api/contacts')).statusCode).toBe(401);
    const s = await signIn(h.app, h.a.email, h.a.password);
    const noCsrf = await h.app.inject({ method: 'POST', url: '/api/contacts', headers: { cookie: s.cookie }, payload: { name: 'X' } });
    expect(noCsrf.statusCode).toBe(403);
    expect((noCsrf.json() as { error: { code: string } }).error.code).toBe('csrf_failed');
    const wrongCsrf = await h.app.inject({ method: 'POST', url: '/api/contacts', headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(s.csrf.length) }, payload: { name: 'X' } });
    expect(wrongCsrf.statusCode).toBe(403);
    const ok = await call(h.app, s, 'POST', '/api/contacts', { name: 'Xavier Quinn', emails: ['xq@example.com'] });
    expect(ok.statusCode).toBe(201);
  });

  it('signs out: the cookie stops working', async () => {
    const s = await signIn(h.app, h.a.email, h.a.password);
    expect((await call(h.app, s, 'GET', '/api/me')).statusCode).toBe(200);
    expect((await call(h.app, s, 'DELETE', '/api/session')).statusCode).toBe(204);
    expect((await call(h.app, s, 'GET', '/api/me')).statusCode).toBe(401);
  });

  it('renews the user’s mailbox connections for 90 days at each sign-in', async () => {
    h.clock.advance(30 * 86_400_000);
    await signIn(h.app, h.a.email, h.a.password);
    const account = await h.db.repos.accounts.get({ companyId: h.a.companyId }, h.a.accountId);
    expect(account?.expiresAt.getTime()).toBe(h.clock.now().getTime() + 90 * 86_400_000);
  });
});
