/**
 * DKIM signing of the exact bytes that go to the relay: the signature header is computed once over
 * the finished message and prepended, so nothing re-encodes the message after signing (nodemailer's
 * `raw` input is sent as given).
 */
import { dkimSign } from 'mailauth';

export interface SigningKey {
  domain: string;
  selector: string;
  privateKeyPem: string;
}

/**
 * Headers signed (those present in the message): the usual set plus Message-ID, so nobody on the
 * way can swap our idempotency key without breaking the signature.
 */
const signedHeaders = ['From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding', 'In-Reply-To', 'References'];

export class DkimSignError extends Error {
  override name = 'DkimSignError';
}

export async function signMessage(mime: Uint8Array, key: SigningKey, now: Date): Promise<Buffer> {
  const input = Buffer.from(mime.buffer, mime.byteOffset, mime.byteLength);
  const signature = { signingDomain: key.domain, selector: key.selector, privateKey: key.privateKeyPem };
  const result = await dkimSign(input, {
    ...signature,
    // mailauth 7 signs only what is listed in signatureData; the top-level key fields its types
    // require are ignored (an empty result with no error otherwise).
    signatureData: [signature],
    canonicalization: 'relaxed/relaxed',
    algorithm: 'rsa-sha256',
    headerList: signedHeaders,
    signTime: now,
  });
  if (result.errors.length > 0 || result.signatures === '') {
    throw new DkimSignError(`DKIM signing failed for ${key.domain} (selector ${key.selector})`, { cause: result.errors });
  }
  return Buffer.concat([Buffer.from(result.signatures, 'utf8'), input]);
}
