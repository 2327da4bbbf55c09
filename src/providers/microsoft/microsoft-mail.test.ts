import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testMessage } from '../contract/contract-fixtures';
import type { CaptureFolders, MailAbility, OAuthCredentials } from '../provider';
import type { RetryOptions } from '../retry';
import { recordWaits } from '../retry-testing';
import { connect, failure, providerFor, startMicrosoftTestEnv, testMailbox, type MicrosoftTestEnv } from './microsoft-test-harness';

let env: MicrosoftTestEnv;
let creds: OAuthCredentials;
let mail: MailAbility;
let folders: CaptureFolders;

beforeAll(async () => {
  env = await startMicrosoftTestEnv({
    mailboxes: [
      { address: testMailbox, type: 'user' },
      { address: 'shared@contoso.example', type: 'shared' },
      { address: 'sales@contoso.example', type: 'group' },
    ],
  });
  creds = await connect(env);
  const provider = providerFor(env, creds);
  if (!provider.mail) throw new Error('no mail ability');
  mail = provider.mail;
  folders = await mail.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
});
afterAll(() => env.close());
beforeEach(() => {
  env.sim.handle.faults.clear();
});


/** The mail ability with its own retry settings (the shared one repeats at once). */
function mailWith(retry: RetryOptions): MailAbility {
  const m = providerFor(env, creds, testMailbox, { retry }).mail;
  if (!m) throw new Error('no mail ability');
  return m;
}

/** Graph HTTP requests of the mailbox; batch items are counted separately by the simulator. */
const httpRequests = () => env.sim.handle.counters.count(testMailbox) - env.sim.handle.counters.count(testMailbox, 'batch.item');

describe('identity', () => {
  it.each([
    [testMailbox, 'user'],
    ['shared@contoso.example', 'shared'],
    ['sales@contoso.example', 'group'],
  ])('%s is a %s mailbox', async (address, type) => {
    const id = await providerFor(env, await connect(env, address), address).identity();
    expect(id).toMatchObject({ address, type });
    expect(id.providerUserId).not.toBe('');
  });

  it('a stale access token is auth_expired', async () => {
    const e = await failure(providerFor(env, { ...creds, accessToken: 'EwBsim-not-a-token' }).identity());
    expect([e.kind, e.status, e.code]).toEqual(['auth_expired', 401, 'InvalidAuthenticationToken']);
  });
});

