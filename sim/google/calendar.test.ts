import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { calendar_v3 } from '@googleapis/calendar';
import type { FakeClock } from '../../src/domain/clock';
import type { SimServer } from '../common/sim-server';
import type { GoogleSimHandle } from './index';
import { connect, failure, startWith, type Connected } from './test-kit';

const ava = 'ava@greenleaf.example';

function timed(summary: string, start: string, end: string, extra: calendar_v3.Schema$Event = {}): calendar_v3.Schema$Event {
  return { summary, start: { dateTime: start, timeZone: 'Europe/Berlin' }, end: { dateTime: end, timeZone: 'Europe/Berlin' }, ...extra };
}

describe('Calendar simulator', () => {
  let sim: SimServer<GoogleSimHandle>;
  let clock: FakeClock;
  let c: Connected;

  beforeEach(async () => {
    ({ sim, clock } = await startWith([ava]));
    c = await connect(sim, ava);
  });
  afterEach(() => sim.close());

  async function listAll(params: calendar_v3.Params$Resource$Events$List): Promise<{ items: calendar_v3.Schema$Event[]; pages: number; syncToken: string }> {
    const items: calendar_v3.Schema$Event[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await c.calendar.events.list({ calendarId: 'primary', ...params, pageToken });
      pages++;
      items.push(...(res.data.items ?? []));
      if (res.data.nextPageToken) {
        expect(res.data.nextSyncToken).toBeUndefined();
        pageToken = res.data.nextPageToken;
        continue;
      }
      return { items, pages, syncToken: res.data.nextSyncToken ?? '' };
    }
  }

  it('inserts, patches and deletes with ETag preconditions (412 conditionNotMet on a stale etag)', async () => {
    const created = await c.calendar.events.insert({
      calendarId: 'primary',
      requestBody: timed('Site visit', '2026-11-05T10:00:00', '2026-11-05T11:00:00', { visibility: 'private', extendedProperties: { private: { tandemId: 'appt-1' } } }),
    });
    expect(created.data).toMatchObject({ status: 'confirmed', visibility: 'private', extendedProperties: { private: { tandemId: 'appt-1' } } });
    expect(created.data.start).toEqual({ dateTime: '2026-11-05T10:00:00+01:00', timeZone: 'Europe/Berlin' });
    const id = created.data.id ?? '';
    const etag = created.data.etag ?? '';
    const patched = await c.calendar.events.patch({ calendarId: 'primary', eventId: id, requestBody: { summary: 'Site visit (moved)' } }, { headers: { 'If-Match': etag } });
    expect(patched.data.etag).not.toBe(etag);
    expect(patched.data.extendedProperties?.private?.tandemId).toBe('appt-1');
    const stale = await failure(c.calendar.events.patch({ calendarId: 'primary', eventId: id, requestBody: { summary: 'x' } }, { headers: { 'If-Match': etag } }));
    expect(stale).toMatchObject({ status: 412, reason: 'conditionNotMet' });
    const staleDelete = await failure(c.calendar.events.delete({ calendarId: 'primary', eventId: id }, { headers: { 'If-Match': etag } }));
    expect(staleDelete).toMatchObject({ status: 412 });
    await c.calendar.events.delete({ calendarId: 'primary', eventId: id }, { headers: { 'If-Match': patched.data.etag ?? '' } });
    expect((await c.calendar.events.get({ calendarId: 'primary', eventId: id })).data.status).toBe('cancelled');
    expect(await failure(c.calendar.events.delete({ calendarId: 'primary', eventId: id }))).toMatchObject({ status: 410, reason: 'deleted' });

    const bad = await failure(c.calendar.events.insert({ calendarId: 'primary', requestBody: timed('x', '2026-11-05T10:00:00', '2026-11-05T09:00:00') }));
    expect(bad).toMatchObject({ status: 400, reason: 'timeRangeEmpty' });
    const noZone = await failure(c.calendar.events.insert({ calendarId: 'primary', requestBody: { summary: 'x', start: { dateTime: '2026-11-05T10:00:00' }, end: { dateTime: '2026-11-05T11:00:00' } } }));
    expect(noZone).toMatchObject({ status: 400 });
  });

  it('update (PUT) replaces the event; a PUT without required times is refused', async () => {
    const ev = sim.handle.createProviderEvent(ava, timed('Old', '2026-11-06T09:00:00', '2026-11-06T10:00:00', { location: 'Yard', extendedProperties: { private: { tandemId: 'x1' } } }));
    const put = await c.calendar.events.update({ calendarId: 'primary', eventId: ev.id ?? '', requestBody: timed('New', '2026-11-06T11:00:00', '2026-11-06T12:00:00') }, { headers: { 'If-Match': ev.etag ?? '' } });
    expect(put.data).toMatchObject({ id: ev.id, summary: 'New', sequence: 1, iCalUID: ev.iCalUID });
    expect(put.data.location).toBeUndefined();
    expect(put.data.extendedProperties).toBeUndefined();
    expect(await failure(c.calendar.events.update({ calendarId: 'primary', eventId: ev.id ?? '', requestBody: { summary: 'no times' } }))).toMatchObject({ status: 400 });
  });

  it('pages a full listing, then syncs incrementally (cancelled included); expired sync tokens answer 410', async () => {
    for (let i = 0; i < 5; i++) sim.handle.createProviderEvent(ava, timed(`E${i}`, `2026-11-0${i + 3}T09:00:00`, `2026-11-0${i + 3}T10:00:00`));
    const full = await listAll({ maxResults: 2 });
    expect(full.pages).toBe(3);
    expect(full.items.map((e) => e.summary)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);

    const [first, second] = sim.handle.events(ava);
    sim.handle.updateProviderEvent(ava, first?.id ?? '', { summary: 'E0 renamed' });
    sim.handle.deleteProviderEvent(ava, second?.id ?? '');
    const added = sim.handle.createProviderEvent(ava, timed('E5', '2026-11-09T09:00:00', '2026-11-09T10:00:00'));
    const delta = await listAll({ syncToken: full.syncToken, maxResults: 2 });
    expect(delta.items.map((e) => [e.id, e.status])).toEqual(
      expect.arrayContaining([
        [first?.id, 'confirmed'],
        [second?.id, 'cancelled'],
        [added.id, 'confirmed'],
      ]),
    );
    expect(delta.items).toHaveLength(3);
    expect((await listAll({ syncToken: delta.syncToken })).items).toEqual([]);

    const clash = await failure(c.calendar.events.list({ calendarId: 'primary', syncToken: delta.syncToken, timeMin: '2026-11-01T00:00:00Z' }));
    expect(clash).toMatchObject({ status: 400 });
    sim.handle.expireSyncTokens(ava);
    const expired = await failure(c.calendar.events.list({ calendarId: 'primary', syncToken: delta.syncToken }));
    expect(expired).toMatchObject({ status: 410, reason: 'fullSyncRequired' });
  });

  it('expands a recurring series with a moved and a cancelled instance as single events, DST-correct', async () => {
    const master = await c.calendar.events.insert({
      calendarId: 'primary',
      requestBody: timed('Weekly crew meeting', '2026-10-20T09:00:00', '2026-10-20T09:30:00', { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5', 'EXDATE;TZID=Europe/Berlin:20261110T090000'] }),
    });
    const id = master.data.id ?? '';
    // 2026-10-27 is after the end of summer time: 09:00 Berlin is 08:00Z (the first one was 07:00Z).
    const moved = await c.calendar.events.patch({
      calendarId: 'primary',
      eventId: `${id}_20261027T080000Z`,
      requestBody: { start: { dateTime: '2026-10-28T14:00:00', timeZone: 'Europe/Berlin' }, end: { dateTime: '2026-10-28T14:30:00', timeZone: 'Europe/Berlin' } },
    });
    expect(moved.data).toMatchObject({ recurringEventId: id, originalStartTime: { dateTime: '2026-10-27T09:00:00+01:00' } });
    await c.calendar.events.delete({ calendarId: 'primary', eventId: `${id}_20261103T080000Z` });

    const res = await c.calendar.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime', timeMin: '2026-10-01T00:00:00Z', timeMax: '2026-12-01T00:00:00Z' });
    expect(res.data.items?.map((e) => [e.start?.dateTime, e.recurringEventId === id])).toEqual([
      ['2026-10-20T09:00:00+02:00', true],
      ['2026-10-28T14:00:00+01:00', true],
      ['2026-11-17T09:00:00+01:00', true],
    ]);
    const withDeleted = await c.calendar.events.instances({ calendarId: 'primary', eventId: id, showDeleted: true });
    expect(withDeleted.data.items?.filter((e) => e.status === 'cancelled').map((e) => e.originalStartTime?.dateTime)).toEqual(['2026-11-03T09:00:00+01:00']);
    const orderNeedsSingle = await failure(c.calendar.events.list({ calendarId: 'primary', orderBy: 'startTime' }));
    expect(orderNeedsSingle).toMatchObject({ status: 400 });
    // Unexpanded: the master plus its exceptions (the cancelled one too).
    const raw = await c.calendar.events.list({ calendarId: 'primary' });
    expect(raw.data.items?.map((e) => e.status)).toEqual(expect.arrayContaining(['confirmed', 'confirmed', 'cancelled']));
    expect(raw.data.items?.find((e) => e.id === id)?.recurrence).toHaveLength(2);
  });

  it('syncs expanded series incrementally: a changed instance alone, a deleted series as cancelled', async () => {
    const master = sim.handle.createProviderEvent(ava, timed('Daily standup', '2026-11-02T08:00:00', '2026-11-02T08:15:00', { recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] }));
    const full = await listAll({ singleEvents: true });
    expect(full.items.map((e) => e.id)).toEqual([`${master.id}_20261102T070000Z`, `${master.id}_20261103T070000Z`, `${master.id}_20261104T070000Z`]);
    sim.handle.updateProviderEvent(ava, `${master.id}_20261103T070000Z`, { summary: 'Standup (short)' });
    const delta = await listAll({ singleEvents: true, syncToken: full.syncToken });
    expect(delta.items.map((e) => [e.id, e.summary])).toEqual([[`${master.id}_20261103T070000Z`, 'Standup (short)']]);
    sim.handle.deleteProviderEvent(ava, master.id ?? '');
    const gone = await listAll({ singleEvents: true, syncToken: delta.syncToken });
    expect(gone.items.map((e) => [e.id, e.status]).sort()).toEqual([
      [master.id, 'cancelled'],
      [`${master.id}_20261103T070000Z`, 'cancelled'],
    ]);
    expect((await listAll({ singleEvents: true })).items).toEqual([]);
  });

  it('filters on private extended properties and the time window', async () => {
    sim.handle.createProviderEvent(ava, timed('Made in Google', '2026-11-04T09:00:00', '2026-11-04T10:00:00'));
    await c.calendar.events.insert({ calendarId: 'primary', requestBody: timed('From Tandem', '2026-11-04T11:00:00', '2026-11-04T12:00:00', { extendedProperties: { private: { tandemId: 'a-7' } } }) });
    sim.handle.createProviderEvent(ava, { summary: 'All day', start: { date: '2026-12-24' }, end: { date: '2026-12-25' } });
    const tagged = await c.calendar.events.list({ calendarId: 'primary', privateExtendedProperty: ['tandemId=a-7'] });
    expect(tagged.data.items?.map((e) => e.summary)).toEqual(['From Tandem']);
    const windowed = await c.calendar.events.list({ calendarId: 'primary', timeMin: '2026-11-04T09:30:00Z', timeMax: '2026-12-01T00:00:00Z' });
    expect(windowed.data.items?.map((e) => e.summary)).toEqual(['From Tandem']);
    expect(sim.handle.webmail.events(ava).filter((e) => e.fromTandem).map((e) => e.subject)).toEqual(['From Tandem']);
  });

  it('notifies watch channels (sync, then exists per change) until channels.stop', async () => {
    const calls: Array<Record<string, string>> = [];
    await sim.close();
    ({ sim, clock } = await startWith([ava], {
      notificationFetch: async (_url, init) => {
        calls.push(Object.fromEntries(new Headers(init?.headers).entries()));
        return new Response(null, { status: 200 });
      },
    }));
    c = await connect(sim, ava);
    const ch = await c.calendar.events.watch({ calendarId: 'primary', requestBody: { id: 'chan-1', type: 'web_hook', address: 'https://tandem.example/hooks/gcal', token: 'acct=7' } });
    expect(ch.data).toMatchObject({ kind: 'api#channel', id: 'chan-1', token: 'acct=7' });
    sim.handle.createProviderEvent(ava, timed('New', '2026-11-04T09:00:00', '2026-11-04T10:00:00'));
    await sim.handle.flushNotifications();
    expect(calls.map((h) => [h['x-goog-resource-state'], h['x-goog-message-number'], h['x-goog-channel-token']])).toEqual([
      ['sync', '1', 'acct=7'],
      ['exists', '2', 'acct=7'],
    ]);
    expect(calls[0]?.['x-goog-resource-id']).toBe(ch.data.resourceId);
    await c.calendar.channels.stop({ requestBody: { id: 'chan-1', resourceId: ch.data.resourceId ?? '' } });
    sim.handle.createProviderEvent(ava, timed('Later', '2026-11-05T09:00:00', '2026-11-05T10:00:00'));
    await sim.handle.flushNotifications();
    expect(calls).toHaveLength(2);
    expect(sim.handle.watches(ava)).toEqual([]);
    void clock;
  });
});
