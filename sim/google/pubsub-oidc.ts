/**
 * Stands in for Google's signing of authenticated Pub/Sub pushes (Pub/Sub "Authentication for push
 * subscriptions"): an OpenID Connect JWT, RS256, in `Authorization: Bearer …`, with claims iss
 * https://accounts.google.com, aud (the subscription's audience, by default the push endpoint URL),
 * email + email_verified of the subscription's service account, iat and exp an hour later. The
 * public keys are served as a JWKS like https://www.googleapis.com/oauth2/v3/certs.
 */
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { Clock } from '../../src/domain/clock';
import { json } from './http-kit';
import { pathPattern, type ApiRoute } from './router';

/** Where Google publishes its OIDC signing keys; the simulator serves them at the same path. */
export const jwksPath = '/oauth2/v3/certs';

export interface PushOidc {
  serviceAccountEmail: string;
  /** Defaults to the push endpoint URL, as Pub/Sub does. */
  audience?: string;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export class PubSubSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly kid: string;

  constructor(private readonly clock: Clock) {
    // 2048 bits as Google's keys; generated per simulator so no key material lives in the repository.
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.kid = randomBytes(20).toString('hex');
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [{ ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  /** The bearer token of one push to `endpoint`. */
  tokenFor(endpoint: string, oidc: PushOidc): string {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const sub = String(BigInt(`0x${Buffer.from(oidc.serviceAccountEmail).toString('hex').slice(0, 15)}`));
    return this.sign({
      aud: oidc.audience ?? endpoint,
      azp: sub,
      email: oidc.serviceAccountEmail,
      email_verified: true,
      exp: iat + 3600,
      iat,
      iss: 'https://accounts.google.com',
      sub,
    });
  }

  sign(claims: Record<string, unknown>): string {
    const input = `${b64url({ alg: 'RS256', kid: this.kid, typ: 'JWT' })}.${b64url(claims)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(this.privateKey).toString('base64url');
    return `${input}.${signature}`;
  }

  routes(): ApiRoute[] {
    return [{ method: 'GET', pattern: pathPattern(jwksPath), operation: 'oauth.certs', auth: 'none', handle: () => json(this.jwks(), 200, { 'cache-control': 'public, max-age=3600' }) }];
  }
}
