import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gmailCaptureMinimumUnits } from '../../../sim/google/quota';
import { isProviderError, type ProviderError } from '../errors';
import type { CaptureFolders, MailAbility, OAuthCredentials } from '../provider';
import { testMessage } from '../contract/contract-fixtures';
import { recordWaits } from '../retry-testing';
import { gmailShared } from './gmail-mail';
import type { GmailQuotaOptions } from './gmail-quota';
import { createGoogleProvider } from './google-provider';
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

  it('lists ids only (one messages.list, no raw get); fetchRaw brings the bytes and the internal date', async () => {
    const m = testMessage('listing');
    env.sim.handle.placeMessage(testMailbox, 'Tandem', m.raw);
    const gets = () => env.sim.handle.counters.count(testMailbox, 'messages.get');
    const page = await mail.listCaptured(folders, { pageSize: 10 });
    expect(page.refs).toEqual([{ id: expect.any(String) as string }]);
    expect(gets()).toBe(0);
    const [raw] = await mail.fetchRaw(page.refs);
    expect(raw?.ok && Buffer.from(raw.value).equals(Buffer.from(m.raw))).toBe(true);
    expect(raw?.ref.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(gets()).toBe(1);
  });

  it('a batch part that keeps failing fails alone; its neighbours arrive', async () => {
    // Each request made once, as the engine sees the failures when in-run retries are spent.
    const once = providerFor(env, credentials, { retry: { maxAttempts: 1 } }).mail;
    for (let i = 0; i < 3; i++) env.sim.handle.placeMessage(testMailbox, 'Tandem', testMessage('part').raw);
    const refs = (await mail.listCaptured(folders, { pageSize: 10 })).refs;
    env.sim.handle.faults.add({ kind: 'server_error', match: 'messages.get', nth: 1 });
    const results = (await once?.fetchRaw(refs)) ?? [];
    expect(results.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual(['transient', 'ok', 'ok']);
  });

  it('a batch part answered 500 is sent again alone after a backoff; its neighbours are not repeated', async () => {
    for (let i = 0; i < 3; i++) env.sim.handle.placeMessage(testMailbox, 'Tandem', testMessage('part').raw);
    const refs = (await mail.listCaptured(folders, { pageSize: 10 })).refs;
    env.sim.handle.faults.add({ kind: 'server_error', match: 'messages.get', nth: 2 });
    const { waits, retry } = recordWaits();
    const results = (await providerFor(env, credentials, { retry }).mail?.fetchRaw(refs)) ?? [];
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(env.sim.handle.counters.count(testMailbox, 'messages.get')).toBe(4);
    expect(waits).toEqual([375]);
  });

  describe('paced below the per-user quota', () => {
    /** Providers of one process (shared buckets and cache) whose quota waits move the fake clock. */
    function process(quota: GmailQuotaOptions) {
      const shared = gmailShared({ quota });
      const waits: number[] = [];
      const sleep = async (ms: number) => {
        waits.push(ms);
        env.clock.advance(ms);
      };
      const ctx = { mailbox: testMailbox, credentials, endpoints: env.endpoints, clock: env.clock, logger: pino({ level: 'silent' }), fetch: env.fetch };
      return { waits, run: () => createGoogleProvider(ctx, { retry: { sleep } }, shared).mail as MailAbility };
    }

    it('spreads the raw gets over the minutes the quota needs: no 429, each message fetched once', async () => {
      env.clock.advance(61_000); // beforeEach's label calls leave the window
      env.sim.handle.setQuotaLimit(1500);
      const messages = Array.from({ length: 400 }, () => testMessage('paced'));
      for (const m of messages) env.sim.handle.placeMessage(testMailbox, 'Tandem', m.raw);
      const p = process({ limitPerMinute: 1500, maxRunWaitMs: Number.POSITIVE_INFINITY });
      const run = p.run();
      const refs = (await run.listCaptured(folders, { pageSize: 500 })).refs;
      const raw = await run.fetchRaw(refs);
      expect(raw.filter((r) => !r.ok)).toEqual([]);
      // 2,005 units at 1,350 a minute: about a minute and a half of waits, and not one refusal.
      expect(env.sim.handle.counters.count(testMailbox, 'messages.get')).toBe(400);
      expect(p.waits.reduce((n, w) => n + w, 0)).toBeGreaterThan(60_000);
    });

    it('a run stopped by the pacing keeps what it paid for: the next run fetches nothing twice', async () => {
      const messages = Array.from({ length: 300 }, () => testMessage('stopped'));
      for (const m of messages) env.sim.handle.placeMessage(testMailbox, 'Tandem', m.raw);
      const p = process({ maxRunWaitMs: 1_000 });
      const first = p.run();
      const refs = (await first.listCaptured(folders, { pageSize: 500 })).refs;
      // 1,500 units against a burst of 1,350 and 1 s of waiting allowed: the run stops partway.
      const e = await failure(first.fetchRaw(refs));
      expect(e).toMatchObject({ kind: 'throttled', code: 'gmail_quota_paced' });
      const paid = env.sim.handle.counters.count(testMailbox, 'messages.get');
      expect(paid).toBeGreaterThan(0);
      expect(paid).toBeLessThan(300);

      env.clock.advance(e.retryAfterMs ?? 0); // the engine's throttle state, then the next run
      const second = p.run();
      const raw = await second.fetchRaw((await second.listCaptured(folders, { pageSize: 500 })).refs);
      expect(raw.every((r) => r.ok)).toBe(true);
      expect(env.sim.handle.counters.count(testMailbox, 'messages.get')).toBe(300);
      expect((await second.markProcessed(folders, refs)).every((r) => r.ok)).toBe(true);
      // Moved messages leave the cache: fetching them again pays again.
      await second.fetchRaw(refs.slice(0, 1));
      expect(env.sim.handle.counters.count(testMailbox, 'messages.get')).toBe(301);
    });
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
