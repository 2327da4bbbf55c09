import type { Event } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import type { SimServer } from '../common/sim-server';
import type { MicrosoftSimHandle } from './handle';
import { startMicrosoftSim } from './index';
import { graphClient, obtainTokens } from './testing';

let sim: SimServer<MicrosoftSimHandle>;
let graph: ReturnType<typeof graphClient>;
const ava = 'ava@contoso.example';
const tandemProp = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name TandemId';

type DeltaPage = { value: (Event & { '@removed'?: { reason: string } })[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

/** Follows nextLinks to the deltaLink; returns every item and the deltaLink. */
async function deltaRound(start: string, pageSize = 2): Promise<{ items: DeltaPage['value']; deltaLink: string; pages: number }> {
  const items: DeltaPage['value'] = [];
  let url = start;
  for (let pages = 1; ; pages++) {
    const page = await json<DeltaPage>(graph(url, { headers: { Prefer: `odata.maxpagesize=${pageSize}` } }));
    items.push(...page.value);
    if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
    url = page['@odata.nextLink'] ?? '';
  }
}

beforeAll(async () => {
  sim = await startMicrosoftSim({ clock: new FakeClock('2026-11-02T09:00:00Z'), seed: 5 });
  sim.handle.addMailbox({ address: ava, displayName: 'Ava Stone', type: 'user' });
  graph = graphClient(sim.url, (await obtainTokens(sim.url, { login: ava })).accessToken);
});
afterAll(() => sim.close());

describe('events', () => {
  it('creates, reads, updates and deletes with If-Match; a stale etag is 412', async () => {
    const created = await graph('/me/events', {
      method: 'POST',
      json: {
        subject: 'Site visit',
        start: { dateTime: '2026-11-03T09:00:00', timeZone: 'Pacific Standard Time' },
        end: { dateTime: '2026-11-03T10:00:00', timeZone: 'Pacific Standard Time' },
        sensitivity: 'private',
        singleValueExtendedProperties: [{ id: tandemProp, value: 'appt-1' }],
      },
    });
    expect(created.status).toBe(201);
    const ev = await json<Event & { '@odata.etag': string }>(created);
    expect(ev.start).toEqual({ dateTime: '2026-11-03T17:00:00.0000000', timeZone: 'UTC' });
    expect(ev.originalStartTimeZone).toBe('Pacific Standard Time');
    expect(ev.sensitivity).toBe('private');

    const local = await json<Event>(graph(`/me/events/${ev.id}`, { headers: { Prefer: 'outlook.timezone="Pacific Standard Time"' } }));
    expect(local.start).toEqual({ dateTime: '2026-11-03T09:00:00.0000000', timeZone: 'Pacific Standard Time' });

    const patched = await graph(`/me/events/${ev.id}`, { method: 'PATCH', headers: { 'If-Match': ev['@odata.etag'] }, json: { subject: 'Site visit (moved)' } });
    expect(patched.status).toBe(200);
    const stale = await graph(`/me/events/${ev.id}`, { method: 'PATCH', headers: { 'If-Match': ev['@odata.etag'] }, json: { subject: 'lost update' } });
    expect(stale.status).toBe(412);
    expect((await json<{ error: { code: string } }>(stale)).error.code).toBe('ErrorIrresolvableConflict');
    const staleDelete = await graph(`/me/events/${ev.id}`, { method: 'DELETE', headers: { 'If-Match': ev['@odata.etag'] } });
    expect(staleDelete.status).toBe(412);
    const current = (await json<{ '@odata.etag': string }>(patched))['@odata.etag'];
    expect((await graph(`/me/events/${ev.id}`, { method: 'DELETE', headers: { 'If-Match': current } })).status).toBe(204);
    expect((await graph(`/me/events/${ev.id}`)).status).toBe(404);
  });

  it('finds Tandem events by extended property and expands it only when asked', async () => {
    const ev = await sim.handle.createProviderEvent(ava, {
      subject: 'Tandem made',
      start: { dateTime: '2026-11-04T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-11-04T09:30:00', timeZone: 'UTC' },
      singleValueExtendedProperties: [{ id: tandemProp, value: 'appt-77' }],
    });
    const filter = encodeURIComponent(`singleValueExtendedProperties/any(ep: ep/id eq '${tandemProp}' and ep/value eq 'appt-77')`);
    const expand = encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${tandemProp}')`);
    const found = await json<{ value: (Event & { singleValueExtendedProperties?: unknown[] })[] }>(graph(`/me/events?$filter=${filter}&$expand=${expand}`));
    expect(found.value.map((e) => e.id)).toEqual([ev.id]);
    expect(found.value[0]?.singleValueExtendedProperties).toEqual([{ id: tandemProp, value: 'appt-77' }]);
    const plain = await json<Event & { singleValueExtendedProperties?: unknown }>(graph(`/me/events/${ev.id}`));
    expect(plain.singleValueExtendedProperties).toBeUndefined();
    expect((await graph('/me/events', { method: 'POST', json: { start: { dateTime: '2026-11-04T09:00:00', timeZone: 'Mars/Olympus' }, end: { dateTime: '2026-11-04T10:00:00', timeZone: 'UTC' } } })).status).toBe(400);
  });

  it('expands a weekly series with a moved and a cancelled occurrence in calendarView', async () => {
    const series = await sim.handle.createProviderEvent(ava, {
      subject: 'Standup',
      start: { dateTime: '2026-11-02T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-11-02T09:15:00', timeZone: 'W. Europe Standard Time' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'monday' },
        range: { type: 'numbered', startDate: '2026-11-02', numberOfOccurrences: 6 },
      },
    });
    const window = 'startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z';
    const view = await json<{ value: Event[] }>(graph(`/me/events/${series.id}/instances?${window}&$top=50`));
    expect(view.value).toHaveLength(6);
    expect(view.value.map((e) => e.start?.dateTime?.slice(0, 16))).toEqual([
      '2026-11-02T08:00',
      '2026-11-04T08:00',
      '2026-11-09T08:00',
      '2026-11-11T08:00',
      '2026-11-16T08:00',
      '2026-11-18T08:00',
    ]);
    const [, second, third] = view.value;
    await sim.handle.updateProviderEvent(ava, second?.id ?? '', {
      start: { dateTime: '2026-11-04T11:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-11-04T11:15:00', timeZone: 'W. Europe Standard Time' },
    });
    await sim.handle.deleteProviderEvent(ava, third?.id ?? '');
    const after = await json<{ value: Event[] }>(graph(`/me/calendarView?${window}&$top=50`));
    const standups = after.value.filter((e) => e.subject === 'Standup');
    expect(standups).toHaveLength(5);
    const moved = standups.find((e) => e.type === 'exception');
    expect(moved).toMatchObject({ seriesMasterId: series.id, originalStart: '2026-11-04T08:00:00Z' });
    expect(moved?.start?.dateTime).toBe('2026-11-04T10:00:00.0000000');
    expect(standups.every((e) => e.type !== 'seriesMaster')).toBe(true);
  });

  it('keeps wall-clock time across DST for a daily series ending on a date', async () => {
    const s = await sim.handle.createProviderEvent(ava, {
      subject: 'Daily NY',
      start: { dateTime: '2027-03-12T09:00:00', timeZone: 'America/New_York' },
      end: { dateTime: '2027-03-12T09:30:00', timeZone: 'America/New_York' },
      recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'endDate', startDate: '2027-03-12', endDate: '2027-03-15' } },
    });
    const view = await json<{ value: Event[] }>(graph(`/me/events/${s.id}/instances?startDateTime=2027-03-01T00:00:00Z&endDateTime=2027-04-01T00:00:00Z`));
    expect(view.value.map((e) => e.start?.dateTime?.slice(11, 16))).toEqual(['14:00', '14:00', '13:00', '13:00']);
  });
});

