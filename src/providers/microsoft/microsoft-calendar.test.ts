import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointment } from '../contract/contract-fixtures';
import type { CalendarAbility, CalendarChanges, CalendarWindow, FetchLike, PushAbility } from '../provider';
import { parseGraphNotification, validationResponse, type GraphNotification } from './graph-notifications';
import { connect, failure, providerFor, startMicrosoftTestEnv, testMailbox, type MicrosoftTestEnv } from './microsoft-test-harness';

const window: CalendarWindow = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };
const clientState = 'secret-client-state';
const received: GraphNotification[] = [];

/** The webhook under test, reached by the simulator through its notification fetch. */
const webhook: FetchLike = async (input, init) => {
  const url = new URL(String(input));
  const validation = validationResponse(url.searchParams);
  if (validation) return new Response(validation.body, { status: validation.status, headers: { 'content-type': validation.contentType } });
  received.push(...parseGraphNotification(JSON.parse(String(init?.body)) as unknown, clientState).notifications);
  return new Response(null, { status: 202 });
};

let env: MicrosoftTestEnv;
let calendar: CalendarAbility;
let push: PushAbility;

beforeAll(async () => {
  env = await startMicrosoftTestEnv({ notificationFetch: webhook });
  const provider = providerFor(env, await connect(env), testMailbox, { calendar: { pageSize: 2 } });
  if (!provider.calendar || !provider.push) throw new Error('abilities missing');
  calendar = provider.calendar;
  push = provider.push;
});
afterAll(() => env.close());


async function drain(cursor: string | null): Promise<CalendarChanges & { pages: number }> {
  let page = await calendar.fetchChanges(cursor, window);
  const all = { ...page, upserts: [...page.upserts], deletions: [...page.deletions], pages: 1 };
  while (page.more) {
    page = await calendar.fetchChanges(page.nextCursor, window);
    all.upserts.push(...page.upserts);
    all.deletions.push(...page.deletions);
    all.pages++;
    all.nextCursor = page.nextCursor;
  }
  return all;
}

