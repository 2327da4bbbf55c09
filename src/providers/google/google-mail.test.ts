import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gmailCaptureMinimumUnits } from '../../../sim/google/quota';
import { isProviderError, type ProviderError } from '../errors';
import type { CaptureFolders, MailAbility, OAuthCredentials } from '../provider';
import { testMessage } from '../contract/contract-fixtures';
import { recordWaits } from '../retry-testing';
import { connect, providerFor, startGoogleTestEnv, testMailbox, type GoogleTestEnv } from './google-test-harness';

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const outcome = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProviderError(outcome)) throw new Error(`expected a ProviderError, got ${String(outcome)}`);
  return outcome;
}

describe('google mail on the simulator', () => {
  let env: GoogleTestEnv;
  let credentials: OAuthCredentials;
  let mail: MailAbility;
  let folders: CaptureFolders;

  beforeEach(async () => {
    env = await startGoogleTestEnv();
    credentials = await connect(env);
    const provider = providerFor(env, credentials);
    if (!provider.mail) throw new Error('no mail');
    mail = provider.mail;
    folders = await mail.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
  });
  afterEach(() => env.close());

  it('reuses labels the user already has, whatever their case', async () => {
    env.sim.handle.placeMessage(testMailbox, 'Clients', testMessage('x').raw);
    const again = await mail.ensureCaptureFolders({ capture: 'TANDEM', processed: 'processed' });
    expect(again).toEqual(folders);
  });

  it('captures 100 messages within 1.1 × the documented minimum quota cost', async () => {
    const messages = Array.from({ length: 100 }, () => testMessage('quota'));
    for (const m of messages) env.sim.handle.placeMessage(testMailbox, 'Tandem', m.raw);
    const before = env.sim.handle.counters.quotaUnits(testMailbox);

    // The capture pipeline's shape: one listing page, fetch and move in batches of 50.
    const page = await mail.listCaptured(folders, { pageSize: 200 });
    expect(page.refs).toHaveLength(100);
    expect(page.nextPageToken).toBeUndefined();
    for (let i = 0; i < page.refs.length; i += 50) {
      const batch = page.refs.slice(i, i + 50);
      const raw = await mail.fetchRaw(batch);
      expect(raw.every((r) => r.ok)).toBe(true);
      expect((await mail.markProcessed(folders, batch)).every((r) => r.ok)).toBe(true);
    }
    const units = env.sim.handle.counters.quotaUnits(testMailbox) - before;
    // Gmail quota table: messages.get 5 per message, messages.list 5 per page (≤ 500 ids),
    // messages.batchModify 50 per call (≤ 1,000 ids).
    expect(gmailCaptureMinimumUnits(100)).toBe(100 * 5 + 5 + 50);
    expect(units / gmailCaptureMinimumUnits(100)).toBeLessThanOrEqual(1.1);
    expect(env.sim.handle.counters.count(testMailbox, 'messages.get')).toBe(100);
    expect(env.sim.handle.messagesWithLabel(testMailbox, 'Processed')).toHaveLength(100);
  });

  it('a batch part that fails while listing is fetched again; one that keeps failing fails alone', async () => {
    // Each request made once, as the engine sees the failures when in-run retries are spent.
    const once = (): MailAbility => {
      const m = providerFor(env, credentials, { retry: { maxAttempts: 1 } }).mail;
      if (!m) throw new Error('no mail');
      return m;
    };
    for (let i = 0; i < 3; i++) env.sim.handle.placeMessage(testMailbox, 'Tandem', testMessage('part').raw);
    const first = once();
    const rule = env.sim.handle.faults.add({ kind: 'server_error', match: 'messages.get', nth: 2 });
    const page = await first.listCaptured(folders, { pageSize: 10 });
    expect(page.refs.filter((r) => r.messageId === undefined)).toHaveLength(1);
    const raw = await first.fetchRaw(page.refs);
    expect(raw.every((r) => r.ok)).toBe(true);
    env.sim.handle.faults.remove(rule);

    const refs = (await once().listCaptured(folders, { pageSize: 10 })).refs;
    env.sim.handle.faults.add({ kind: 'server_error', match: 'messages.get', nth: 1 });
    const results = await once().fetchRaw(refs);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual(['transient', 'ok', 'ok']);
  });

  it('a batch part answered 500 is sent again alone after a backoff; its neighbours are not repeated', async () => {
    for (let i = 0; i < 3; i++) env.sim.handle.placeMessage(testMailbox, 'Tandem', testMessage('part').raw);
    env.sim.handle.faults.add({ kind: 'server_error', match: 'messages.get', nth: 2 });
    const { waits, retry } = recordWaits();
    const before = env.sim.handle.counters.count(testMailbox, 'messages.get');
    const page = await providerFor(env, credentials, { retry }).mail?.listCaptured(folders, { pageSize: 10 });
    expect(page?.refs.map((r) => r.messageId !== undefined)).toEqual([true, true, true]);
    expect(env.sim.handle.counters.count(testMailbox, 'messages.get') - before).toBe(4);
    expect(waits).toEqual([375]);
  });

  it('429 rateLimitExceeded is throttled with the Retry-After, which a read waits out', async () => {
    env.sim.handle.faults.add({ kind: 'throttle', match: 'messages.list', retryAfterSeconds: 7, times: 1 });
    const e = await failure(providerFor(env, credentials, { retry: { maxAttempts: 1 } }).mail?.listCaptured(folders, { pageSize: 10 }) ?? Promise.resolve());
    expect(e).toMatchObject({ kind: 'throttled', retryAfterMs: 7000, code: 'rateLimitExceeded', status: 429 });
    env.sim.handle.faults.add({ kind: 'throttle', match: 'messages.list', retryAfterSeconds: 7, times: 1 });
    const { waits, retry } = recordWaits();
    await expect(providerFor(env, credentials, { retry }).mail?.listCaptured(folders, { pageSize: 10 })).resolves.toMatchObject({ refs: [] });
    expect(waits).toEqual([7000]);
  });

  it('a send refused with 429 is not repeated inside the run', async () => {
    env.sim.handle.faults.add({ kind: 'throttle', match: 'messages.send', retryAfterSeconds: 2, times: 1 });
    const { waits, retry } = recordWaits();
    const m = testMessage('refused', { from: testMailbox, to: 'carol@client.test' });
    const e = await failure(providerFor(env, credentials, { retry }).mail?.send({ mime: m.raw, messageId: m.messageId, recipients: ['carol@client.test'] }) ?? Promise.resolve());
    expect(e).toMatchObject({ kind: 'throttled', retryAfterMs: 2000 });
    expect(env.sim.handle.counters.count(testMailbox, 'messages.send')).toBe(1);
    expect(waits).toEqual([]);
  });

  it('the per-user quota running out is throttled (userRateLimitExceeded)', async () => {
    env.clock.advance(61_000); // the labels calls of beforeEach leave the one-minute window
    env.sim.handle.setQuotaLimit(5);
    await mail.listCaptured(folders, { pageSize: 10 });
    const e = await failure(mail.listCaptured(folders, { pageSize: 10 }));
    expect(e).toMatchObject({ kind: 'throttled', code: 'userRateLimitExceeded' });
    expect(e.retryAfterMs).toBeGreaterThan(0);
  });

  it('a send whose answer is lost is ambiguous; findSent finds it and it sits in Sent once', async () => {
    const m = testMessage('ambiguous', { from: testMailbox, to: 'carol@client.test' });
    env.sim.handle.faults.add({ kind: 'drop_after_accept', match: 'messages.send', times: 1 });
    const e = await failure(mail.send({ mime: m.raw, messageId: m.messageId, recipients: ['carol@client.test'] }));
    expect(e).toMatchObject({ kind: 'transient', ambiguous: true });
    const found = await mail.findSent(m.messageId);
    expect(found?.providerId).toBeTruthy();
    expect(env.sim.handle.sent(testMailbox).filter((s) => s.messageId === m.messageId)).toHaveLength(1);
  });

  it('a send keeps our Message-ID and reaches Bcc recipients', async () => {
    const m = testMessage('bcc', { from: testMailbox, to: 'carol@client.test' });
    const sent = await mail.send({ mime: m.raw, messageId: m.messageId, recipients: ['carol@client.test', 'hidden@client.test'] });
    const [copy] = env.sim.handle.sent(testMailbox).filter((s) => s.messageId === m.messageId);
    expect(copy?.id).toBe(sent.providerId);
    expect(copy?.recipients.sort()).toEqual(['carol@client.test', 'hidden@client.test']);
  });

  it('a stale access token is auth_expired; refreshed credentials work again', async () => {
    env.clock.advance(2 * 3600_000);
    const e = await failure(mail.listCaptured(folders, { pageSize: 10 }));
    expect(e.kind).toBe('auth_expired');
    const renewed = await env.oauth.refresh(credentials);
    const again = providerFor(env, renewed).mail;
    await expect(again?.listCaptured(folders, { pageSize: 10 })).resolves.toMatchObject({ refs: [] });
  });

  it('a request that cannot connect is transient and not ambiguous', async () => {
    const refused = providerFor(env, credentials, {}, () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })));
    const e = await failure(refused.mail?.send({ mime: testMessage('r').raw, messageId: '<r@x>', recipients: ['a@b.c'] }) ?? Promise.resolve());
    expect(e).toMatchObject({ kind: 'transient', ambiguous: false, code: 'ECONNREFUSED' });
  });
});
