// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answer, apiError, fakeApi } from '../test/fake-api';
import { me } from '../test/fixtures';
import { ApiRequestError, createApiClient, query } from './client';

describe('API client', () => {
  it('fetches the CSRF token from /api/me before the first write and reuses it', async () => {
    const api = fakeApi({ 'GET /api/me': () => me, 'POST /api/contacts': () => answer(201, { id: 'c' }) });
    const client = createApiClient({ fetch: api.fetch });
    await client.send('POST', '/api/contacts', { name: 'A' }, z.object({ id: z.string() }));
    await client.send('POST', '/api/contacts', { name: 'B' }, z.object({ id: z.string() }));
    expect(api.callsTo('GET /api/me')).toHaveLength(1);
    expect(api.callsTo('POST /api/contacts').map((c) => c.headers['x-csrf-token'])).toEqual(['csrf-123', 'csrf-123']);
    expect(api.callsTo('POST /api/contacts')[0]?.headers['content-type']).toBe('application/json');
  });

  it('turns an error answer into ApiRequestError with fields and extra members', async () => {
    const api = fakeApi({
      'PUT /api/settings/sync': () =>
        answer(400, { error: { code: 'validation_failed', message: 'Some fields are missing or invalid.', fields: [{ path: 'body.exchange.email', message: 'Invalid email' }], hint: 'x' } }),
    });
    const client = createApiClient({ fetch: api.fetch });
    client.setCsrfToken('t');
    const err = await client.send('PUT', '/api/settings/sync', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    const e = err as ApiRequestError;
    expect([e.status, e.code, e.message]).toEqual([400, 'validation_failed', 'Some fields are missing or invalid.']);
    expect(e.fieldMessage('exchange.email')).toBe('Invalid email');
    expect(e.fieldMessage('exchange.password')).toBeUndefined();
    expect(e.details).toEqual({ hint: 'x' });
  });

  it('reports unauthenticated answers so the app can return to sign-in', async () => {
    let signedOut = 0;
    const api = fakeApi({ 'GET /api/contacts': () => apiError(401, 'unauthenticated', 'Sign in first.') });
    const client = createApiClient({ fetch: api.fetch, onUnauthenticated: () => signedOut++ });
    await expect(client.get('/api/contacts', z.unknown())).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(signedOut).toBe(1);
  });

  it('refuses answers of an unexpected shape, and non-JSON errors, with typed errors', async () => {
    const api = fakeApi({ 'GET /api/contacts': () => ({ items: 'nope' }), 'GET /api/me': () => answer(502, 'Bad Gateway') });
    const client = createApiClient({ fetch: api.fetch });
    await expect(client.get('/api/contacts', z.object({ items: z.array(z.unknown()) }))).rejects.toMatchObject({ code: 'unexpected_response' });
    await expect(client.get('/api/me', z.unknown())).rejects.toMatchObject({ code: 'http_error', status: 502 });
  });

  it('builds query strings from the defined values only', () => {
    expect(query({ q: 'a b', limit: 20, cursor: '', after: undefined, x: null })).toBe('?q=a+b&limit=20');
    expect(query({ q: '' })).toBe('');
  });
});
