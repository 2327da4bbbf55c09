import { describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../../providers/provider';
import { mergePages, planPage, planSweep, planUnconfirmed, type CalendarOp, type PageState, type StoredRow } from './reconcile';

const ACCOUNT = 'acc-1';
const window = { start: new Date('2026-10-23T00:00:00Z'), end: new Date('2027-01-02T00:00:00Z') };
const T1 = '11111111-1111-4111-8111-111111111111';

function ev(providerId: string, over: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    providerId,
    etag: 'e1',
    kind: 'single',
    subject: providerId,
    start: { local: '2026-11-03T09:00:00', timeZone: 'Europe/Berlin' },
    end: { local: '2026-11-03T10:00:00', timeZone: 'Europe/Berlin' },
    allDay: false,
    sensitivity: 'normal',
    attendees: [],
    ...over,
  };
}

function row(id: string, over: Partial<StoredRow> = {}): StoredRow {
  return {
    id,
    accountId: ACCOUNT,
    providerId: null,
    etag: null,
    origin: 'provider',
    kind: 'single',
    seriesId: null,
    version: 1,
    cancelled: false,
    originalStart: null,
    startAt: new Date('2026-11-03T08:00:00Z'),
    endAt: new Date('2026-11-03T09:00:00Z'),
    ...over,
  };
}

function state(rows: StoredRow[], over: Partial<PageState> = {}): PageState {
  const byProviderId = new Map(rows.flatMap((r) => (r.providerId ? [[r.providerId, r] as const] : [])));
  const instancesOf = new Map<string, StoredRow[]>();
  for (const r of rows) if (r.seriesId) instancesOf.set(r.seriesId, [...(instancesOf.get(r.seriesId) ?? []), r]);
  return { accountId: ACCOUNT, byProviderId, tandem: new Map(rows.filter((r) => r.origin === 'crm').map((r) => [r.id, r])), instancesOf, pending: new Set(), ...over };
}

const plan = (upserts: ProviderEvent[], deletions: string[], s: PageState, completeSeries = false) => planPage({ upserts, deletions }, s, { window, completeSeries });
const summary = (ops: CalendarOp[]) =>
  ops.map((o) => {
    if (o.op === 'upsert') return `upsert ${o.event.providerId}`;
    if (o.op === 'link') return `link ${o.appointmentId} ${o.content ? 'content' : 'ref'}`;
    if (o.op === 'cancel') return `cancel ${o.appointmentId}`;
    return `delete(${o.why}) ${o.providerIds.join(',')}`;
  });

// A weekly series on Tuesdays 09:00 Berlin, crossing the end of DST (2026-10-25).
const rrule = 'FREQ=WEEKLY;COUNT=6';
const master = ev('S', {
  kind: 'seriesMaster',
  etag: 's2',
  start: { local: '2026-10-20T09:00:00', timeZone: 'Europe/Berlin' },
  end: { local: '2026-10-20T10:00:00', timeZone: 'Europe/Berlin' },
  recurrence: { rrule, exdates: [] },
});
const occ = (originalStart: string, over: Partial<ProviderEvent> = {}) =>
  ev(`S#${originalStart}`, { kind: 'occurrence', seriesMasterId: 'S', originalStart, etag: 's2', ...over });
const storedOcc = (originalStart: string, over: Partial<StoredRow> = {}) =>
  row(`r-${originalStart}`, { providerId: `S#${originalStart}`, kind: 'occurrence', seriesId: 'm', etag: 's1', originalStart: new Date(originalStart), ...over });
const storedMaster = row('m', { providerId: 'S', kind: 'series_master', etag: 's1' });

