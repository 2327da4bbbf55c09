/** Connecting: credentials, mailbox kinds, Autodiscover, and how failures on the wire are reported. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderError, type ProviderError } from '../errors';
import type { FetchLike } from '../provider';
import type { RetryOptions } from '../retry';
import { recordWaits } from '../retry-testing';
import { discoverEwsUrl } from './autodiscover';
import { ALICE, ALICE_LOGIN, ALICE_PASSWORD, startExchangeTestEnv, type ExchangeTestEnv } from './exchange-test-harness';

let env: ExchangeTestEnv;
beforeAll(async () => {
  env = await startExchangeTestEnv();
  env.handle.addMailbox({ address: 'support@contoso.com', username: 'CONTOSO\\dave', password: 'dave-pw', type: 'shared', displayName: 'Support' });
  env.handle.addMailbox({ address: 'sales@contoso.com', username: 'CONTOSO\\sales', password: 'sales-pw', type: 'distribution_list', displayName: 'Sales Team' });
  env.handle.addMailbox({ address: 'bob@contoso.com', username: 'bob@contoso.com', password: 'bob-pw', type: 'user', displayName: 'Bob Baker' });
});
afterAll(async () => {
  await env.close();
});

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const e = await promise.then(
    () => new Error('resolved'),
    (x: unknown) => x,
  );
  if (!isProviderError(e)) throw new Error(`not a ProviderError: ${String(e)}`);
  return e;
}

const refused: FetchLike = async () => {
  throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
};

describe('identity', () => {
  it('a user mailbox signed in as DOMAIN\\user or UPN is a user', async () => {
    expect(await env.provider().identity()).toEqual({ providerUserId: ALICE, address: ALICE, type: 'user', displayName: 'Alice Archer' });
    expect((await env.provider({ mailbox: 'bob@contoso.com', username: 'bob@contoso.com', password: 'bob-pw' }).identity()).type).toBe('user');
  });

  it('a shared mailbox reached with a delegate login is shared (the signed-in account owns another mailbox)', async () => {
    const id = await env.provider({ mailbox: 'support@contoso.com', username: 'CONTOSO\\dave', password: 'dave-pw' }).identity();
    expect(id.type).toBe('shared');
  });

  it('a distribution list is a group', async () => {
    const id = await env.provider({ mailbox: 'sales@contoso.com', username: 'CONTOSO\\sales', password: 'sales-pw' }).identity();
    expect(id.type).toBe('group');
  });

  it("another account's credentials never reach the signed-in account's own folders", async () => {
    const wrong = env.provider({ mailbox: 'bob@contoso.com' }); // Alice's login, Bob's address
    expect((await wrong.identity()).type).toBe('shared');
    expect((await failure(wrong.mail?.ensureCaptureFolders({ capture: 'Elsewhere', processed: 'Done' }) ?? Promise.resolve())).kind).toBe('permission');
    expect((await failure(wrong.calendar?.fetchChanges(null, { start: new Date('2026-11-01Z'), end: new Date('2026-12-01Z') }) ?? Promise.resolve())).kind).toBe('permission');
    expect(() => env.handle.folderMessages(ALICE, 'Elsewhere')).toThrow();
  });

  it('a wrong password is auth_revoked, with nothing else tried', async () => {
    env.handle.counters.reset();
    const e = await failure(env.provider({ password: 'wrong' }).identity());
    expect(e).toMatchObject({ kind: 'auth_revoked', status: 401 });
    expect(env.handle.counters.count()).toBe(1);
  });

  it('a password changed after connecting is auth_revoked on the next call', async () => {
    env.handle.addMailbox({ address: 'erin@contoso.com', username: 'CONTOSO\\erin', password: 'erin-pw', type: 'user' });
    const provider = env.provider({ mailbox: 'erin@contoso.com', username: 'CONTOSO\\erin', password: 'erin-pw' });
    const folders = await provider.mail?.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
    if (!folders) throw new Error('no mail ability');
    env.handle.changePassword('erin@contoso.com', 'erin-new');
    expect((await failure(provider.mail?.listCaptured(folders, { pageSize: 10 }) ?? Promise.resolve())).kind).toBe('auth_revoked');
  });
});

describe('Autodiscover', () => {
  const creds = { username: ALICE_LOGIN, password: ALICE_PASSWORD };

  it('finds the EWS URL at an explicit URL', async () => {
    const url = await discoverEwsUrl(ALICE, { ...creds, fetch, autodiscoverUrls: [`${env.sim.url}/autodiscover/autodiscover.xml`] });
    expect(url).toBe(env.handle.ewsUrl);
  });

  it('tries the documented https candidates in order, moving past dead hosts', async () => {
    const seen: string[] = [];
    const routed: FetchLike = (input, init) => {
      const url = String(input);
      seen.push(url);
      if (url === 'https://autodiscover.contoso.com/autodiscover/autodiscover.xml') return fetch(`${env.sim.url}/autodiscover/autodiscover.xml`, init);
      return refused(input, init);
    };
    expect(await discoverEwsUrl(ALICE, { ...creds, fetch: routed })).toBe(env.handle.ewsUrl);
    expect(seen).toEqual(['https://contoso.com/autodiscover/autodiscover.xml', 'https://autodiscover.contoso.com/autodiscover/autodiscover.xml']);
  });

  it('follows redirectAddr to the new address', async () => {
    const asked: string[] = [];
    const redirecting: FetchLike = async (input, init) => {
      const body = String(init?.body ?? '');
      asked.push(/<EMailAddress>([^<]+)</.exec(body)?.[1] ?? '');
      if (body.includes('old@contoso.com')) {
        return new Response(
          '<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><Action>redirectAddr</Action><RedirectAddr>alice@contoso.com</RedirectAddr></Account></Response></Autodiscover>',
          { status: 200 },
        );
      }
      return fetch(input, init);
    };
    const url = await discoverEwsUrl('old@contoso.com', { ...creds, fetch: redirecting, autodiscoverUrls: [`${env.sim.url}/autodiscover/autodiscover.xml`] });
    expect(url).toBe(env.handle.ewsUrl);
    expect(asked).toEqual(['old@contoso.com', ALICE]);
  });

  it('a wrong password stops the search with auth_revoked', async () => {
    const e = await failure(discoverEwsUrl(ALICE, { ...creds, password: 'wrong', fetch, autodiscoverUrls: [`${env.sim.url}/autodiscover/autodiscover.xml`, `${env.sim.url}/never`] }));
    expect(e.kind).toBe('auth_revoked');
  });

  it('an unknown address or no reachable server is not_found, naming what was tried', async () => {
    const unknown = await failure(discoverEwsUrl('nobody@contoso.com', { ...creds, fetch, autodiscoverUrls: [`${env.sim.url}/autodiscover/autodiscover.xml`] }));
    expect(unknown).toMatchObject({ kind: 'not_found', code: 'autodiscover_failed' });
    expect(unknown.message).toContain('Autodiscover error 500');
    expect((await failure(discoverEwsUrl(ALICE, { ...creds, fetch: refused }))).message).toContain('ECONNREFUSED');
  });

  it('the provider discovers the EWS URL itself when settings name none', async () => {
    const provider = env.provider({ endpoints: {}, options: { autodiscoverUrls: [`${env.sim.url}/autodiscover/autodiscover.xml`] } });
    expect((await provider.identity()).type).toBe('user');
  });
});

describe('failures on the wire', () => {
  const folders = (retry?: RetryOptions) =>
    env.provider(retry ? { options: { retry } } : {}).mail?.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' }) ?? Promise.reject(new Error('no mail'));
  /** Each request made once, as the engine would see the failure when retries are spent. */
  const once: RetryOptions = { maxAttempts: 1 };

  it('ErrorServerBusy is throttled with the server back-off; the read waits it out and is repeated', async () => {
    env.handle.faults.add({ kind: 'throttle', match: 'FindFolder', times: 1, retryAfterSeconds: 7 });
    expect(await failure(folders(once))).toMatchObject({ kind: 'throttled', code: 'ErrorServerBusy', retryAfterMs: 7_000 });
    env.handle.faults.add({ kind: 'throttle', match: 'FindFolder', times: 1, retryAfterSeconds: 7 });
    const { waits, retry } = recordWaits();
    await expect(folders(retry)).resolves.toBeTruthy();
    expect(waits).toEqual([7_000]);
  });

  it('IIS 503 with Retry-After is throttled; ErrorInternalServerError is transient; both are repeated', async () => {
    env.handle.faults.add({ kind: 'unavailable', match: 'FindFolder', times: 1, retryAfterSeconds: 3 });
    expect(await failure(folders(once))).toMatchObject({ kind: 'throttled', status: 503, retryAfterMs: 3_000 });
    env.handle.faults.add({ kind: 'server_error', match: 'FindFolder', times: 1 });
    expect(await failure(folders(once))).toMatchObject({ kind: 'transient', code: 'ErrorInternalServerError' });
    env.handle.faults.add({ kind: 'unavailable', match: 'FindFolder', times: 1, retryAfterSeconds: 3 });
    env.handle.faults.add({ kind: 'server_error', match: 'FindFolder', times: 1 });
    const { waits, retry } = recordWaits();
    await expect(folders(retry)).resolves.toBeTruthy();
    // The stated 3 s, then the second backoff step (500 ms · 2, equal jitter at 0.5).
    expect(waits).toEqual([3_000, 750]);
  });

  it('a server that stays busy fails the read after a bounded number of attempts', async () => {
    env.handle.faults.add({ kind: 'throttle', match: 'FindFolder', times: 4, retryAfterSeconds: 2 });
    const { waits, retry } = recordWaits({ maxAttempts: 4 });
    expect(await failure(folders(retry))).toMatchObject({ kind: 'throttled', retryAfterMs: 2_000 });
    expect(waits).toEqual([2_000, 2_000, 2_000]);
  });

  it('a back-off longer than the in-run cap is left to the engine', async () => {
    env.handle.faults.add({ kind: 'throttle', match: 'FindFolder', times: 1, retryAfterSeconds: 300 });
    const { waits, retry } = recordWaits();
    expect(await failure(folders(retry))).toMatchObject({ kind: 'throttled', retryAfterMs: 300_000 });
    expect(waits).toEqual([]);
  });

  it('a 500 with an HTML body or a 200 that is not SOAP is transient, not a crash', async () => {
    const html: FetchLike = async () => new Response('<html><body>Runtime Error<br></body>', { status: 500, headers: { 'content-type': 'text/html' } });
    expect(await failure(env.provider({ fetch: html }).identity())).toMatchObject({ kind: 'transient', status: 500 });
    const junk: FetchLike = async () => new Response('not xml at all', { status: 200 });
    expect(await failure(env.provider({ fetch: junk }).identity())).toMatchObject({ kind: 'transient', code: 'malformed_response' });
  });

  it('a reset connection is transient; a hung one times out as transient; a read is repeated after either', async () => {
    env.handle.faults.add({ kind: 'reset', match: 'ResolveNames', times: 1 });
    expect(await failure(env.provider({ options: { retry: once } }).identity())).toMatchObject({ kind: 'transient', ambiguous: false });
    env.handle.faults.add({ kind: 'timeout', match: 'ResolveNames', times: 1, holdMs: 5_000 });
    expect(await failure(env.provider({ options: { timeoutMs: 150, retry: once } }).identity())).toMatchObject({ kind: 'transient', code: 'TimeoutError' });
    env.handle.faults.add({ kind: 'reset', match: 'ResolveNames', times: 1 });
    env.handle.faults.add({ kind: 'timeout', match: 'ResolveNames', times: 1, holdMs: 5_000 });
    const { waits, retry } = recordWaits();
    expect((await env.provider({ options: { timeoutMs: 150, retry } }).identity()).address).toBe(ALICE);
    expect(waits).toHaveLength(2);
  });

  it('a malformed id fails only its own item in a batch', async () => {
    const provider = env.provider();
    const mail = provider.mail;
    if (!mail) throw new Error('no mail ability');
    const f = await mail.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
    env.handle.placeMessage(ALICE, 'Tandem', 'Message-ID: <one@x>\r\nSubject: one\r\n\r\nbody\r\n');
    const [good] = (await mail.listCaptured(f, { pageSize: 10 })).refs;
    if (!good) throw new Error('nothing listed');
    const results = await mail.fetchRaw([{ id: '!!not-an-id!!' }, good]);
    expect(results.map((r) => r.ok)).toEqual([false, true]);
    if (results[0] && !results[0].ok) expect(results[0].error).toMatchObject({ kind: 'invalid_input', code: 'ErrorInvalidIdMalformed' });
    await mail.markProcessed(f, [good]);
  });
});
