import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';

const now = new Date('2026-11-02T09:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);

describe.each(testDrivers())('capture ledger, shares, relays, push, contact paging (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  it('records each captured message once and remembers which still need moving', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    const acct = await t.db.repos.accounts.create(scope, { userId, provider: 'microsoft', mailboxAddress: `ledger-${driver}@x.example`, now });
    const ledger = t.db.repos.capturedMessages;
    const first = await ledger.record(scope, { accountId: acct.id, providerMessageId: 'AAMk-1', rfcMessageId: '<1@x>', now });
    const repeat = await ledger.record(scope, { accountId: acct.id, providerMessageId: 'AAMk-1', rfcMessageId: '<1@x>', now: at(5) });
    await ledger.record(scope, { accountId: acct.id, providerMessageId: 'AAMk-2', now: at(1) });
    expect(repeat.id).toBe(first.id);
    expect((await ledger.listUnprocessed(scope, acct.id)).map((r) => r.providerMessageId)).toEqual(['AAMk-1', 'AAMk-2']);
    await ledger.markProcessed(scope, acct.id, ['AAMk-1'], at(10));
    expect((await ledger.listUnprocessed(scope, acct.id)).map((r) => r.providerMessageId)).toEqual(['AAMk-2']);
    expect((await ledger.findMany(scope, acct.id, ['AAMk-1', 'nope'])).map((r) => r.processedAt?.getTime())).toEqual([at(10).getTime()]);
    const other = await createTestCompany(t.db);
    expect(await ledger.find(other.scope, acct.id, 'AAMk-1')).toBeUndefined();
  });

  it('shares private calendars with chosen colleagues only', async () => {
    const { scope, userId: owner } = await createTestCompany(t.db);
    const viewer = await t.db.repos.users.create(scope, { email: `viewer-${driver}@x.example`, name: 'Viewer' });
    const outsider = await createTestCompany(t.db);
    await t.db.repos.calendarShares.share(scope, owner, viewer.id);
    await t.db.repos.calendarShares.share(scope, owner, viewer.id); // idempotent
    expect(await t.db.repos.calendarShares.listViewers(scope, owner)).toEqual([viewer.id]);
    expect(await t.db.repos.calendarShares.listOwnersSharingWith(scope, viewer.id)).toEqual([owner]);
    expect(await t.db.repos.calendarShares.listViewers(outsider.scope, owner)).toEqual([]);
    await t.db.repos.calendarShares.unshare(scope, owner, viewer.id);
    expect(await t.db.repos.calendarShares.listViewers(scope, owner)).toEqual([]);
  });

  it('keeps one relay per company and sending domains unique by name', async () => {
    const { scope } = await createTestCompany(t.db);
    const relays = t.db.repos.mailRelays;
    await relays.saveRelay(scope, { host: 'smtp.one.example', port: 587, tlsMode: 'starttls', username: 'u', passwordSecret: 'v1.k.a.b.c' });
    const saved = await relays.saveRelay(scope, { host: 'smtp.two.example', port: 465, tlsMode: 'tls' });
    expect(saved.host).toBe('smtp.two.example');
    expect((await relays.getRelay(scope))?.port).toBe(465);
    const domain = await relays.addDomain(scope, { domain: 'Greenleaf.Example', dkimSelector: 'tandem1', dkimPrivateKeySecret: 'v1.k.a.b.c', dkimPublicKey: 'MIIB' });
    expect(domain.domain).toBe('greenleaf.example');
    await expect(relays.addDomain(scope, { domain: 'greenleaf.example', dkimSelector: 's2', dkimPrivateKeySecret: 'x', dkimPublicKey: 'y' })).rejects.toMatchObject({ code: 'conflict' });
    await relays.recordCheck(scope, domain.id, { spf: 'pass' }, at(1));
    expect((await relays.getDomain(scope, 'GREENLEAF.example'))?.lastCheck).toEqual({ spf: 'pass' });
  });

  it('finds a push subscription by provider id and replaces it on resubscribe', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    const acct = await t.db.repos.accounts.create(scope, { userId, provider: 'google', mailboxAddress: `push-${driver}@x.example`, now });
    const s = t.db.repos.pushSubscriptions;
    await s.save(scope, { accountId: acct.id, resource: 'calendar', providerSubscriptionId: `ch-1-${driver}`, clientState: 'cs1', expiresAt: at(3600_000) });
    const renewed = await s.save(scope, { accountId: acct.id, resource: 'calendar', providerSubscriptionId: `ch-2-${driver}`, clientState: 'cs2', expiresAt: at(7200_000) });
    expect(await s.findForSystem(`ch-1-${driver}`)).toBeUndefined();
    expect((await s.findForSystem(`ch-2-${driver}`))?.companyId).toBe(scope.companyId);
    expect((await s.listForSystem()).map((r) => r.id)).toContain(renewed.id);
    expect(await s.list(scope, acct.id)).toHaveLength(1);
  });

  it('pages contacts alphabetically without gaps or repeats', async () => {
    const { scope } = await createTestCompany(t.db);
    const names = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo', 'alpha'];
    for (const name of names) await t.db.repos.contacts.create(scope, { name });
    const seen: string[] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await t.db.repos.contacts.list(scope, { limit: 4, afterId });
      seen.push(...page.map((c) => c.name.toLowerCase()));
      if (page.length < 4) break;
      afterId = page[page.length - 1]?.id;
    }
    expect(seen).toEqual(['alpha', 'alpha', 'bravo', 'charlie', 'delta', 'echo']);
  });
});
