/**
 * DKIM keys: one 2048-bit RSA key per sending domain and selector. The private key (PKCS#8 PEM) is
 * stored encrypted by the store; the public key is published as a TXT record at
 * `<selector>._domainkey.<domain>` (RFC 6376 3.6.2.1). 2048 bits because RFC 8301 3.2 asks signers
 * for at least 1024 and major receivers expect 2048.
 */
import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export const dkimKeyBits = 2048;

export interface DkimKey {
  domain: string;
  selector: string;
  /** PKCS#8 PEM. A secret: encrypt at rest, never log. */
  privateKeyPem: string;
  /** Base64 of the DER SubjectPublicKeyInfo, the `p=` value of the DNS record (RFC 6376 3.6.1). */
  publicKeyBase64: string;
}

/**
 * Selector names carry the month they were made in (`tandem202611`), so a rotated key gets a new
 * name and the old record can stay published while mail signed with it is still in flight. A second
 * key in the same month gets a letter suffix (`tandem202611b`).
 */
export function dkimSelectorName(now: Date, existing: readonly string[] = [], prefix = 'tandem'): string {
  const month = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const base = `${prefix}${month}`;
  const taken = new Set(existing.map((s) => s.toLowerCase()));
  if (!taken.has(base)) return base;
  for (let i = 1; i < 26; i++) {
    const candidate = `${base}${String.fromCharCode(97 + i)}`;
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error(`no free DKIM selector for ${month}`);
}

export async function generateDkimKey(domain: string, selector: string): Promise<DkimKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: dkimKeyBits,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { domain: normalizeDomain(domain), selector, privateKeyPem: privateKey, publicKeyBase64: publicKey.toString('base64') };
}

/** Recomputes the public half from a stored private key (the store may keep only the private key). */
export function publicKeyFromPrivate(privateKeyPem: string): string {
  const der = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
  return der.toString('base64');
}

/** The TXT value to publish: `v=DKIM1; k=rsa; p=<base64>` (RFC 6376 3.6.1). */
export function dkimRecordValue(publicKeyBase64: string): string {
  return `v=DKIM1; k=rsa; p=${publicKeyBase64}`;
}

export function dkimRecordHost(domain: string, selector: string): string {
  return `${selector}._domainkey.${normalizeDomain(domain)}`;
}

export function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}