describe('planPage', () => {
  const cases: { name: string; upserts: ProviderEvent[]; deletions?: string[]; rows: StoredRow[]; pending?: string[]; completeSeries?: boolean; want: string[] }[] = [
    { name: 'new provider event → upsert', upserts: [ev('A')], rows: [], want: ['upsert A'] },
    { name: 'unchanged etag → nothing', upserts: [ev('A')], rows: [row('a', { providerId: 'A', etag: 'e1' })], want: [] },
    { name: 'changed etag → upsert', upserts: [ev('A', { etag: 'e2' })], rows: [row('a', { providerId: 'A', etag: 'e1' })], want: ['upsert A'] },
    { name: 'provider deletion → delete', upserts: [], deletions: ['A', 'unknown'], rows: [row('a', { providerId: 'A' })], want: ['delete(deleted) A'] },
    { name: 'deleted and re-added in one page → the upsert wins', upserts: [ev('A', { etag: 'e2' })], deletions: ['A'], rows: [row('a', { providerId: 'A' })], want: ['upsert A'] },
    { name: 'a Tandem appointment comes back → link, never a second row', upserts: [ev('A', { tandemId: T1 })], rows: [row(T1, { origin: 'crm' })], want: [`link ${T1} content`] },
    {
      name: 'a Tandem appointment seen again unchanged → nothing',
      upserts: [ev('A', { tandemId: T1, etag: 'e1' })],
      rows: [row(T1, { origin: 'crm', providerId: 'A', etag: 'e1' })],
      want: [],
    },
    {
      name: 'a Tandem appointment whose tandemId the provider dropped is still recognised by provider id',
      upserts: [ev('A', { etag: 'e9' })],
      rows: [row(T1, { origin: 'crm', providerId: 'A', etag: 'e1' })],
      want: [`link ${T1} content`],
    },
    {
      name: 'pending create seen at the provider → learn the ref only',
      upserts: [ev('A', { tandemId: T1 })],
      rows: [row(T1, { origin: 'crm' })],
      pending: [T1],
      want: [`link ${T1} ref`],
    },
    {
      name: 'pending update → the outbox settles it',
      upserts: [ev('A', { tandemId: T1, etag: 'e2' })],
      rows: [row(T1, { origin: 'crm', providerId: 'A', etag: 'e1' })],
      pending: [T1],
      want: [],
    },
    {
      name: 'a duplicate carrying our id is ignored',
      upserts: [ev('B', { tandemId: T1 })],
      rows: [row(T1, { origin: 'crm', providerId: 'A', etag: 'e1' })],
      want: [],
    },
    {
      name: 'a tandemId of another account is mirrored as a provider event',
      upserts: [ev('A', { tandemId: T1 })],
      rows: [row(T1, { origin: 'crm', accountId: 'other' })],
      want: ['upsert A'],
    },
    { name: 'Tandem appointment deleted at the provider → cancel', deletions: ['A'], upserts: [], rows: [row(T1, { origin: 'crm', providerId: 'A' })], want: [`cancel ${T1}`] },
    {
      name: 'our own pending delete coming back → nothing',
      deletions: ['A'],
      upserts: [],
      rows: [row(T1, { origin: 'crm', providerId: 'A', cancelled: true })],
      pending: [T1],
      want: [],
    },
    {
      name: 'series: master before its instances; instances repeating the tandemId are not the appointment',
      upserts: [occ('2026-11-03T08:00:00.000Z', { tandemId: T1 }), master],
      rows: [],
      want: ['upsert S', 'upsert S#2026-11-03T08:00:00.000Z'],
    },
    {
      name: 'series: an EXDATE removes the stored occurrence',
      upserts: [{ ...master, recurrence: { rrule, exdates: ['2026-11-10T08:00:00.000Z'] } }],
      rows: [storedMaster, storedOcc('2026-11-03T08:00:00.000Z', { etag: 's2' }), storedOcc('2026-11-10T08:00:00.000Z')],
      want: ['upsert S', 'delete(not_in_series) S#2026-11-10T08:00:00.000Z'],
    },
    {
      name: 'series: a slot the rule no longer yields goes (the pattern is read in Berlin time across DST)',
      upserts: [{ ...master, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3', exdates: [] } }],
      rows: [storedMaster, storedOcc('2026-10-27T08:00:00.000Z'), storedOcc('2026-11-03T08:00:00.000Z'), storedOcc('2026-11-10T08:00:00.000Z')],
      want: ['upsert S', 'delete(not_in_series) S#2026-11-10T08:00:00.000Z'],
    },
    {
      name: 'series without completeSeries: instances not repeated but still in the pattern stay (Graph lists removals itself)',
      upserts: [master, occ('2026-11-03T08:00:00.000Z')],
      rows: [storedMaster, storedOcc('2026-11-03T08:00:00.000Z'), storedOcc('2026-11-10T08:00:00.000Z')],
      want: ['upsert S', 'upsert S#2026-11-03T08:00:00.000Z'],
    },
    {
      name: 'series with completeSeries (CalDAV): instances the page did not repeat are gone',
      upserts: [master, occ('2026-11-03T08:00:00.000Z')],
      rows: [storedMaster, storedOcc('2026-11-03T08:00:00.000Z'), storedOcc('2026-11-10T08:00:00.000Z')],
      completeSeries: true,
      want: ['upsert S', 'upsert S#2026-11-03T08:00:00.000Z', 'delete(not_in_series) S#2026-11-10T08:00:00.000Z'],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const s = state(c.rows, { pending: new Set(c.pending ?? []) });
      expect(summary(plan(c.upserts, c.deletions ?? [], s, c.completeSeries))).toEqual(c.want);
    });
  }

  it('the 2026-11-03 occurrence of a 09:00 Berlin series is 08:00 UTC after DST ends, 07:00 UTC before', () => {
    // The rule test above relies on this: 2026-10-27 and later are CET (UTC+1).
    const ops = plan([{ ...master, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=2', exdates: [] } }], [], state([storedMaster, storedOcc('2026-10-20T07:00:00.000Z'), storedOcc('2026-10-27T08:00:00.000Z'), storedOcc('2026-10-27T07:00:00.000Z')]));
    expect(summary(ops)).toEqual(['upsert S', 'delete(not_in_series) S#2026-10-27T07:00:00.000Z']);
  });
});

describe('planSweep', () => {
  it('removes provider rows not seen, cancels Tandem appointments not seen inside the window, spares the rest', () => {
    const rows = [
      row('seen', { providerId: 'A' }),
      row('gone', { providerId: 'B' }),
      row('gone-outside', { providerId: 'C', startAt: new Date('2026-01-01T00:00:00Z'), endAt: new Date('2026-01-01T01:00:00Z') }),
      row(T1, { origin: 'crm', providerId: 'D' }),
      row('crm-outside', { origin: 'crm', providerId: 'E', startAt: new Date('2026-01-01T00:00:00Z'), endAt: new Date('2026-01-01T01:00:00Z') }),
      row('crm-pending', { origin: 'crm', providerId: 'F' }),
      row('crm-never-pushed', { origin: 'crm' }),
      row('crm-planned', { origin: 'crm', providerId: 'G' }),
    ];
    const planned: CalendarOp[] = [{ op: 'cancel', appointmentId: 'crm-planned', version: 1, providerId: 'G', verify: true }];
    expect(summary(planSweep(rows, new Set(['A']), { pending: new Set(['crm-pending']) }, window, planned))).toEqual(['delete(not_seen) B,C', `cancel ${T1}`]);
  });

  it('nothing to do when everything was seen', () => {
    expect(planSweep([row('a', { providerId: 'A' })], new Set(['A']), { pending: new Set() }, window)).toEqual([]);
  });
});

describe('mergePages', () => {
  const ids = (m: { upserts: readonly ProviderEvent[]; deletions: readonly string[] }) => ({ upserts: m.upserts.map((e) => `${e.providerId}:${e.etag}`), deletions: [...m.deletions] });

  it('the latest page decides per id: deleted later is gone, upserted again later is back', () => {
    const merged = mergePages([
      { upserts: [ev('A'), ev('B'), ev('C')], deletions: ['D', 'E'] },
      { upserts: [ev('B', { etag: 'e2' }), ev('E')], deletions: ['A'] },
      { upserts: [], deletions: ['C'] },
    ]);
    expect(ids(merged)).toEqual({ upserts: ['B:e2', 'E:e1'], deletions: ['D', 'A', 'C'] });
  });

  it("inside one page planPage's rules hold: the first upsert of an id counts and beats a deletion", () => {
    const merged = mergePages([
      { upserts: [ev('X')], deletions: [] },
      { upserts: [ev('X', { etag: 'e2' }), ev('X', { etag: 'e3' })], deletions: ['X'] },
    ]);
    expect(ids(merged)).toEqual({ upserts: ['X:e2'], deletions: [] });
  });

  it('planned as one page, a merged batch gives what the pages applied one by one would leave', () => {
    const s = state([row('a', { providerId: 'A' }), row('b', { providerId: 'B' })]);
    const merged = mergePages([
      { upserts: [ev('A', { etag: 'e2' }), ev('N')], deletions: ['B'] },
      { upserts: [], deletions: ['N'] },
    ]);
    expect(summary(plan([...merged.upserts], [...merged.deletions], s))).toEqual(['delete(deleted) B', 'upsert A']);
  });
});

describe('planUnconfirmed', () => {
  it('asks the provider about pushed appointments the delta did not mention, unless pending, cancelled or already planned', () => {
    const pushed = [
      row('quiet', { origin: 'crm', providerId: 'Q', etag: 'eq' }),
      row('named', { origin: 'crm', providerId: 'N', etag: 'en' }),
      row('pending', { origin: 'crm', providerId: 'P', etag: 'ep' }),
      row('gone', { origin: 'crm', providerId: 'G', etag: 'eg', cancelled: true }),
      row('linked', { origin: 'crm', providerId: 'L', etag: 'el' }),
    ];
    const planned: CalendarOp[] = [{ op: 'link', appointmentId: 'linked', version: 1, event: ev('L'), content: true }];
    expect(planUnconfirmed(pushed, new Set(['N']), { pending: new Set(['pending']) }, planned)).toEqual([
      { op: 'cancel', appointmentId: 'quiet', version: 1, providerId: 'Q', verify: true, etag: 'eq' },
    ]);
  });
});
