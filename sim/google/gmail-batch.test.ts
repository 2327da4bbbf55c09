import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimServer } from '../common/sim-server';
import type { GoogleSimHandle } from './index';
import { connect, mime, startWith, type Connected } from './test-kit';

const ava = 'ava@greenleaf.example';

interface Pushed {
  url: string;
  body: string;
}

/** Builds a Gmail batch body the way the batch guide describes it. */
function batchBody(boundary: string, calls: string[]): string {
  return calls.map((call, i) => `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${i + 1}>\r\n\r\n${call}\r\n`).join('') + `--${boundary}--\r\n`;
}

function parseBatchAnswer(contentType: string, body: string): Array<{ contentId: string; status: number; json: unknown }> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1] ?? '';
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const contentId = /Content-ID: <([^>]+)>/.exec(part)?.[1] ?? '';
      const status = Number(/HTTP\/1\.1 (\d{3})/.exec(part)?.[1]);
      const jsonText = part.slice(part.indexOf('{'), part.lastIndexOf('}') + 1);
      return { contentId, status, json: jsonText ? (JSON.parse(jsonText) as unknown) : undefined };
    });
}

describe('Gmail batch endpoint and push', () => {
  let sim: SimServer<GoogleSimHandle>;
  let c: Connected;
  const pushed: Pushed[] = [];

  beforeEach(async () => {
    pushed.length = 0;
    ({ sim } = await startWith([ava], {
      notificationFetch: async (input, init) => {
        pushed.push({ url: String(input), body: typeof init?.body === 'string' ? init.body : '' });
        return new Response(null, { status: 204 });
      },
    }));
    c = await connect(sim, ava);
  });
  afterEach(() => sim.close());

  it('answers each call of a batch in its own part, charging quota per call', async () => {
    const ids = [sim.handle.placeMessage(ava, 'INBOX', mime({ subject: 'one' })), sim.handle.placeMessage(ava, 'INBOX', mime({ subject: 'two' }))];
    const token = c.auth.credentials.access_token ?? '';
    const unitsBefore = sim.handle.counters.quotaUnits(ava);
    const res = await fetch(`${sim.url}/batch/gmail/v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/mixed; boundary=sep_1' },
      body: batchBody('sep_1', [
        `GET /gmail/v1/users/me/messages/${ids[0]}?format=raw`,
        `GET /gmail/v1/users/me/messages/${ids[1]}?format=minimal`,
        'GET /gmail/v1/users/me/messages/0000000000000000',
        `POST /gmail/v1/users/me/messages/${ids[1]}/modify\r\nContent-Type: application/json\r\n\r\n{"addLabelIds":["STARRED"]}`,
      ]),
    });
    expect(res.status).toBe(200);
    const parts = parseBatchAnswer(res.headers.get('content-type') ?? '', await res.text());
    expect(parts.map((p) => [p.contentId, p.status])).toEqual([
      ['response-item1', 200],
      ['response-item2', 200],
      ['response-item3', 404],
      ['response-item4', 200],
    ]);
    expect(Buffer.from((parts[0]?.json as { raw: string }).raw, 'base64url').toString()).toContain('Subject: one');
    expect(sim.handle.messagesWithLabel(ava, 'STARRED').map((m) => m.id)).toEqual([ids[1]]);
    expect(sim.handle.counters.count(ava, 'batch')).toBe(1);
    expect(sim.handle.counters.count(ava, 'messages.get')).toBe(3);
    expect(sim.handle.counters.quotaUnits(ava) - unitsBefore).toBe(5 + 5 + 5 + 5);
  });

  it('refuses a batch of more than 100 calls', async () => {
    const res = await fetch(`${sim.url}/batch/gmail/v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.auth.credentials.access_token ?? ''}`, 'content-type': 'multipart/mixed; boundary=b' },
      body: batchBody('b', Array.from({ length: 101 }, () => 'GET /gmail/v1/users/me/profile')),
    });
    expect(res.status).toBe(400);
    expect(sim.handle.counters.count(ava, 'getProfile')).toBe(0);
  });

  it('pushes the documented Pub/Sub body for changes under watched labels, until stopped', async () => {
    const topic = 'projects/tandem-sim/topics/gmail';
    sim.handle.setPubSubEndpoint(topic, 'https://tandem.example/hooks/gmail');
    const tandem = (await c.gmail.users.labels.create({ userId: 'me', requestBody: { name: 'Tandem' } })).data.id ?? '';
    const watch = await c.gmail.users.watch({ userId: 'me', requestBody: { topicName: topic, labelIds: [tandem], labelFilterBehavior: 'INCLUDE' } });
    expect(Number(watch.data.expiration)).toBeGreaterThan(Date.parse('2026-11-08T00:00:00Z'));
    expect(sim.handle.watches(ava)).toMatchObject([{ kind: 'gmail', topicName: topic, labelIds: [tandem] }]);

    sim.handle.placeMessage(ava, 'INBOX', mime({ subject: 'not watched' }));
    const id = sim.handle.placeMessage(ava, 'Tandem', mime({ subject: 'watched' }));
    await sim.handle.flushNotifications();
    expect(pushed).toHaveLength(1);
    const body = JSON.parse(pushed[0]?.body ?? '') as { message: { data: string; messageId: string; publishTime: string }; subscription: string };
    expect(pushed[0]?.url).toBe('https://tandem.example/hooks/gmail');
    expect(body.subscription).toBe('projects/tandem-sim/subscriptions/tandem-push');
    expect(body.message.publishTime).toBe('2026-11-02T09:00:00.000Z');
    const data = JSON.parse(Buffer.from(body.message.data, 'base64').toString()) as { emailAddress: string; historyId: string };
    expect(data.emailAddress).toBe(ava);
    const profile = await c.gmail.users.getProfile({ userId: 'me' });
    expect(data.historyId).toBe(profile.data.historyId);

    await c.gmail.users.messages.batchModify({ userId: 'me', requestBody: { ids: [id], removeLabelIds: [tandem], addLabelIds: ['STARRED'] } });
    await sim.handle.flushNotifications();
    expect(pushed).toHaveLength(2);

    await c.gmail.users.stop({ userId: 'me' });
    sim.handle.placeMessage(ava, 'Tandem', mime({ subject: 'after stop' }));
    await sim.handle.flushNotifications();
    expect(pushed).toHaveLength(2);
    const bad = await c.gmail.users.watch({ userId: 'me', requestBody: { topicName: 'gmail-topic' } }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400 });
  });
});
