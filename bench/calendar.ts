/**
 * Calendar pull on the Microsoft 365 simulator through the Graph adapter and the real engine
 * (AccountSync.run with the calendar feature, embedded PGlite store):
 * - first sync of 5,000 events in the window: engine time beside the simulator's own serving time,
 *   both measured in the same run (the engine's fetch times each request until its body is read;
 *   the run is sequential, so wall time minus that is the engine's own work: mapping, planning, SQL);
 * - an incremental delta of 10 changes;
 * - provider requests per event.
 * Run: `npx tsx bench/calendar.ts [--events N]`.
 */
import { connect, startMicrosoftTestEnv } from '../src/providers/microsoft/microsoft-test-harness';
import type { CalendarAbility, FetchLike, Provider } from '../src/providers/provider';
import { createPglite, dbFromPglite } from '../src/store/db';
import { migrate } from '../src/store/migrate';
import { calendarWorld } from '../test/calendar/calendar-harness';
import { microsoftSide } from '../test/calendar/microsoft-side';

const argIndex = process.argv.indexOf('--events');
const EVENTS = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 5_000;
const TARGET_ENGINE_S = 2;

const mailbox = 'bench@contoso.example';
const env = await startMicrosoftTestEnv({ mailboxes: [{ address: mailbox, type: 'user' }] });
const db = dbFromPglite(await createPglite());
await migrate(db);

const meter = { requests: 0, providerMs: 0, adapterMs: 0 };
const timedFetch: FetchLike = async (input, init) => {
  const t0 = performance.now();
  const res = await fetch(input, init);
  const body = await res.arrayBuffer();
  meter.requests++;
  meter.providerMs += performance.now() - t0;
  return new Response(res.status === 204 || res.status === 304 ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
};

try {
  const side = microsoftSide(env, await connect(env, mailbox), mailbox);
  // Time the adapter's fetchChanges as a whole too: minus serving time, that is its parsing and mapping.
  const timedAdapter = (p: Provider): Provider => {
    const cal = p.calendar;
    if (!cal) return p;
    const fetchChanges: CalendarAbility['fetchChanges'] = async (cursor, window) => {
      const t = performance.now();
      try {
        return await cal.fetchChanges(cursor, window);
      } finally {
        meter.adapterMs += performance.now() - t;
      }
    };
    return { ...p, calendar: { ...cal, fetchChanges } };
  };
  const world = await calendarWorld(db, side.setup, { clock: env.clock, oauth: side.oauth, fetch: timedFetch, wrap: timedAdapter });

  // 5,000 events over the window (10 days back, 60 ahead), working hours, Berlin time.
  const ids: string[] = [];
  const t0 = Date.parse('2026-10-24T00:00:00Z');
  for (let i = 0; i < EVENTS; i++) {
    const day = new Date(t0 + (i % 68) * 86_400_000).toISOString().slice(0, 10);
    const hour = String(8 + (Math.floor(i / 68) % 10)).padStart(2, '0');
    const minute = String((Math.floor(i / 680) * 5) % 60).padStart(2, '0');
    ids.push(await side.createEvent({ subject: `Event ${i}`, start: `${day}T${hour}:${minute}:00`, end: `${day}T${hour}:${minute === '55' ? '59' : String(Number(minute) + 4).padStart(2, '0')}:00`, timeZone: 'Europe/Berlin' }));
  }

  async function measured(label: string): Promise<{ wallMs: number; providerMs: number; adapterMs: number; requests: number; items: number }> {
    meter.requests = 0;
    meter.providerMs = 0;
    meter.adapterMs = 0;
    const start = performance.now();
    const run = await world.sync();
    const wallMs = performance.now() - start;
    if (run.outcome !== 'succeeded') throw new Error(`${label}: ${JSON.stringify(run)} ${(await db.repos.syncState.listRuns(world.scope, world.account.id, 1))[0]?.message ?? ''}`);
    return { wallMs, providerMs: meter.providerMs, adapterMs: meter.adapterMs - meter.providerMs, requests: meter.requests, items: run.items };
  }

  env.sim.handle.counters.reset();
  const first = await measured('first sync');
  if (process.argv.includes('--verbose')) console.log(JSON.stringify(env.sim.handle.counters.snapshot().requests));
  const stored = (await world.rows()).length;
  if (stored !== EVENTS) throw new Error(`first sync stored ${stored} of ${EVENTS} events`);

  for (const id of ids.slice(0, 10)) await side.updateEvent(id, { subject: 'Changed' });
  const delta = await measured('delta');
  const changed = (await world.rows()).filter((r) => r.subject === 'Changed').length;
  if (changed !== 10) throw new Error(`delta applied ${changed} of 10 changes`);

  const engineFirstS = (first.wallMs - first.providerMs) / 1000;
  const perEvent = first.requests / EVENTS;
  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(
    `first sync of ${EVENTS} events: wall ${s(first.wallMs)} s = simulator serving ${s(first.providerMs)} s + engine ${engineFirstS.toFixed(2)} s ` +
      `(Graph adapter parsing/mapping ${s(first.adapterMs)} s, reconciler plan + store ${s(first.wallMs - first.providerMs - first.adapterMs)} s; ` +
      `engine ${(engineFirstS * 1000 / first.providerMs).toFixed(2)}× the serving time, a load-independent view); ${first.requests} requests; ${first.items} rows written`,
  );
  console.log(
    `delta of 10 changes: wall ${delta.wallMs.toFixed(0)} ms = engine ${(delta.wallMs - delta.providerMs).toFixed(0)} ms + simulator ${delta.providerMs.toFixed(0)} ms; ${delta.requests} requests; ${delta.items} rows written`,
  );
  console.log(`bench calendar-delta: ${(delta.wallMs - delta.providerMs).toFixed(0)} ms engine time for 10 changes (target <= 200) ${delta.wallMs - delta.providerMs <= 200 ? 'PASS' : 'MISS'}`);
  // Graph's floor for this adapter: one delta page per 50 events plus one $batch per 20 singles
  // (delta omits extended properties, so tandemIds are read in batches) = 0.07.
  console.log(`bench calendar-requests: ${perEvent.toFixed(3)} provider requests per event on first sync (target <= 0.1) ${perEvent <= 0.1 ? 'PASS' : 'MISS'}`);
  console.log(`bench calendar-first-sync: ${engineFirstS.toFixed(2)} s engine time for ${EVENTS} events (target <= ${TARGET_ENGINE_S}) ${engineFirstS <= TARGET_ENGINE_S ? 'PASS' : 'MISS'}`);
} finally {
  await db.close();
  await env.close();
}
