/**
 * Secrets at rest (provider tokens, passwords, PKCE verifiers, DKIM keys): AES-256-GCM over the JSON
 * of the value. The envelope names the key that sealed it, so keys rotate: new secrets use the
 * current key, old envelopes still open with a retired key until they are resealed.
 *
 * Envelope: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The header and an optional
 * caller context (e.g. the account id) are authenticated data, so an envelope copied to another row
 * or relabelled with another key id fails to open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type VaultErrorCode = 'malformed' | 'unknown_key' | 'tampered' | 'bad_key';

export class VaultError extends Error {
  override name = 'VaultError';
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Vault {
  readonly currentKeyId: string;
  seal(value: unknown, context?: string): string;
  /** The JSON value that was sealed; narrow it with a schema. */
  open(envelope: string, context?: string): unknown;
  /** True when the envelope was sealed with a retired key and should be resealed. */
  needsReseal(envelope: string): boolean;
}

const version = 'v1';
const ivBytes = 12; // GCM's recommended nonce size (NIST SP 800-38D)

/** A key id is derived from the key itself, so every node holding the same key agrees on it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Accepts 32 bytes written as 64 hex digits or as base64 / base64url. */
export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new VaultError('bad_key', 'TANDEM_SECRET_KEY must be 32 bytes, written as 64 hex digits or base64');
  return key;
}

export function createVault(keys: ReadonlyMap<string, Buffer>, currentKeyId: string): Vault {
  const current = keys.get(currentKeyId);
  if (!current) throw new VaultError('unknown_key', `current key ${currentKeyId} is not among the vault keys`);
  for (const [id, key] of keys) if (key.length !== 32) throw new VaultError('bad_key', `vault key ${id} is not 32 bytes`);

  const aad = (header: string, context: string | undefined) => Buffer.from(context === undefined ? header : `${header}|${context}`);

  return {
    currentKeyId,
    seal(value, context) {
      const header = `${version}.${currentKeyId}`;
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(aad(header, context));
      const body = Buffer.concat([cipher.update(JSON.stringify(value) ?? 'null', 'utf8'), cipher.final()]);
      return [header, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(envelope, context) {
      const parts = envelope.split('.');
      const [v, keyId, iv, tag, body] = parts;
      if (parts.length !== 5 || v !== version || !keyId || !iv || !tag || body === undefined) {
        throw new VaultError('malformed', 'secret is not a Tandem vault envelope');
      }
      const key = keys.get(keyId);
      if (!key) throw new VaultError('unknown_key', `secret was sealed with key ${keyId}, which this server does not have`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(aad(`${v}.${keyId}`, context));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
        return JSON.parse(plain.toString('utf8')) as unknown;
      } catch {
        throw new VaultError('tampered', 'secret failed authentication: it was altered, belongs to another record, or the key is wrong');
      }
    },
    needsReseal(envelope) {
      return envelope.split('.')[1] !== currentKeyId;
    },
  };
}

/** Vault from TANDEM_SECRET_KEY: a comma list, the first key current, the others retired but readable. */
export function vaultFromKeys(secretKeys: string): Vault {
  const parsed = secretKeys
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(parseSecretKey);
  const first = parsed[0];
  if (!first) throw new VaultError('bad_key', 'TANDEM_SECRET_KEY is empty');
  return createVault(new Map(parsed.map((k) => [keyIdOf(k), k])), keyIdOf(first));
}

export const secretKeyFileName = 'secret.key';

/**
 * Embedded mode without TANDEM_SECRET_KEY: a key generated once into <dataDir>/secret.key (0600).
 * Created with O_EXCL so two racing starts cannot each write a different key.
 */
export function loadOrCreateKeyFile(dataDir: string, random: (n: number) => Buffer = randomBytes): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, secretKeyFileName);
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${random(32).toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return readFileSync(path, 'utf8').trim();
}

/** The vault for this process: the configured key(s), else (embedded only) the data folder's key file. */
export function openVault(options: { secretKey?: string; dataDir: string }): Vault {
  return vaultFromKeys(options.secretKey ?? loadOrCreateKeyFile(options.dataDir));
}
