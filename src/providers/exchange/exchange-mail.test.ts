/** Mail over EWS: batching cost, paging while the pipeline moves pages away, ambiguous sends, pull notifications. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../errors';
import type { CaptureFolders, CapturedRef, MailAbility } from '../provider';
import { ALICE, startExchangeTestEnv, type ExchangeTestEnv } from './exchange-test-harness';
import type { ExchangeProvider } from './exchange-provider';

let env: ExchangeTestEnv;
let provider: ExchangeProvider;
let mail: MailAbility;
let folders: CaptureFolders;
let n = 0;

function message(tag: string, extra: string[] = []): { raw: string; messageId: string } {
  n++;
  const messageId = `<${tag}-${n}@tandem.test>`;
  const raw = [`From: Carol <carol@client.test>`, `To: ${ALICE}`, ...extra, `Subject: ${tag} ${n}`, `Message-ID: ${messageId}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', `Body ${n}`, ''].join('\r\n');
  return { raw, messageId };
}

beforeAll(async () => {
  env = await startExchangeTestEnv();
  provider = env.provider();
  if (!provider.mail) throw new Error('no mail ability');
  mail = provider.mail;
  folders = await mail.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
});
afterAll(async () => {
  await env.close();
});
beforeEach(() => {
  env.handle.faults.clear();
  env.handle.counters.reset();
});

async function listAll(pageSize: number, moveEachPage: boolean): Promise<CapturedRef[]> {
  const all: CapturedRef[] = [];
  let pageToken: string | undefined;
  do {
    const page = await mail.listCaptured(folders, { pageSize, ...(pageToken ? { pageToken } : {}) });
    all.push(...page.refs);
    if (moveEachPage) await mail.markProcessed(folders, page.refs);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return all;
}

describe('capture', () => {
  it('folders are made once: a second ensure only looks them up', async () => {
    env.handle.counters.reset();
    expect(await mail.ensureCaptureFolders({ capture: 'tandem', processed: 'PROCESSED' })).toEqual(folders);
    expect(env.handle.counters.count(ALICE, 'FindFolder')).toBe(1);
    expect(env.handle.counters.count(ALICE, 'CreateFolder')).toBe(0);
  });

  it('20 messages cost one FindItem, one GetItem and one MoveItem', async () => {
    const sent = Array.from({ length: 20 }, () => message('batch'));
    for (const m of sent) env.handle.placeMessage(ALICE, 'Tandem', m.raw);
    env.handle.counters.reset();
    const refs = (await mail.listCaptured(folders, { pageSize: 50 })).refs;
    const raw = await mail.fetchRaw(refs);
    const moved = await mail.markProcessed(folders, refs);
    expect(raw.every((r) => r.ok) && moved.every((r) => r.ok)).toBe(true);
    expect(raw.map((r) => (r.ok ? Buffer.from(r.value).toString('utf8') : ''))).toEqual(refs.map((ref) => sent.find((m) => m.messageId === ref.messageId)?.raw));
    expect(env.handle.counters.snapshot().requests[ALICE]).toEqual({ FindItem: 1, GetItem: 1, MoveItem: 1 });
  });

  it('pages stay complete when each page is moved before the next is asked for (same received time)', async () => {
    const sent = Array.from({ length: 7 }, () => message('paging'));
    for (const m of sent) env.handle.placeMessage(ALICE, 'Tandem', m.raw);
    const listed = await listAll(2, true);
    expect(listed.map((r) => r.messageId).sort()).toEqual(sent.map((m) => m.messageId).sort());
    expect(env.handle.folderMessages(ALICE, 'Tandem')).toEqual([]);
  });

  it('pages are oldest first across different received times, without repeats', async () => {
    const sent = Array.from({ length: 5 }, () => message('ordered'));
    for (const m of sent) {
      env.clock.advance(60_000);
      env.handle.placeMessage(ALICE, 'Tandem', m.raw);
    }
    const listed = await listAll(2, false);
    expect(listed.map((r) => r.messageId)).toEqual(sent.map((m) => m.messageId));
    await mail.markProcessed(folders, listed);
  });
});

describe('send', () => {
  it('a Bcc recipient outside the headers gets the message; the Sent copy keeps our Message-ID', async () => {
    const m = message('bcc');
    await mail.send({ mime: new TextEncoder().encode(m.raw.replace(`To: ${ALICE}`, 'To: carol@client.test')), messageId: m.messageId, recipients: ['carol@client.test', 'dave@client.test'] });
    expect(env.handle.folderMessages('dave@client.test', 'inbox').map((x) => x.internetMessageId)).toContain(m.messageId);
    expect(env.handle.sentItems(ALICE).filter((x) => x.internetMessageId === m.messageId)).toHaveLength(1);
    expect(env.handle.counters.count(ALICE, 'CreateItem')).toBe(1);
  });

  it('a connection dropped after Exchange accepted the send is ambiguous, and findSent then finds it', async () => {
    const m = message('ambiguous', ['Cc: dave@client.test']);
    env.handle.faults.add({ kind: 'drop_after_accept', match: 'CreateItem', times: 1 });
    const error = await mail.send({ mime: new TextEncoder().encode(m.raw), messageId: m.messageId, recipients: [ALICE, 'dave@client.test'] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isProviderError(error) && { kind: error.kind, ambiguous: error.ambiguous }).toEqual({ kind: 'transient', ambiguous: true });
    expect(await mail.findSent(m.messageId)).toMatchObject({ providerId: expect.any(String) });
    expect(env.handle.sentItems(ALICE).filter((x) => x.internetMessageId === m.messageId)).toHaveLength(1);
  });

  it('a send refused before any work is not ambiguous (nothing to look for)', async () => {
    const m = message('refused');
    env.handle.faults.add({ kind: 'throttle', match: 'CreateItem', times: 1, retryAfterSeconds: 2 });
    const error = await mail.send({ mime: new TextEncoder().encode(m.raw), messageId: m.messageId, recipients: [ALICE] }).catch((e: unknown) => e);
    expect(isProviderError(error) && { kind: error.kind, ambiguous: error.ambiguous, retryAfterMs: error.retryAfterMs }).toEqual({ kind: 'throttled', ambiguous: false, retryAfterMs: 2_000 });
    expect(await mail.findSent(m.messageId)).toBeNull();
  });
});

describe('pull notifications', () => {
  it('a new message in the capture folder shows up as a change; a quiet poll does not', async () => {
    const sub = await provider.pull.subscribe('capture', folders);
    const quiet = await provider.pull.poll(sub);
    expect(quiet.changed).toBe(false);
    env.handle.placeMessage(ALICE, 'Tandem', message('pull').raw);
    const busy = await provider.pull.poll(quiet.subscription);
    expect(busy.changed).toBe(true);
    expect(busy.subscription.data).not.toBe(sub.data);
    expect((await provider.pull.poll(busy.subscription)).changed).toBe(false);
    await mail.markProcessed(folders, (await mail.listCaptured(folders, { pageSize: 10 })).refs);
    await provider.pull.unsubscribe(busy.subscription);
  });

  it('a subscription not polled within its timeout is gone (not_found: subscribe again)', async () => {
    const sub = await provider.pull.subscribe('calendar');
    env.clock.advance(31 * 60_000);
    const error = await provider.pull.poll(sub).catch((e: unknown) => e);
    expect(isProviderError(error) && error.kind).toBe('not_found');
  });
});
