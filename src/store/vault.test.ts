import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVault, keyIdOf, loadOrCreateKeyFile, openVault, parseSecretKey, vaultFromKeys, VaultError } from './vault';

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);
const token = { kind: 'oauth', accessToken: 'at-123', refreshToken: 'rt-456' };

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof VaultError ? e.code : 'other';
  }
  return undefined;
}

describe('vault', () => {
  const vault = vaultFromKeys(keyA.toString('base64'));

  it('round-trips JSON values and never shows the plaintext', () => {
    const sealed = vault.seal(token, 'account-1');
    expect(sealed).not.toContain('at-123');
    expect(sealed.split('.')[1]).toBe(keyIdOf(keyA));
    expect(vault.open(sealed, 'account-1')).toEqual(token);
    expect(vault.seal(token)).not.toBe(vault.seal(token)); // fresh IV each time
  });

  it('refuses a tampered envelope with a clear error', () => {
    const sealed = vault.seal(token);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString('base64url');
    expect(errorCode(() => vault.open(parts.join('.')))).toBe('tampered');
    expect(() => vault.open(parts.join('.'))).toThrow(/altered/);
    expect(errorCode(() => vault.open('not-an-envelope'))).toBe('malformed');
  });

  it('binds an envelope to its context', () => {
    const sealed = vault.seal(token, 'account-1');
    expect(errorCode(() => vault.open(sealed, 'account-2'))).toBe('tampered');
    expect(errorCode(() => vault.open(sealed))).toBe('tampered');
  });

  it('rotates: old envelopes open with a retired key, new ones use the current key', () => {
    const old = vault.seal(token);
    const rotated = vaultFromKeys(`${keyB.toString('hex')},${keyA.toString('base64')}`);
    expect(rotated.currentKeyId).toBe(keyIdOf(keyB));
    expect(rotated.open(old)).toEqual(token);
    expect(rotated.needsReseal(old)).toBe(true);
    const fresh = rotated.seal(token);
    expect(rotated.needsReseal(fresh)).toBe(false);
    expect(errorCode(() => vault.open(fresh))).toBe('unknown_key');
  });

  it('refuses a relabelled key id', () => {
    const both = createVault(
      new Map([
        [keyIdOf(keyA), keyA],
        [keyIdOf(keyB), keyB],
      ]),
      keyIdOf(keyA),
    );
    const parts = both.seal(token).split('.');
    parts[1] = keyIdOf(keyB);
    expect(errorCode(() => both.open(parts.join('.')))).toBe('tampered');
  });

  it('accepts only 32-byte keys', () => {
    expect(parseSecretKey(keyA.toString('hex'))).toEqual(keyA);
    expect(parseSecretKey(keyA.toString('base64url'))).toEqual(keyA);
    expect(errorCode(() => parseSecretKey('c2hvcnQ='))).toBe('bad_key');
  });

  it('generates the embedded key once, readable only by the owner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-vault-'));
    let calls = 0;
    const random = (n: number) => {
      calls++;
      return Buffer.alloc(n, 7);
    };
    const first = loadOrCreateKeyFile(dir, random);
    const second = loadOrCreateKeyFile(dir, random);
    expect(second).toBe(first);
    expect(calls).toBe(1);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(Buffer.alloc(32, 7).toString('base64'));
    const sealed = openVault({ dataDir: dir }).seal('x');
    expect(openVault({ dataDir: dir }).open(sealed)).toBe('x');
  });
});
