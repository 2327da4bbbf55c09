/**
 * Pure DKIM key record validation (RFC 6376 3.6.1): v= optional but first and "DKIM1" when present,
 * k= defaults to rsa, p= holds the base64 public key and is empty when the key was revoked.
 */
import { createPublicKey } from 'node:crypto';
import { parseTagList } from './tag-list';

export type DkimRecordParse =
  | { ok: true; publicKeyBase64: string; keyType: string; testing: boolean }
  | { ok: false; revoked: boolean; problems: string[] };

export function parseDkimRecord(txt: string): DkimRecordParse {
  const list = parseTagList(txt);
  const problems = [...list.problems];
  const v = list.tags.get('v');
  if (v !== undefined && (v !== 'DKIM1' || list.order[0] !== 'v')) problems.push('v= must be DKIM1 and come first');
  const keyType = (list.tags.get('k') ?? 'rsa').toLowerCase();
  if (keyType !== 'rsa' && keyType !== 'ed25519') problems.push(`k=${keyType} is not a known key type`);
  const p = list.tags.get('p');
  if (p === undefined) {
    problems.push('the public key tag p= is missing');
    return { ok: false, revoked: false, problems };
  }
  const publicKeyBase64 = p.replace(/\s+/g, '');
  if (publicKeyBase64 === '') {
    // An empty p= is how a domain revokes a key (RFC 6376 3.6.1).
    return { ok: false, revoked: true, problems: [...problems, 'p= is empty, which marks the key as revoked'] };
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(publicKeyBase64)) problems.push('p= is not valid base64 (a character was lost or added when copying)');
  else if (keyType === 'rsa' && !isRsaKey(publicKeyBase64)) problems.push('p= does not decode to an RSA public key (it may be cut short)');
  if (problems.length > 0) return { ok: false, revoked: false, problems };
  const testing = (list.tags.get('t') ?? '').split(':').some((f) => f.trim() === 'y');
  return { ok: true, publicKeyBase64, keyType, testing };
}

function isRsaKey(base64: string): boolean {
  try {
    return createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}
