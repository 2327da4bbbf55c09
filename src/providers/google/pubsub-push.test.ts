/**
 * The Pub/Sub token verifier against the Google simulator's JWKS: keys are fetched once and cached,
 * a key rotation (a kid we have not seen) refetches them — at most once a minute, so forged kids
 * cannot make us hammer Google — and unreachable keys refuse with 503 so Pub/Sub redelivers later.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleSim, type GoogleSimHandle } from '../../../sim/google/index';
import type { SimServer } from '../../../sim/common/sim-server';
import { FakeClock } from '../../domain/clock';
import type { FetchLike } from '../provider';
import { PubSubPushVerifier } from './pubsub-push';

const audience = 'https://tandem.example/api/webhooks/google/gmail';
const serviceAccountEmail = 'gmail-push@tandem-test.iam.gserviceaccount.com';

describe('PubSubPushVerifier', () => {
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  let before: SimServer<GoogleSimHandle>;
  let after: SimServer<GoogleSimHandle>;
  /** Which simulator's keys "Google" publishes now: the rotation swaps it. */
  let publishing: () => SimServer<GoogleSimHandle>;
  let jwksFetches = 0;
  let reachable = true;
  const fetchKeys: FetchLike = async (_input, init) => {
    jwksFetches++;
    if (!reachable) throw new TypeError('fetch failed');
    return fetch(publishing().handle.pubsubJwksUrl, init);
  };

  beforeEach(async () => {
    before = await startGoogleSim({ clock, seed: 1 });
    after = await startGoogleSim({ clock, seed: 2 });
    publishing = () => before;
    jwksFetches = 0;
    reachable = true;
  });
  afterEach(async () => {
    await before.close();
    await after.close();
  });

  const token = (sim: SimServer<GoogleSimHandle>) => {
    const iat = Math.floor(clock.now().getTime() / 1000);
    return `Bearer ${sim.handle.signPubSubClaims({ iss: 'accounts.google.com', aud: audience, email: serviceAccountEmail, email_verified: true, iat, exp: iat + 3600 })}`;
  };
  const verifier = () => new PubSubPushVerifier({ audience, serviceAccountEmail, jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs' }, { fetch: fetchKeys, clock });

  it('fetches the keys once for many pushes, and again when they age out', async () => {
    const v = verifier();
    for (let i = 0; i < 5; i++) expect(await v.verify(token(before))).toEqual({ ok: true });
    expect(jwksFetches).toBe(1);
    clock.advance(3600_000 + 1); // the simulator's max-age
    expect(await v.verify(token(before))).toEqual({ ok: true });
    expect(jwksFetches).toBe(2);
  });

  it('follows a key rotation, but refetches for unknown kids at most once a minute', async () => {
    const v = verifier();
    expect(await v.verify(token(before))).toEqual({ ok: true });
    publishing = () => after;
    // Within the minute: the new kid is not looked up yet.
    expect(await v.verify(token(after))).toMatchObject({ ok: false, status: 401 });
    expect(jwksFetches).toBe(1);
    clock.advance(61_000);
    expect(await v.verify(token(after))).toEqual({ ok: true });
    expect(jwksFetches).toBe(2);
    // A kid nobody publishes (the retired key) is refused without another fetch.
    expect(await v.verify(token(before))).toMatchObject({ ok: false, status: 401 });
    expect(jwksFetches).toBe(2);
  });

  it('answers 503 while the keys cannot be fetched, and recovers', async () => {
    const v = verifier();
    reachable = false;
    expect(await v.verify(token(before))).toMatchObject({ ok: false, status: 503 });
    reachable = true;
    expect(await v.verify(token(before))).toEqual({ ok: true });
  });
});