describe('calendarView delta', () => {
  it('pages a full sync, then reports changes and removals, and answers an evicted token with 410', async () => {
    sim.handle.addMailbox({ address: 'dee@contoso.example', type: 'user' });
    graph = graphClient(sim.url, (await obtainTokens(sim.url, { login: 'dee@contoso.example' })).accessToken);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await sim.handle.createProviderEvent('dee@contoso.example', {
        subject: `Meeting ${i}`,
        start: { dateTime: `2026-11-1${i}T10:00:00`, timeZone: 'UTC' },
        end: { dateTime: `2026-11-1${i}T11:00:00`, timeZone: 'UTC' },
      });
      ids.push(e.id ?? '');
    }
    const first = await deltaRound('/me/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z');
    expect(first.pages).toBe(3);
    expect(first.items.map((e) => e.id).sort()).toEqual([...ids].sort());

    const quiet = await deltaRound(first.deltaLink);
    expect(quiet.items).toEqual([]);

    await sim.handle.updateProviderEvent('dee@contoso.example', ids[1] ?? '', { subject: 'Renamed' });
    await sim.handle.deleteProviderEvent('dee@contoso.example', ids[2] ?? '');
    const changes = await deltaRound(quiet.deltaLink);
    expect(changes.items.find((e) => e.id === ids[1])?.subject).toBe('Renamed');
    expect(changes.items.find((e) => e.id === ids[2])?.['@removed']).toEqual({ reason: 'deleted' });

    sim.handle.expireDeltaTokens('dee@contoso.example');
    const gone = await graph(changes.deltaLink);
    expect(gone.status).toBe(410);
    expect((await json<{ error: { code: string } }>(gone)).error.code).toBe('SyncStateNotFound');
  });
});
