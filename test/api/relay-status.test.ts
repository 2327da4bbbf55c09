/**
 * GET /api/settings/relay: what User Settings → "Other via SMTP" shows a user — whether their own
 * address can go out through the company relay and, if not, the send gate's reason. Scoped to the
 * caller's company; never names the relay host or its credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn, startApiHarness, type ApiHarness, type Session } from './api-harness';

let h: ApiHarness;
let admin: Session;
let colleague: Session;
let otherCompany: Session;

beforeAll(async () => {
  h = await startApiHarness();
  admin = await signIn(h.app, h.a.email, h.a.password);
  colleague = await signIn(h.app, `colleague-${h.a.email}`, h.a.password);
  otherCompany = await signIn(h.app, `colleague-${h.b.email}`, h.b.password);
});
afterAll(async () => h.close());

interface RelayStatus {
  fromAddress: string;
  hasSyncedMailbox: boolean;
  relayConfigured: boolean;
  domain: { domain: string; checkedAt: string | null; overall: string | null } | null;
  ready: boolean;
  code: string | null;
  message: string | null;
  failing: { record: string; host: string; explanation: string }[];
}

const status = async (s: Session) => {
  const res = await call(h.app, s, 'GET', '/api/settings/relay');
  expect(res.statusCode).toBe(200);
  return res.json<RelayStatus>();
};

const record = (name: 'spf' | 'dkim' | 'dmarc' | 'alignment', ok: boolean) => ({
  record: name,
  status: ok ? 'pass' : 'fail',
  code: name === 'alignment' ? (ok ? 'aligned' : 'from_not_aligned') : ok ? `${name}_ok` : `${name}_missing`,
  explanation: ok ? `${name} is fine` : `No ${name.toUpperCase()} record yet; publish the one shown.`,
  host: name === 'dkim' ? 'tandem._domainkey.alphalawns.example' : 'alphalawns.example',
  found: [],
  issues: [],
});

describe('relay status of the signed-in user', () => {
  it('needs a session', async () => {
    expect((await call(h.app, undefined, 'GET', '/api/settings/relay')).statusCode).toBe(401);
  });

  it('says the relay is not set up, for a user without a mailbox', async () => {
    const s = await status(colleague);
    expect(s).toMatchObject({ fromAddress: `colleague-${h.a.email}`, hasSyncedMailbox: false, relayConfigured: false, domain: null, ready: false, code: 'relay_not_configured' });
    expect(s.message).toContain('no SMTP relay');
    // The admin of the fixture has a connected mailbox: it sends through that instead.
    expect((await status(admin)).hasSyncedMailbox).toBe(true);
  });

  it('follows the gate: relay set but domain not added → added but unchecked → failing record named → passing', async () => {
    const put = await call(h.app, admin, 'PUT', '/api/admin/relay', { host: 'smtp.relay.example', port: 587, tls: 'starttls', username: 'crm', password: 'Relay-secret-9' });
    expect(put.statusCode).toBe(200);
    let s = await status(colleague);
    expect(s).toMatchObject({ relayConfigured: true, ready: false, code: 'domain_not_checked', domain: null });
    const body = JSON.stringify(s);
    expect(body).not.toContain('smtp.relay.example');
    expect(body).not.toContain('Relay-secret-9');

    const added = await call(h.app, admin, 'POST', '/api/admin/domains', { domain: 'alphalawns.example', dmarcReportAddress: 'dmarc@alphalawns.example' });
    expect(added.statusCode).toBe(201);
    const domainId = added.json<{ id: string }>().id;
    s = await status(colleague);
    expect(s).toMatchObject({ ready: false, code: 'domain_not_checked', domain: { domain: 'alphalawns.example', checkedAt: null, overall: null } });

    const scope = { companyId: h.a.companyId };
    const checkedAt = h.clock.now().toISOString();
    const [row] = await h.db.repos.mailRelays.listDomains(scope);
    const result = (dkimOk: boolean) => ({
      domain: 'alphalawns.example',
      checkedAt,
      overall: dkimOk ? 'pass' : 'fail',
      spf: record('spf', true),
      dkim: record('dkim', dkimOk),
      dmarc: record('dmarc', true),
      alignment: record('alignment', true),
    });
    await h.db.repos.mailRelays.recordCheck(scope, domainId, { ...(row?.lastCheck ?? {}), result: result(false) }, h.clock.now());
    s = await status(colleague);
    expect(s).toMatchObject({ ready: false, code: 'domain_not_passing', domain: { overall: 'fail', checkedAt } });
    expect(s.failing).toEqual([{ record: 'dkim', host: 'tandem._domainkey.alphalawns.example', explanation: 'No DKIM record yet; publish the one shown.' }]);

    await h.db.repos.mailRelays.recordCheck(scope, domainId, { ...(row?.lastCheck ?? {}), result: result(true) }, h.clock.now());
    s = await status(colleague);
    expect(s).toMatchObject({ ready: true, code: null, message: null, failing: [], domain: { overall: 'pass' } });

    // Another company's relay and domain are not this company's.
    expect(await status(otherCompany)).toMatchObject({ relayConfigured: false, domain: null, ready: false, code: 'relay_not_configured' });
  });
});
