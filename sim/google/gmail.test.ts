import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeClock } from '../../src/domain/clock';
import type { SimServer } from '../common/sim-server';
import type { GoogleSimHandle } from './index';
import { connect, failure, mime, startWith, type Connected } from './test-kit';

const ava = 'ava@greenleaf.example';
const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('Gmail simulator', () => {
  let sim: SimServer<GoogleSimHandle>;
  let clock: FakeClock;
  let c: Connected;

  beforeEach(async () => {
    ({ sim, clock } = await startWith([ava, 'ben@greenleaf.example']));
    c = await connect(sim, ava);
  });
  afterEach(() => sim.close());

  it('lists system labels, creates user labels and refuses a duplicate name with 409', async () => {
    const list = await c.gmail.users.labels.list({ userId: 'me' });
    expect(list.data.labels?.map((l) => l.id)).toEqual(expect.arrayContaining(['INBOX', 'SENT', 'DRAFT', 'TRASH', 'SPAM', 'UNREAD']));
    const created = await c.gmail.users.labels.create({ userId: 'me', requestBody: { name: 'Tandem', labelListVisibility: 'labelShow', messageListVisibility: 'show' } });
    expect(created.data).toMatchObject({ id: 'Label_1', name: 'Tandem', type: 'user' });
    const dup = await failure(c.gmail.users.labels.create({ userId: 'me', requestBody: { name: 'tandem' } }));
    expect(dup).toMatchObject({ status: 409, reason: 'aborted' });
    const inbox = await c.gmail.users.labels.get({ userId: 'me', id: 'INBOX' });
    expect(inbox.data).toMatchObject({ id: 'INBOX', type: 'system', messagesTotal: 0 });
  });

  it('inserts raw MIME, lists by label in pages, and returns raw / metadata / full formats', async () => {
    const label = (await c.gmail.users.labels.create({ userId: 'me', requestBody: { name: 'Tandem' } })).data.id ?? '';
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      const res = await c.gmail.users.messages.insert({ userId: 'me', requestBody: { raw: b64(mime({ subject: `Quote ${i}` })), labelIds: [label] } });
      ids.push(res.data.id ?? '');
    }
    await c.gmail.users.messages.insert({ userId: 'me', requestBody: { raw: b64(mime({ subject: 'Other' })), labelIds: ['INBOX'] } });
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await c.gmail.users.messages.list({ userId: 'me', labelIds: [label], maxResults: 2, pageToken });
      seen.push(...(page.data.messages ?? []).map((m) => m.id ?? ''));
      pageToken = page.data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const raw = await c.gmail.users.messages.get({ userId: 'me', id: ids[0] ?? '', format: 'raw' });
    expect(Buffer.from(raw.data.raw ?? '', 'base64url').toString()).toBe(mime({ subject: 'Quote 0' }));
    const meta = await c.gmail.users.messages.get({ userId: 'me', id: ids[0] ?? '', format: 'metadata', metadataHeaders: ['Subject', 'Message-ID'] });
    expect(meta.data.payload?.headers).toEqual([
      { name: 'Subject', value: 'Quote 0' },
      { name: 'Message-ID', value: '<Quote0@customer.example>' },
    ]);
    const full = await c.gmail.users.messages.get({ userId: 'me', id: ids[0] ?? '' });
    expect(full.data.payload?.mimeType).toBe('text/plain');
    expect(Buffer.from(full.data.payload?.body?.data ?? '', 'base64url').toString()).toContain('Body of Quote 0');
    expect(full.data.snippet).toBe('Body of Quote 0');
    const missing = await failure(c.gmail.users.messages.get({ userId: 'me', id: 'ffffffffffffffff' }));
    expect(missing).toMatchObject({ status: 404, reason: 'notFound' });
  });

  it('parses multipart messages into parts with attachment ids', async () => {
    const raw = [
      'From: a@x.example',
      'To: ava@greenleaf.example',
      'Subject: =?UTF-8?B?R3LDvMOfZQ==?=',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello there',
      '--b1',
      'Content-Type: application/pdf; name="q.pdf"',
      'Content-Disposition: attachment; filename="q.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('%PDF-1.4 quote').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    const id = sim.handle.placeMessage(ava, 'INBOX', raw);
    const full = await c.gmail.users.messages.get({ userId: 'me', id });
    expect(full.data.payload?.headers?.find((h) => h.name === 'Subject')?.value).toBe('Grüße');
    const [text, pdf] = full.data.payload?.parts ?? [];
    expect(text?.partId).toBe('0');
    expect(pdf).toMatchObject({ partId: '1', mimeType: 'application/pdf', filename: 'q.pdf' });
    const att = await c.gmail.users.messages.attachments.get({ userId: 'me', messageId: id, id: pdf?.body?.attachmentId ?? '' });
    expect(Buffer.from(att.data.data ?? '', 'base64url').toString()).toBe('%PDF-1.4 quote');
  });

  it('batchModify moves messages between labels; more than 1000 ids is a 400', async () => {
    const tandem = (await c.gmail.users.labels.create({ userId: 'me', requestBody: { name: 'Tandem' } })).data.id ?? '';
    const processed = (await c.gmail.users.labels.create({ userId: 'me', requestBody: { name: 'Processed' } })).data.id ?? '';
    const ids = [sim.handle.placeMessage(ava, 'Tandem', mime({ subject: 'a' })), sim.handle.placeMessage(ava, 'Tandem', mime({ subject: 'b' }))];
    const res = await c.gmail.users.messages.batchModify({ userId: 'me', requestBody: { ids, addLabelIds: [processed], removeLabelIds: [tandem] } });
    expect(res.status).toBe(204);
    expect(sim.handle.messagesWithLabel(ava, 'Tandem')).toHaveLength(0);
    expect(sim.handle.messagesWithLabel(ava, 'Processed').map((m) => m.id).sort()).toEqual([...ids].sort());
    const tooMany = await failure(c.gmail.users.messages.batchModify({ userId: 'me', requestBody: { ids: Array.from({ length: 1001 }, (_, i) => String(i)), addLabelIds: [processed] } }));
    expect(tooMany).toMatchObject({ status: 400, reason: 'invalidArgument' });
    const badLabel = await failure(c.gmail.users.messages.batchModify({ userId: 'me', requestBody: { ids, addLabelIds: ['Label_99'] } }));
    expect(badLabel).toMatchObject({ status: 400, reason: 'invalidArgument' });
    expect(sim.handle.counters.quotaUnits(ava)).toBeGreaterThanOrEqual(50);
  });

  it('send keeps our Message-ID, lands in SENT, is findable by rfc822msgid and reaches a simulated recipient', async () => {
    const ours = '<tandem-outbox-42@greenleaf.example>';
    const sent = await c.gmail.users.messages.send({
      userId: 'me',
      requestBody: { raw: b64(mime({ from: ava, to: 'Ben <ben@greenleaf.example>', subject: 'Your quote', messageId: ours })) },
    });
    expect(sent.data.labelIds).toEqual(['SENT']);
    expect(sim.handle.sent(ava)).toMatchObject([{ id: sent.data.id, messageId: ours, recipients: ['ben@greenleaf.example'] }]);
    const found = await c.gmail.users.messages.list({ userId: 'me', q: `rfc822msgid:${ours}` });
    expect(found.data.messages?.map((m) => m.id)).toEqual([sent.data.id]);
    expect(sim.handle.messagesWithLabel('ben@greenleaf.example', 'INBOX').map((m) => m.messageId)).toEqual([ours]);
    const noRcpt = await failure(c.gmail.users.messages.send({ userId: 'me', requestBody: { raw: b64('Subject: x\r\n\r\nhi') } }));
    expect(noRcpt).toMatchObject({ status: 400, reason: 'invalidArgument' });
    expect(sim.handle.counters.count(ava, 'messages.send')).toBe(2);
  });

  it('threads a reply sent with threadId; import and media upload take raw MIME with internalDateSource', async () => {
    const first = sim.handle.placeMessage(ava, 'INBOX', mime({ subject: 'Hedge trimming', messageId: '<hedge-1@customer.example>' }));
    const thread = (await c.gmail.users.messages.get({ userId: 'me', id: first, format: 'minimal' })).data.threadId ?? '';
    const reply = await c.gmail.users.messages.send({ userId: 'me', requestBody: { threadId: thread, raw: b64(mime({ from: ava, to: 'carl@customer.example', subject: 'Re: Hedge trimming', messageId: '<r1@greenleaf.example>' })) } });
    expect(reply.data.threadId).toBe(thread);
    // The generated client builds upload URLs from the per-call rootUrl only (not the API-level one).
    const upload = { rootUrl: `${sim.url}/` };
    const imported = await c.gmail.users.messages.import({
      userId: 'me',
      internalDateSource: 'dateHeader',
      requestBody: { labelIds: ['INBOX', 'UNREAD'] },
      media: { mimeType: 'message/rfc822', body: mime({ subject: 'Imported', date: 'Sun, 01 Nov 2026 07:30:00 +0000', messageId: '<imp@customer.example>' }) },
    }, upload);
    const got = await c.gmail.users.messages.get({ userId: 'me', id: imported.data.id ?? '', format: 'minimal' });
    expect(got.data.internalDate).toBe(String(Date.parse('2026-11-01T07:30:00Z')));
    expect(got.data.labelIds).toEqual(['INBOX', 'UNREAD']);
    const uploaded = await c.gmail.users.messages.send({ userId: 'me', media: { mimeType: 'message/rfc822', body: mime({ from: ava, to: 'dora@customer.example', subject: 'Upload', messageId: '<up@greenleaf.example>' }) } }, upload);
    expect(sim.handle.sent(ava).map((m) => m.id)).toContain(uploaded.data.id);
    expect(sim.handle.counters.count(ava, 'messages.import')).toBe(1);
  });

  it('history lists changes after a start id, filters by type, and answers 404 once the id aged out', async () => {
    const start = (await c.gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    const id = sim.handle.placeMessage(ava, 'INBOX', mime({ subject: 'h1' }));
    await c.gmail.users.messages.modify({ userId: 'me', id, requestBody: { removeLabelIds: ['INBOX'], addLabelIds: ['STARRED'] } });
    const all = await c.gmail.users.history.list({ userId: 'me', startHistoryId: start });
    expect(all.data.history?.map((h) => Object.keys(h).filter((k) => k !== 'id' && k !== 'messages'))).toEqual([['messagesAdded'], ['labelsAdded'], ['labelsRemoved']]);
    expect(Number(all.data.historyId)).toBeGreaterThan(Number(start));
    const added = await c.gmail.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['messageAdded'] });
    expect(added.data.history).toHaveLength(1);
    expect(added.data.history?.[0]?.messagesAdded?.[0]?.message?.id).toBe(id);

    sim.handle.expireHistory(ava);
    const gone = await failure(c.gmail.users.history.list({ userId: 'me', startHistoryId: start }));
    expect(gone).toMatchObject({ status: 404, reason: 'notFound' });
    const fresh = (await c.gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    expect((await c.gmail.users.history.list({ userId: 'me', startHistoryId: fresh })).data.history).toBeUndefined();

    // History also ages out on the clock (kept about a week).
    sim.handle.placeMessage(ava, 'INBOX', mime({ subject: 'h2' }));
    clock.advance(8 * 24 * 3600_000);
    sim.handle.placeMessage(ava, 'INBOX', mime({ subject: 'h3' }));
    expect(await failure(c.gmail.users.history.list({ userId: 'me', startHistoryId: fresh }))).toMatchObject({ status: 404 });
  });

  it('quota: over the per-user budget answers 429 userRateLimitExceeded with Retry-After until the minute slides', async () => {
    sim.handle.setQuotaLimit(20);
    const id = sim.handle.placeMessage(ava, 'INBOX', mime({ subject: 'q' }));
    for (let i = 0; i < 4; i++) await c.gmail.users.messages.get({ userId: 'me', id, format: 'minimal' });
    const over = await failure(c.gmail.users.messages.get({ userId: 'me', id, format: 'minimal' }));
    expect(over).toMatchObject({ status: 429, reason: 'userRateLimitExceeded' });
    expect(Number(over.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(sim.handle.counters.quotaUnits(ava)).toBe(20);
    clock.advance(61_000);
    await c.gmail.users.messages.get({ userId: 'me', id, format: 'minimal' });
    expect(sim.handle.counters.quotaUnits(ava)).toBe(25);
  });
});
