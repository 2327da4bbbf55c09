import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimServer } from '../common/sim-server';
import type { GoogleSimHandle } from './index';
import { connect, failure, mime, startWith, type Connected } from './test-kit';

const ava = 'ava@greenleaf.example';
const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('Google simulator faults and bad input', () => {
  let sim: SimServer<GoogleSimHandle>;
  let c: Connected;
  let token: string;

  beforeEach(async () => {
    ({ sim } = await startWith([ava]));
    c = await connect(sim, ava);
    token = c.auth.credentials.access_token ?? '';
  });
  afterEach(() => sim.close());

  const api = (path: string, init: RequestInit = {}) => fetch(`${sim.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

  it('renders throttle as 429 rateLimitExceeded with Retry-After, only for the matching operation and mailbox', async () => {
    sim.handle.faults.add({ kind: 'throttle', match: 'messages.list', mailbox: ava, nth: 1, retryAfterSeconds: 7 });
    const err = await failure(c.gmail.users.messages.list({ userId: 'me' }));
    expect(err).toMatchObject({ status: 429, reason: 'rateLimitExceeded' });
    expect(err.headers?.get('retry-after')).toBe('7');
    await c.gmail.users.messages.list({ userId: 'me' });
    expect(sim.handle.counters.count(ava, 'messages.list')).toBe(2);
  });

  it('renders unavailable as 503 and server_error as 500 backendError, for Calendar too', async () => {
    sim.handle.faults.add({ kind: 'unavailable', match: 'events.list', times: 1 });
    sim.handle.faults.add({ kind: 'server_error', match: 'labels.list', times: 1 });
    expect(await failure(c.calendar.events.list({ calendarId: 'primary' }))).toMatchObject({ status: 503, reason: 'backendError' });
    expect(await failure(c.gmail.users.labels.list({ userId: 'me' }))).toMatchObject({ status: 500, reason: 'backendError' });
    await c.calendar.events.list({ calendarId: 'primary' });
  });

  it('resets the connection, or holds it and then drops it, without answering', async () => {
    sim.handle.faults.add({ kind: 'reset', match: 'getProfile', times: 1 });
    await expect(api('/gmail/v1/users/me/profile')).rejects.toThrow();
    sim.handle.faults.add({ kind: 'timeout', match: 'getProfile', times: 1, holdMs: 20 });
    await expect(api('/gmail/v1/users/me/profile')).rejects.toThrow();
    expect((await api('/gmail/v1/users/me/profile')).status).toBe(200);
  });

  it('drop_after_accept performs the send and then drops the connection: the mail is in Sent', async () => {
    sim.handle.faults.add({ kind: 'drop_after_accept', match: 'messages.send', times: 1 });
    const raw = b64(mime({ from: ava, to: 'x@customer.example', subject: 'ambiguous', messageId: '<amb-1@greenleaf.example>' }));
    await expect(api('/gmail/v1/users/me/messages/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ raw }) })).rejects.toThrow();
    expect(sim.handle.sent(ava).map((m) => m.messageId)).toEqual(['<amb-1@greenleaf.example>']);
  });

  it('answers bad input with Google error bodies, never a crash', async () => {
    const badJson = await api('/gmail/v1/users/me/labels', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { code: 400, errors: [{ reason: 'parseError' }] } });
    const badRaw = await api('/gmail/v1/users/me/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ raw: '%%%' }) });
    expect(badRaw.status).toBe(400);
    expect((await api('/gmail/v1/users/me/history?startHistoryId=abc')).status).toBe(400);
    expect((await api('/gmail/v1/users/me/messages?pageToken=garbage!')).status).toBe(400);
    expect((await api('/calendar/v3/calendars/primary/events?syncToken=%%')).status).toBe(400);
    expect((await api('/gmail/v1/users/someone-else@x.example/profile')).status).toBe(403);
    expect((await api('/gmail/v1/users/me/nothing-here')).status).toBe(404);
    const badEvent = await api('/calendar/v3/calendars/primary/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ summary: 3, start: 'x' }) });
    expect(badEvent.status).toBe(400);
    const rule = { summary: 'r', recurrence: ['RRULE:FREQ=NEVER'], start: { dateTime: '2026-11-03T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-11-03T10:00:00', timeZone: 'UTC' } };
    const badRule = await failure(c.calendar.events.insert({ calendarId: 'primary', requestBody: rule }));
    expect(badRule).toMatchObject({ status: 400 });
    expect((await api('/batch/gmail/v1', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(400);
  });

  it('shows the mailbox in the shared webmail page and moves messages between labels', async () => {
    const id = sim.handle.placeMessage(ava, 'INBOX', mime({ subject: 'Move me' }));
    sim.handle.placeMessage(ava, 'Tandem', mime({ subject: 'Already there' }));
    const page = await fetch(`${sim.url}/webmail/mailbox?m=${encodeURIComponent(ava)}&f=INBOX`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Move me');
    const tandem = sim.handle.webmail.folders(ava).find((f) => f.name === 'Tandem');
    sim.handle.webmail.move(ava, id, tandem?.id ?? '');
    expect(sim.handle.messagesWithLabel(ava, 'INBOX')).toEqual([]);
    expect(sim.handle.messagesWithLabel(ava, 'Tandem').map((m) => m.subject).sort()).toEqual(['Already there', 'Move me']);
  });

  it('seeds a mailbox deterministically from the shared seed', async () => {
    sim.handle.addMailbox({ address: 'ben@greenleaf.example' });
    sim.handle.seed(ava, { messages: 12, events: 6, seed: 7, profile: 'small' });
    sim.handle.seed('ben@greenleaf.example', { messages: 12, events: 6, seed: 7, profile: 'small' });
    const count = (await c.gmail.users.getProfile({ userId: 'me' })).data.messagesTotal;
    expect(count).toBe(12);
    const events = sim.handle.events(ava);
    expect(events.length).toBeGreaterThanOrEqual(6);
    const masters = events.filter((e) => e.recurrence?.length);
    // Each seeded series carries one moved and one cancelled instance.
    for (const m of masters) expect(events.filter((e) => e.recurringEventId === m.id).map((e) => e.status).sort()).toEqual(['cancelled', 'confirmed']);
    expect(sim.handle.webmail.messages(ava, 'INBOX').length + sim.handle.webmail.messages(ava, 'SENT').length).toBe(12);
  });
});
