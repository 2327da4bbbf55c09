import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, type TestDb } from '../../../test/support/test-db';
import { isProviderError } from '../../providers/errors';
import { createVault } from '../../store/vault';
import { domainForAddress, domainStateOf, loadRelaySettings, saveRelay, sealDkimKey, signingKeyOf } from './relay-store';

const vault = createVault(new Map([['k1', randomBytes(32)]]), 'k1');

describe('relay store', () => {
  let t: TestDb;
  let a: { companyId: string };
  let b: { companyId: string };

  beforeAll(async () => {
    t = await createTestDb('pglite');
    a = (await createTestCompany(t.db)).scope;
    b = (await createTestCompany(t.db)).scope;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('keeps, replaces and removes the password; settings come back opened', async () => {
    await saveRelay(t.db, vault, a, { host: 'smtp.relay.test', port: 587, tls: 'starttls', username: 'crm', password: 'first' });
    expect(await loadRelaySettings(t.db, vault, a)).toMatchObject({ host: 'smtp.relay.test', port: 587, tls: 'starttls', username: 'crm', password: 'first', rejectUnauthorized: true });
    await saveRelay(t.db, vault, a, { host: 'smtp2.relay.test', port: 465, tls: 'tls', username: 'crm' });
    expect(await loadRelaySettings(t.db, vault, a)).toMatchObject({ host: 'smtp2.relay.test', password: 'first' });
    await saveRelay(t.db, vault, a, { host: 'smtp2.relay.test', port: 465, tls: 'tls', password: null });
    const opened = await loadRelaySettings(t.db, vault, a);
    expect(opened?.password).toBeUndefined();
    expect(opened?.username).toBeUndefined();
    expect(await loadRelaySettings(t.db, vault, b)).toBeNull();
  });

  it("a password envelope copied onto another company's relay does not open", async () => {
    const saved = await saveRelay(t.db, vault, a, { host: 'smtp.relay.test', port: 587, tls: 'starttls', username: 'crm', password: 'secret-a' });
    await t.db.repos.mailRelays.saveRelay(b, { host: 'evil.test', port: 25, tlsMode: 'none', username: 'x', passwordSecret: saved.passwordSecret });
    const err: unknown = await loadRelaySettings(t.db, vault, b).catch((e: unknown) => e);
    expect(isProviderError(err) && err.kind === 'permission' && err.code === 'relay_secret_unreadable').toBe(true);
  });

  it('DKIM keys open only on their own domain row; the covering domain is the closest parent', async () => {
    const secret = sealDkimKey(vault, a, 'greenleaf.test', 'PEM-A');
    const row = await t.db.repos.mailRelays.addDomain(a, { domain: 'greenleaf.test', dkimSelector: 's1', dkimPrivateKeySecret: secret, dkimPublicKey: 'x', lastCheck: { dmarcReportAddress: 'd@greenleaf.test' } });
    await t.db.repos.mailRelays.addDomain(a, { domain: 'eu.greenleaf.test', dkimSelector: 's1', dkimPrivateKeySecret: sealDkimKey(vault, a, 'eu.greenleaf.test', 'PEM-EU'), dkimPublicKey: 'x' });
    const copied = await t.db.repos.mailRelays.addDomain(b, { domain: 'greenleaf.test', dkimSelector: 's1', dkimPrivateKeySecret: secret, dkimPublicKey: 'x' });
    expect(signingKeyOf(vault, row)).toEqual({ domain: 'greenleaf.test', selector: 's1', privateKeyPem: 'PEM-A' });
    expect(() => signingKeyOf(vault, copied)).toThrow(/cannot be read/);

    expect((await domainForAddress(t.db, a, 'mo@sales.eu.greenleaf.test'))?.domain).toBe('eu.greenleaf.test');
    expect((await domainForAddress(t.db, a, 'mo@greenleaf.test'))?.domain).toBe('greenleaf.test');
    expect(await domainForAddress(t.db, a, 'mo@notgreenleaf.test')).toBeUndefined();

    expect(domainStateOf(row)).toEqual({ dmarcReportAddress: 'd@greenleaf.test', result: null });
    // A row without readable settings degrades to "never checked", with a default report address.
    expect(domainStateOf(copied)).toEqual({ dmarcReportAddress: 'dmarc-reports@greenleaf.test', result: null });
  });
});
