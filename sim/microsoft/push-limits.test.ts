import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Subscription } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import type { SimServer } from '../common/sim-server';
import type { FaultKind } from '../common/faults';
import type { MicrosoftSimHandle } from './handle';
import { startMicrosoftSim } from './index';
import { graphClient, obtainTokens } from './testing';

let sim: SimServer<MicrosoftSimHandle>;
let graph: ReturnType<typeof graphClient>;
let receiver: Server;
let receiverUrl = '';
const received: { path: string; body: string }[] = [];
const clock = new FakeClock('2026-11-02T09:00:00Z');
const ava = 'ava@contoso.example';

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

const mime = (id: string) => new TextEncoder().encode(`From: a@b.example\r\nTo: ava@contoso.example\r\nSubject: ${id}\r\nMessage-ID: <${id}@b.example>\r\n\r\nbody\r\n`);

beforeAll(async () => {
  // A notification endpoint that echoes validation tokens, except under /refuse.
  receiver = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const token = url.searchParams.get('validationToken');
      if (token !== null && !url.pathname.startsWith('/refuse')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(token);
        return;
      }
      received.push({ path: url.pathname, body });
      res.writeHead(url.pathname.startsWith('/refuse') ? 403 : 202);
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  sim = await startMicrosoftSim({ clock, seed: 9 });
  sim.handle.addMailbox({ address: ava, type: 'user' });
  graph = graphClient(sim.url, (await obtainTokens(sim.url, { login: ava })).accessToken);
});
afterAll(async () => {
  await sim.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

describe('change notifications', () => {
  it('validates, notifies with clientState, renews, sends lifecycle events and stops at expiry', async () => {
    const refused = await graph('/subscriptions', {
      method: 'POST',
      json: { changeType: 'created', notificationUrl: `${receiverUrl}/refuse`, resource: "me/mailFolders('inbox')/messages", expirationDateTime: '2026-11-03T09:00:00Z' },
    });
    expect(refused.status).toBe(400);
    const tooLong = await graph('/subscriptions', {
      method: 'POST',
      json: { changeType: 'created', notificationUrl: `${receiverUrl}/n`, resource: 'me/events', expirationDateTime: '2026-11-10T09:00:00Z' },
    });
    expect(tooLong.status).toBe(400);

    const created = await graph('/subscriptions', {
      method: 'POST',
      json: {
        changeType: 'created,updated,deleted',
        notificationUrl: `${receiverUrl}/n`,
        lifecycleNotificationUrl: `${receiverUrl}/life`,
        resource: "me/mailFolders('inbox')/messages",
        expirationDateTime: '2026-11-04T09:00:00Z',
        clientState: 'secret-123',
      },
    });
    expect(created.status).toBe(201);
    const sub = await json<Subscription>(created);
    await sim.handle.placeMessage(ava, 'Inbox', mime('n1'));
    await sim.handle.placeMessage(ava, 'Archive', mime('elsewhere'));
    await sim.handle.flushNotifications();
    const notes = received.filter((r) => r.path === '/n').map((r) => JSON.parse(r.body) as { value: { clientState: string; changeType: string; subscriptionId: string }[] });
    expect(notes).toHaveLength(1);
    expect(notes[0]?.value[0]).toMatchObject({ clientState: 'secret-123', changeType: 'created', subscriptionId: sub.id });

    const renewed = await json<Subscription>(graph(`/subscriptions/${sub.id}`, { method: 'PATCH', json: { expirationDateTime: '2026-11-06T09:00:00Z' } }));
    expect(renewed.expirationDateTime).toBe('2026-11-06T09:00:00.000Z');

    sim.handle.subscriptionLifecycle(sub.id ?? '', 'missed');
    await sim.handle.flushNotifications();
    expect(received.filter((r) => r.path === '/life').map((r) => (JSON.parse(r.body) as { value: { lifecycleEvent: string }[] }).value[0]?.lifecycleEvent)).toEqual(['missed']);

    clock.advance(5 * 86_400_000);
    await sim.handle.placeMessage(ava, 'Inbox', mime('late'));
    await sim.handle.flushNotifications();
    expect(received.filter((r) => r.path === '/n')).toHaveLength(1);
    // The access token aged out with the clock too: sign in again.
    graph = graphClient(sim.url, (await obtainTokens(sim.url, { login: ava })).accessToken);
    expect((await graph(`/subscriptions/${sub.id}`)).status).toBe(404);
  });
});

describe('throttling', () => {
  it('lets 4 requests run at once per mailbox and answers the 5th with 429 MailboxConcurrency', async () => {
    const gate = sim.handle.holdRequests();
    const first = Array.from({ length: 4 }, () => graph('/me'));
    await gate.whenHeld(4);
    const fifth = await graph('/me');
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get('retry-after')).toBe('1');
    const body = await json<{ error: { code: string; message: string } }>(fifth);
    expect(body.error.code).toBe('ApplicationThrottled');
    expect(body.error.message).toMatch(/MailboxConcurrency/);
    gate.release();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('allows 10,000 requests per 10 minutes per mailbox on the injected clock', async () => {
    sim.handle.addMailbox({ address: 'busy@contoso.example', type: 'user' });
    const busy = graphClient(sim.url, (await obtainTokens(sim.url, { login: 'busy@contoso.example' })).accessToken);
    clock.advance(11 * 60_000);
    graph = graphClient(sim.url, (await obtainTokens(sim.url, { login: ava })).accessToken);
    // Batch items count one by one against the mailbox, so 500 batches of 20 make 10,000 requests.
    let ok = 0;
    const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' }));
    for (let round = 0; round < 500; round++) {
      const res = await json<{ responses: { status: number }[] }>(busy('/$batch', { method: 'POST', json: { requests } }));
      ok += res.responses.filter((r) => r.status === 200).length;
    }
    expect(ok).toBe(10_000);
    const over = await busy('/me');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(10 * 60_000);
    expect((await busy('/me')).status).toBe(200);
    graph = graphClient(sim.url, (await obtainTokens(sim.url, { login: ava })).accessToken);
  });
});

describe('faults', () => {
  const kinds: [FaultKind, number | 'network'][] = [
    ['throttle', 429],
    ['unavailable', 503],
    ['server_error', 500],
    ['reset', 'network'],
    ['timeout', 'network'],
  ];
  it.each(kinds)('%s is rendered on the wire', async (kind, expected) => {
    const id = sim.handle.faults.add({ kind, match: 'mailFolders.list', nth: 1, holdMs: 20 });
    const outcome = await graph('/me/mailFolders').then(
      (r) => r.status,
      () => 'network' as const,
    );
    sim.handle.faults.remove(id);
    expect(outcome).toBe(expected);
    expect((await graph('/me/mailFolders')).status).toBe(200);
  });

  it('drop_after_accept carries out the move and then drops the connection', async () => {
    const id = await sim.handle.placeMessage(ava, 'Inbox', mime('dropped'));
    sim.handle.faults.add({ kind: 'drop_after_accept', match: 'move', times: 1 });
    const outcome = await graph(`/me/messages/${id}/move`, { method: 'POST', json: { destinationId: 'archive' } }).then(
      (r) => r.status,
      () => 'network',
    );
    expect(outcome).toBe('network');
    expect(sim.handle.listFolderMessages(ava, 'Archive').map((m) => m.id)).toContain(id);
  });

  it('throttles a batch item inside the batch with its own Retry-After', async () => {
    sim.handle.faults.add({ kind: 'throttle', match: 'batch.item me', nth: 2, retryAfterSeconds: 7 });
    const res = await json<{ responses: { id: string; status: number; headers: Record<string, string> }[] }>(
      graph('/$batch', { method: 'POST', json: { requests: ['a', 'b', 'c'].map((id) => ({ id, method: 'GET', url: '/me' })) } }),
    );
    const throttled = res.responses.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]?.headers['Retry-After']).toBe('7');
  });
});
