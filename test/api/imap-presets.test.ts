/**
 * GET /api/settings/sync/imap-presets: the connect form's presets come from the server's data
 * (providers/imap/presets.ts), behind a session, without internal fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imapPresets } from '../../src/providers/imap/presets';
import { call, signIn, startApiHarness, type ApiHarness } from './api-harness';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => h.close());

describe('IMAP presets', () => {
  it('needs a session', async () => {
    expect((await call(h.app, undefined, 'GET', '/api/settings/sync/imap-presets')).statusCode).toBe(401);
  });

  it('lists every preset of the server with its hosts, CalDAV URL and app-password advice', async () => {
    const session = await signIn(h.app, h.a.email, h.a.password);
    const res = await call(h.app, session, 'GET', '/api/settings/sync/imap-presets');
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{ items: Record<string, unknown>[] }>();
    expect(items.map((p) => p['name'])).toEqual(['Fastmail', 'iCloud Mail', 'Zoho Mail', 'Yahoo Mail']);
    expect(items).toEqual(
      imapPresets.map((p) => ({
        id: p.id,
        name: p.name,
        domains: p.domains,
        imap: p.imap,
        smtp: p.smtp,
        caldavUrl: p.caldavUrl,
        appPasswordNote: p.appPasswordNote,
        appPasswordUrl: p.appPasswordUrl,
      })),
    );
    // How Tandem files sent mail is its own business, not the form's.
    expect(items.every((p) => !('smtpFilesToSent' in p))).toBe(true);
  });

  it('is listed in the OpenAPI document', async () => {
    const res = await call(h.app, undefined, 'GET', '/api/openapi.json');
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json<{ paths: Record<string, unknown> }>().paths)).toContain('/api/settings/sync/imap-presets');
  });
});
