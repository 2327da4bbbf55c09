import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCompany, createTestDb, testDrivers, type TestDb } from '../../../test/support/test-db';
import { hashPassword, verifyPassword } from './password';

const now = new Date('2026-11-02T09:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);

describe('passwords', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const params = { N: 1024, r: 8, p: 1 }; // low cost: the format and comparison are under test, not the cost
    const h1 = await hashPassword('correct horse', params);
    const h2 = await hashPassword('correct horse', params);
    expect(h1).not.toBe(h2);
    expect(h1.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', h1)).toBe(true);
    expect(await verifyPassword('correct horsf', h1)).toBe(false);
    expect(await verifyPassword('correct horse', null)).toBe(false);
    expect(await verifyPassword('correct horse', 'scrypt$garbage')).toBe(false);
  });
});

describe.each(testDrivers())('users, sessions, blobs, oauth states (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  it('signs in by address and password, never exposing the hash', async () => {
    const { scope } = await createTestCompany(t.db);
    const user = await t.db.repos.users.create(scope, { email: `Dana-${driver}@Greenleaf.example`, name: 'Dana', password: 'pw-1' });
    expect(user).not.toHaveProperty('passwordHash');
    await expect(t.db.repos.users.create(scope, { email: `dana-${driver}@greenleaf.EXAMPLE`, name: 'Twin' })).rejects.toMatchObject({ code: 'conflict' });
    expect((await t.db.repos.users.verifySignInForSystem(`dana-${driver}@greenleaf.example`, 'pw-1'))?.id).toBe(user.id);
    expect(await t.db.repos.users.verifySignInForSystem(`dana-${driver}@greenleaf.example`, 'wrong')).toBeUndefined();
    expect(await t.db.repos.users.verifySignInForSystem('nobody@greenleaf.example', 'pw-1')).toBeUndefined();

    const lockFor = (n: number) => (n >= 3 ? 60_000 : 0);
    await t.db.repos.users.recordSignInFailureForSystem(`Dana-${driver}@greenleaf.example`, '10.0.0.1', now, lockFor);
    await t.db.repos.users.recordSignInFailureForSystem(`dana-${driver}@greenleaf.example`, '10.0.0.1', at(1), lockFor);
    const third = await t.db.repos.users.recordSignInFailureForSystem(`dana-${driver}@greenleaf.example`, '10.0.0.1', at(2), lockFor);
    expect(third.failures).toBe(3);
    expect(third.lockedUntil?.getTime()).toBe(at(60_002).getTime());
    await t.db.repos.users.clearSignInFailuresForSystem(`dana-${driver}@greenleaf.example`, '10.0.0.1');
    expect(await t.db.repos.users.signInAttemptForSystem(`dana-${driver}@greenleaf.example`, '10.0.0.1')).toBeUndefined();
  });

  it('opens a session by its token until it expires', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    await t.db.repos.sessions.create(scope, { userId, token: 'tok-abc', csrfToken: 'csrf', now, expiresAt: at(3600_000) });
    const found = await t.db.repos.sessions.findByTokenForSystem('tok-abc', at(1000));
    expect(found?.user.companyId).toBe(scope.companyId);
    expect(found?.session.tokenHash).not.toBe('tok-abc');
    expect(await t.db.repos.sessions.findByTokenForSystem('tok-abc', at(3600_001))).toBeUndefined();
    expect(await t.db.repos.sessions.findByTokenForSystem('tok-other', at(1000))).toBeUndefined();
  });

  it('stores blobs once per company by content hash', async () => {
    const a = await createTestCompany(t.db);
    const b = await createTestCompany(t.db);
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const put1 = await t.db.repos.blobs.put(a.scope, bytes);
    const put2 = await t.db.repos.blobs.put(a.scope, bytes);
    expect(put1).toEqual(put2);
    expect(put1.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Array.from((await t.db.repos.blobs.get(a.scope, put1.sha256)) ?? [])).toEqual([0, 1, 2, 250, 255]);
    expect(await t.db.repos.blobs.get(b.scope, put1.sha256)).toBeUndefined();
    expect(await t.db.repos.blobs.has(b.scope, put1.sha256)).toBe(false);
  });

  it('consumes an OAuth state once and only before it expires', async () => {
    const { scope, userId } = await createTestCompany(t.db);
    await t.db.repos.oauthStates.create(scope, { state: `st-${driver}`, userId, provider: 'microsoft', codeVerifierSecret: 'v1.x', expiresAt: at(600_000) });
    await t.db.repos.oauthStates.create(scope, { state: `old-${driver}`, userId, provider: 'google', codeVerifierSecret: 'v1.y', expiresAt: at(1) });
    expect((await t.db.repos.oauthStates.takeForSystem(`st-${driver}`, at(1000)))?.companyId).toBe(scope.companyId);
    expect(await t.db.repos.oauthStates.takeForSystem(`st-${driver}`, at(1000))).toBeUndefined();
    expect(await t.db.repos.oauthStates.takeForSystem(`old-${driver}`, at(1000))).toBeUndefined();
  });
});
