/**
 * Authenticated Pub/Sub pushes (Pub/Sub "Authentication for push subscriptions"): Google signs an
 * OpenID Connect JWT (RS256, `kid` naming one of the keys published as a JWKS at
 * https://www.googleapis.com/oauth2/v3/certs) and sends it as `Authorization: Bearer …`. The push is
 * Google's when the signature checks out, iss is accounts.google.com (with or without https://), aud
 * is the audience set on the push subscription (by default its endpoint URL), email is the
 * subscription's service account with email_verified, and exp / iat hold (5 minutes of skew, as
 * Google's own libraries allow). Keys are fetched through the injected fetch and cached.
 */
import { createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../domain/clock';
import type { FetchLike } from '../provider';

export const googleJwksUrl = 'https://www.googleapis.com/oauth2/v3/certs';
const issuers = new Set(['https://accounts.google.com', 'accounts.google.com']);
const skewSeconds = 300;

export interface PubSubPushAuthSettings {
  /** The audience configured on the push subscription (Pub/Sub's default: the push endpoint URL). */
  audience: string;
  /** The service account the push subscription signs its tokens as. */
  serviceAccountEmail: string;
  /** Google's JWKS (configurable so the simulator can serve its own). */
  jwksUrl: string;
}

/** Why a push was refused: 401 no or unusable credentials, 403 a valid token for someone else, 503 keys unreachable. */
export type PushAuthDenial = { status: 401 | 403 | 503; reason: string };
export type PushAuthResult = { ok: true } | ({ ok: false } & PushAuthDenial);

const header = z.object({ alg: z.string(), kid: z.string().optional() });
const claims = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  email: z.string().optional(),
  email_verified: z.union([z.boolean(), z.literal('true')]).optional(),
  exp: z.number(),
  iat: z.number().optional(),
});
const jwks = z.object({ keys: z.array(z.object({ kid: z.string(), kty: z.string() }).passthrough()) });

function decodePart<T>(schema: z.ZodType<T>, part: string | undefined): T | undefined {
  if (!part) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const deny = (status: PushAuthDenial['status'], reason: string): PushAuthResult => ({ ok: false, status, reason });

/**
 * Pure check of one token against known keys at `now`. `undefined` from `keyFor` means the kid is
 * not (yet) known: the caller may refresh the key set and ask again.
 */
export function checkPubSubToken(token: string, keyFor: (kid: string) => KeyObject | undefined, settings: Pick<PubSubPushAuthSettings, 'audience' | 'serviceAccountEmail'>, now: Date): PushAuthResult | 'unknown_key' {
  const [h, c, s, extra] = token.split('.');
  const head = decodePart(header, h);
  const body = decodePart(claims, c);
  if (!head || !body || !s || extra !== undefined) return deny(401, 'malformed token');
  // Only RS256: a token must not choose a weaker (or no) algorithm for us.
  if (head.alg !== 'RS256' || !head.kid) return deny(401, 'unsupported token algorithm');
  const key = keyFor(head.kid);
  if (!key) return 'unknown_key';
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${c}`), key, Buffer.from(s, 'base64url'))) return deny(401, 'bad token signature');
  const seconds = now.getTime() / 1000;
  if (body.exp + skewSeconds < seconds) return deny(401, 'token expired');
  if (body.iat !== undefined && body.iat - skewSeconds > seconds) return deny(401, 'token issued in the future');
  if (!issuers.has(body.iss)) return deny(401, 'token not issued by Google');
  const audiences = Array.isArray(body.aud) ? body.aud : [body.aud];
  if (!audiences.some((a) => sameText(a, settings.audience))) return deny(403, 'token for another audience');
  const verified = body.email_verified === true || body.email_verified === 'true';
  if (!body.email || !verified || !sameText(body.email.toLowerCase(), settings.serviceAccountEmail.toLowerCase())) return deny(403, 'token of another service account');
  return { ok: true };
}

export interface PubSubPushVerifierDeps {
  fetch: FetchLike;
  clock: Clock;
  /** Keys are kept this long when the JWKS answer names no max-age (default 1 hour). */
  cacheMs?: number;
  /** An unknown kid refetches the keys at most this often (default 1 minute), so forged kids cannot flood Google. */
  refetchAfterMs?: number;
}

/** Verifies the Authorization header of Pub/Sub pushes, holding Google's keys between calls. */
export class PubSubPushVerifier {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private freshUntil = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly settings: PubSubPushAuthSettings,
    private readonly deps: PubSubPushVerifierDeps,
  ) {}

  async verify(authorization: string | undefined): Promise<PushAuthResult> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
    if (!match?.[1]) return deny(401, 'no bearer token');
    const token = match[1];
    const now = this.deps.clock.now();
    try {
      if (now.getTime() >= this.freshUntil) await this.load();
      const first = checkPubSubToken(token, (kid) => this.keys.get(kid), this.settings, now);
      if (first !== 'unknown_key') return first;
      // Google rotates its keys; a new kid may be newer than our copy.
      if (now.getTime() - this.fetchedAt < (this.deps.refetchAfterMs ?? 60_000)) return deny(401, 'unknown signing key');
      await this.load();
      const second = checkPubSubToken(token, (kid) => this.keys.get(kid), this.settings, now);
      return second === 'unknown_key' ? deny(401, 'unknown signing key') : second;
    } catch {
      return deny(503, 'signing keys unavailable');
    }
  }

  private load(): Promise<void> {
    this.loading ??= this.fetchKeys().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fetchKeys(): Promise<void> {
    const res = await this.deps.fetch(this.settings.jwksUrl, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
    const parsed = jwks.parse(await res.json());
    const keys = new Map<string, KeyObject>();
    for (const jwk of parsed.keys) if (jwk.kty === 'RSA') keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
    const now = this.deps.clock.now().getTime();
    const maxAge = /max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1];
    this.keys = keys;
    this.fetchedAt = now;
    this.freshUntil = now + (maxAge ? Number(maxAge) * 1000 : (this.deps.cacheMs ?? 3600_000));
  }
}