describe('capture', () => {
  it('captures 100 messages at ≤ 0.15 Graph requests per message', async () => {
    const placed = Array.from({ length: 100 }, () => testMessage('bulk'));
    for (const m of placed) await env.sim.handle.placeMessage(testMailbox, 'Tandem', m.raw);
    env.sim.handle.counters.reset();
    const seen = new Set<string>();
    // The capture pipeline's loop: list the head of the folder, fetch, (store), move; until empty.
    for (;;) {
      const page = await mail.listCaptured(folders, { pageSize: 60 });
      if (page.refs.length === 0) break;
      const raw = await mail.fetchRaw(page.refs);
      expect(raw.every((r) => r.ok)).toBe(true);
      const moved = await mail.markProcessed(folders, page.refs);
      expect(moved.every((r) => r.ok)).toBe(true);
      for (const r of page.refs) seen.add(r.messageId ?? '');
    }
    expect(seen.size).toBe(100);
    const perMessage = httpRequests() / 100;
    // 2 pages + 1 empty listing, 3 + 2 batches of $value and of moves: 13 requests.
    expect(perMessage).toBeLessThanOrEqual(0.15);
    expect(httpRequests()).toBe(13);
  });

  it('one missing message is a not_found item; its neighbours are fetched', async () => {
    const m = testMessage('neighbour');
    const id = await env.sim.handle.placeMessage(testMailbox, 'Tandem', m.raw);
    const results = await mail.fetchRaw([{ id }, { id: 'AAkALgAAAmissing00000000000000=' }]);
    expect(results[0]?.ok && Buffer.from(results[0].value).equals(Buffer.from(m.raw))).toBe(true);
    expect(results[1]?.ok === false && results[1].error.kind).toBe('not_found');
    await mail.markProcessed(folders, [{ id }]);
  });

  it('a throttled batch item is reported throttled with its Retry-After; the others succeed', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await env.sim.handle.placeMessage(testMailbox, 'Tandem', testMessage('throttle').raw));
    env.sim.handle.faults.add({ kind: 'throttle', match: 'batch.item move', nth: 2, retryAfterSeconds: 7 });
    const results = await mailWith({ maxAttempts: 1 }).markProcessed(folders, ids.map((id) => ({ id })));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const second = results[1];
    expect(second?.ok === false && [second.error.kind, second.error.retryAfterMs]).toEqual(['throttled', 7000]);
    // Retried later, the move succeeds.
    expect((await mail.markProcessed(folders, [{ id: ids[1] ?? '' }]))[0]?.ok).toBe(true);
  });

  it('a throttled batch item waits its Retry-After and goes alone in a second batch; its neighbours are not repeated', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await env.sim.handle.placeMessage(testMailbox, 'Tandem', testMessage('throttle').raw));
    env.sim.handle.faults.add({ kind: 'throttle', match: 'batch.item move', nth: 2, retryAfterSeconds: 7 });
    const { waits, retry } = recordWaits();
    const [batches, items] = [env.sim.handle.counters.count(testMailbox, 'batch'), env.sim.handle.counters.count(testMailbox, 'batch.item')];
    const results = await mailWith(retry).markProcessed(folders, ids.map((id) => ({ id })));
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(waits).toEqual([7000]);
    expect(env.sim.handle.counters.count(testMailbox, 'batch') - batches).toBe(2);
    expect(env.sim.handle.counters.count(testMailbox, 'batch.item') - items).toBe(4);
    expect(env.sim.handle.listFolderMessages(testMailbox, 'Processed').map((m) => m.id)).toEqual(expect.arrayContaining(ids));
  });

  it('a batch item asked to wait longer than the in-run cap is left throttled for the engine', async () => {
    const id = await env.sim.handle.placeMessage(testMailbox, 'Tandem', testMessage('long wait').raw);
    env.sim.handle.faults.add({ kind: 'throttle', match: 'batch.item', times: 1, retryAfterSeconds: 120 });
    const { waits, retry } = recordWaits();
    const [result] = await mailWith(retry).fetchRaw([{ id }]);
    expect(result?.ok === false && [result.error.kind, result.error.retryAfterMs]).toEqual(['throttled', 120_000]);
    expect(waits).toEqual([]);
    await mail.markProcessed(folders, [{ id }]);
  });

  it('a throttled listing is throttled; a 503 transient with Retry-After; a listing waits out both', async () => {
    env.sim.handle.faults.add({ kind: 'throttle', match: 'messages.list', times: 1, retryAfterSeconds: 4 });
    const e = await failure(mailWith({ maxAttempts: 1 }).listCaptured(folders, { pageSize: 10 }));
    expect([e.kind, e.retryAfterMs, e.code]).toEqual(['throttled', 4000, 'ApplicationThrottled']);
    env.sim.handle.faults.add({ kind: 'unavailable', match: 'messages.list', times: 1, retryAfterSeconds: 2 });
    const u = await failure(mailWith({ maxAttempts: 1 }).listCaptured(folders, { pageSize: 10 }));
    expect([u.kind, u.retryAfterMs]).toEqual(['transient', 2000]);

    env.sim.handle.faults.add({ kind: 'throttle', match: 'messages.list', times: 1, retryAfterSeconds: 4 });
    env.sim.handle.faults.add({ kind: 'unavailable', match: 'messages.list', times: 1, retryAfterSeconds: 2 });
    const { waits, retry } = recordWaits();
    await expect(mailWith(retry).listCaptured(folders, { pageSize: 10 })).resolves.toMatchObject({ refs: expect.any(Array) });
    expect(waits).toEqual([4000, 2000]);
  });

  it('a listing that keeps failing gives up after the allowed attempts', async () => {
    env.sim.handle.faults.add({ kind: 'server_error', match: 'messages.list', times: 3 });
    const { waits, retry } = recordWaits({ maxAttempts: 3 });
    const before = env.sim.handle.counters.count(testMailbox, 'messages.list');
    const e = await failure(mailWith(retry).listCaptured(folders, { pageSize: 10 }));
    expect([e.kind, e.status]).toEqual(['transient', 500]);
    expect(env.sim.handle.counters.count(testMailbox, 'messages.list') - before).toBe(3);
    // Exponential steps of 500 ms with equal jitter at 0.5: 375, 750.
    expect(waits).toEqual([375, 750]);
  });
});