describe('calendar', () => {
  it('maps a series with a moved and a cancelled occurrence, reading the master once across pages', async () => {
    const master = await env.sim.handle.createProviderEvent(testMailbox, {
      subject: 'Weekly review',
      start: { dateTime: '2026-11-05T09:00:00', timeZone: 'America/Chicago' },
      end: { dateTime: '2026-11-05T09:30:00', timeZone: 'America/Chicago' },
      sensitivity: 'private',
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['thursday'] }, range: { type: 'endDate', startDate: '2026-11-05', endDate: '2026-11-26' } },
    });
    const id = master.id ?? '';
    await env.sim.handle.updateProviderEvent(testMailbox, `${id.replace(/=+$/, '')}_OC_20261112T150000Z=`, {
      start: { dateTime: '2026-11-12T13:00:00', timeZone: 'America/Chicago' },
      end: { dateTime: '2026-11-12T13:30:00', timeZone: 'America/Chicago' },
    });
    await env.sim.handle.deleteProviderEvent(testMailbox, `${id.replace(/=+$/, '')}_OC_20261119T150000Z=`);
    env.sim.handle.counters.reset();

    const all = await drain(null);
    expect(all.pages).toBeGreaterThan(1);
    expect(env.sim.handle.counters.count(testMailbox, 'events.get')).toBe(1);
    expect(env.sim.handle.counters.count(testMailbox, 'events.instances')).toBe(1);
    const m = all.upserts.find((e) => e.providerId === id);
    expect(m).toMatchObject({ kind: 'seriesMaster', sensitivity: 'private', start: { local: '2026-11-05T09:00:00', timeZone: 'America/Chicago' } });
    expect(m?.recurrence).toEqual({ rrule: 'FREQ=WEEKLY;BYDAY=TH;WKST=SU;UNTIL=20261127T055959Z', exdates: ['2026-11-19T15:00:00.000Z'] });
    const instances = all.upserts.filter((e) => e.seriesMasterId === id).sort((a, b) => (a.originalStart ?? '').localeCompare(b.originalStart ?? ''));
    expect(instances.map((e) => [e.kind, e.originalStart, e.start.local])).toEqual([
      ['occurrence', '2026-11-05T15:00:00.000Z', '2026-11-05T09:00:00'],
      ['exception', '2026-11-12T15:00:00.000Z', '2026-11-12T13:00:00'],
      ['occurrence', '2026-11-26T15:00:00.000Z', '2026-11-26T09:00:00'],
    ]);
  });

  it('creates idempotently, finds by tandemId, refuses a stale etag and deletes what is gone', async () => {
    const first = await calendar.createEvent(appointment('tid-7'));
    const retried = await calendar.createEvent(appointment('tid-7'));
    expect(retried.providerId).toBe(first.providerId);
    expect(first).toMatchObject({ tandemId: 'tid-7', start: { local: '2026-11-10T09:00:00', timeZone: 'Europe/Berlin' } });
    expect((await calendar.findByTandemId?.('tid-7', window))?.providerId).toBe(first.providerId);
    expect(await calendar.findByTandemId?.('tid-unknown', window)).toBeNull();

    const updated = await calendar.updateEvent(first.providerId, first.etag, appointment('tid-7', { subject: 'Moved' }));
    const stale = await failure(calendar.updateEvent(first.providerId, first.etag, appointment('tid-7', { subject: 'Stale' })));
    expect([stale.kind, stale.status]).toEqual(['conflict', 412]);
    await calendar.deleteEvent(updated.providerId, updated.etag);
    await expect(calendar.deleteEvent(updated.providerId)).resolves.toBeUndefined();
  });

  it('an evicted delta token is cursor_expired (410)', async () => {
    const { nextCursor } = await drain(null);
    env.sim.handle.expireDeltaTokens(testMailbox);
    const e = await failure(calendar.fetchChanges(nextCursor, window));
    expect([e.kind, e.status]).toEqual(['cursor_expired', 410]);
  });

  it('refuses a cursor that points at another host', async () => {
    const e = await failure(calendar.fetchChanges('https://evil.example/v1.0/me/calendarView/delta?$deltatoken=x', window));
    expect(e.code).toBe('foreign_link');
  });
});

describe('push', () => {
  it('subscribes to the capture folder and the calendar, receives validated notifications, renews and stops', async () => {
    const provider = providerFor(env, await connect(env));
    const folders = await provider.mail?.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
    const capture = await push.subscribe('capture', { url: 'https://tandem.example/hooks/graph', clientState }, folders);
    const events = await push.subscribe('calendar', { url: 'https://tandem.example/hooks/graph', clientState });
    expect(capture.expiresAt).toBe('2026-11-09T08:55:00.000Z');

    const messageId = await env.sim.handle.placeMessage(testMailbox, 'Tandem', new TextEncoder().encode('Subject: hi\r\n\r\nbody\r\n'));
    await env.sim.handle.placeMessage(testMailbox, 'Inbox', new TextEncoder().encode('Subject: elsewhere\r\n\r\nbody\r\n'));
    await env.sim.handle.flushNotifications();
    expect(received.filter((n) => n.subscriptionId === capture.id)).toEqual([expect.objectContaining({ changeType: 'created', resourceId: messageId })]);

    env.sim.handle.subscriptionLifecycle(events.id, 'missed');
    await env.sim.handle.flushNotifications();
    expect(received.some((n) => n.subscriptionId === events.id && n.lifecycleEvent === 'missed')).toBe(true);

    // A day later (with a fresh access token) the subscription is pushed out by a day.
    env.clock.advance(86_400_000);
    const later = providerFor(env, await connect(env)).push;
    if (!later) throw new Error('no push');
    const renewed = await later.renew(capture);
    expect(renewed.expiresAt).toBe('2026-11-10T08:55:00.000Z');
    await later.unsubscribe(renewed);
    await later.unsubscribe(renewed);
    await later.unsubscribe(events);
    expect(env.sim.handle.subscriptions(testMailbox)).toEqual([]);
    const gone = await failure(later.renew(renewed));
    expect(gone.kind).toBe('not_found');
  });
});