describe('send', () => {
  it('keeps our Message-ID, delivers Bcc recipients and lands once in Sent Items', async () => {
    const m = testMessage('bcc', { from: testMailbox, to: 'carol@client.test' });
    await mail.send({ mime: m.raw, messageId: m.messageId, recipients: ['carol@client.test', 'shared@contoso.example'] });
    expect(env.sim.handle.sentItems(testMailbox).filter((s) => s.internetMessageId === m.messageId)).toHaveLength(1);
    // The Bcc recipient (a simulated mailbox) received it.
    expect(env.sim.handle.listFolderMessages('shared@contoso.example', 'inbox').map((s) => s.internetMessageId)).toContain(m.messageId);
  });

  it('a connection dropped after Graph accepted sendMail is an ambiguous failure, and findSent then finds the message', async () => {
    const m = testMessage('dropped', { from: testMailbox, to: 'carol@client.test' });
    env.sim.handle.faults.add({ kind: 'drop_after_accept', match: 'sendMail', times: 1 });
    const e = await failure(mail.send({ mime: m.raw, messageId: m.messageId, recipients: ['carol@client.test'] }));
    expect([e.kind, e.ambiguous]).toEqual(['transient', true]);
    expect(await mail.findSent(m.messageId)).toEqual({ providerId: expect.any(String) });
    expect(env.sim.handle.sentItems(testMailbox).filter((s) => s.internetMessageId === m.messageId)).toHaveLength(1);
  });

  it('a sendMail that times out without an answer is ambiguous; findSent then says it never arrived', async () => {
    const quick = providerFor(env, creds, testMailbox, { timeoutMs: 100 }).mail;
    env.sim.handle.faults.add({ kind: 'timeout', match: 'sendMail', times: 1, holdMs: 1000 });
    const m = testMessage('timeout', { from: testMailbox, to: 'carol@client.test' });
    const e = await failure(quick?.send({ mime: m.raw, messageId: m.messageId, recipients: ['carol@client.test'] }) ?? Promise.resolve());
    expect([e.kind, e.ambiguous, e.code]).toEqual(['transient', true, 'TimeoutError']);
    expect(await mail.findSent(m.messageId)).toBeNull();
  });

  it('a reset read is transient and not ambiguous, and is repeated; a reset sendMail is never repeated; bad MIME is invalid_input', async () => {
    env.sim.handle.faults.add({ kind: 'reset', match: 'messages.list', times: 1 });
    const e = await failure(mailWith({ maxAttempts: 1 }).findSent('<x@tandem.test>'));
    expect([e.kind, e.ambiguous]).toEqual(['transient', false]);
    env.sim.handle.faults.add({ kind: 'reset', match: 'messages.list', times: 1 });
    const reads = recordWaits();
    expect(await mailWith(reads.retry).findSent('<x@tandem.test>')).toBeNull();
    expect(reads.waits).toHaveLength(1);

    env.sim.handle.faults.add({ kind: 'reset', match: 'sendMail', times: 1 });
    const sends = recordWaits();
    const before = env.sim.handle.counters.count(testMailbox, 'sendMail');
    const m = testMessage('reset send', { from: testMailbox, to: 'carol@client.test' });
    const s = await failure(mailWith(sends.retry).send({ mime: m.raw, messageId: m.messageId, recipients: ['carol@client.test'] }));
    expect([s.kind, s.ambiguous]).toEqual(['transient', true]);
    expect(env.sim.handle.counters.count(testMailbox, 'sendMail') - before).toBe(1);
    expect(sends.waits).toEqual([]);

    const bad = await failure(mail.send({ mime: new TextEncoder().encode('no headers at all'), messageId: '<bad@tandem.test>', recipients: [] }));
    expect(bad.kind).toBe('invalid_input');
  });
});
