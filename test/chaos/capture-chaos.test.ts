/**
 * Capture chaos (issue 6), once per provider simulator (Microsoft 365 / Graph, Google / Gmail API,
 * Exchange / EWS): N messages reach the mailbox's Tandem folder (label, for Gmail) in three waves,
 * ~10 % of every request to the simulator failing at random (429 with Retry-After — ErrorServerBusy
 * with BackOffMilliseconds on EWS — 503, 500, held-then-dropped timeouts, connection resets; inside
 * Graph's $batch and Gmail's batch too, where a transport fault becomes a failed part), two worker
 * processes running the real engine on one PostgreSQL. While each wave is being captured, at a random
 * point of its progress, the worker running the capture is killed with kill -9 and restarted. At the
 * end: exactly N email activities, no duplicate, one ledger row per message, all N in Processed,
 * Tandem empty.
 *
 * Why waves: the pipeline captures a few hundred messages in one run faster than a kill lands, so with
 * a single drop the later kills found nothing left to interrupt. A wave per kill, captured in rounds
 * of 20 (TANDEM_CAPTURE_BATCH_SIZE: one Graph $batch or Gmail batch a round; one message a round on
 * EWS, see EWS_BATCH_SIZE), keeps a run in progress at each kill; every kill is checked to have left
 * its wave part-captured and its run begun but never ended. The worker killed is the one whose
 * requests reach the simulator at that moment.
 *
 * Nothing nudges the engine: its own schedule (capture interval shortened through configuration)
 * drives every run, and the adapters repeat failed reads and moves inside the run, so the faults slow
 * the capture without failing runs (eight failed runs in a row would park the account for an hour).
 * Gmail keeps its production pacing under the per-user quota (the simulator enforces the default
 * 6,000 units a minute), so the full size takes minutes there.
 *
 * Each simulator lives in this process on the system clock; the workers reach it over HTTP like any
 * client (capture-chaos-side.ts and the provider modules beside it).
 * Size: TANDEM_CHAOS_MESSAGES (the figure is 5,000), at least 300. Default 400, for CI.
 * One provider alone: `-t 'Gmail'` (or 'Microsoft 365', 'EWS').
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../sim/common/random';
import { seedMessages } from '../../sim/common/seed';
import { createTestCompany, testDrivers } from '../support/test-db';
import type { CaptureChaosSide } from './capture-chaos-side';
import { captureFacts, envCount, startChaosWorld, type ChaosWorld } from './chaos-harness';
import { exchangeCaptureSide } from './exchange-chaos';
import { googleCaptureSide } from './google-chaos';
import { microsoftCaptureSide } from './microsoft-chaos';

const N = envCount('TANDEM_CHAOS_MESSAGES', 400);
const FAULT_RATE = 0.1;
const KILLS = 3;
/** One Graph $batch (Gmail batch) of 20 a round: a wave of N / 3 takes five rounds or more, so a kill finds one in progress. */
const BATCH_SIZE = 20;
/**
 * EWS carries a round's ids in one GetItem and one MoveItem, and its faults hit whole requests: in
 * rounds of 20 only ~N/100 faults would fire. One message a round makes each message's fetch and move
 * a request of its own, so ~10 % of them meet a fault, as Graph's and Gmail's batch parts do.
 */
const EWS_BATCH_SIZE = 1;
/** Below this a wave is captured in about the time it takes to find the worker running it. */
const MIN_MESSAGES = 300;
if (N < MIN_MESSAGES) throw new Error(`TANDEM_CHAOS_MESSAGES=${N}: set ${MIN_MESSAGES} or more (waves under ${MIN_MESSAGES / KILLS} messages end before a kill lands)`);
/** Waits grow with the size: generous bounds on conditions, never a timing assertion. */
const waitMs = (base: number) => base + N * 300;
/** `items` cut into `count` consecutive waves of nearly equal size. */
function waves<T>(items: readonly T[], count: number): T[][] {
  return Array.from({ length: count }, (_, i) => items.slice(Math.floor((i * items.length) / count), Math.floor(((i + 1) * items.length) / count)));
}
const contacts = ['Margaret Ellis <margaret.ellis@oakridge-hoa.example>', "Tom O'Brien <tom@obrien-properties.example>", 'Priya Natarajan <priya@natarajan-dental.example>'];

/** Each provider's simulator; `seed` seeds it, the messages and (× 11) the kill moments. */
const sides = [
  { name: 'Microsoft 365', seed: 6, start: microsoftCaptureSide },
  { name: 'Google (Gmail)', seed: 16, start: googleCaptureSide },
  { name: 'Exchange (EWS)', seed: 26, start: exchangeCaptureSide, batchSize: EWS_BATCH_SIZE },
];

describe.runIf(testDrivers().includes('postgres')).each(sides)('capture under faults and kill -9 ($name simulator, two worker processes)', ({ name, seed, start, batchSize = BATCH_SIZE }) => {
  let side: CaptureChaosSide;
  let world: ChaosWorld;

  beforeAll(async () => {
    side = await start(seed);
  });
  afterAll(async () => {
    await world?.close();
    await side?.close();
  });

  it(`${N} messages → ${N} activities, 0 duplicates, all in Processed`, async () => {
    world = await startChaosWorld({
      ...side.workerEnv,
      // Runs come due every 0.6 s; the engine starts them (its scheduler tick, every 30 s in each worker,
      // and each run's own follow-ups), never the test.
      TANDEM_CAPTURE_INTERVAL_MINUTES: '0.01',
      TANDEM_CAPTURE_BATCH_SIZE: String(batchSize),
    });
    const { scope, userId } = await createTestCompany(world.t.db);
    for (const c of contacts) await world.t.db.repos.contacts.create(scope, { name: c, emails: [c.replace(/.*<|>$/g, '')] });

    // The folders exist before the mail arrives, as after the account's first run.
    await side.ensureFolders();
    const seeded = seedMessages({ seed, count: N, mailbox: side.mailbox, contacts, profile: 'small' });
    expect(new Set(seeded.map((m) => m.messageId)).size).toBe(N); // the premise: N distinct messages

    side.addFaults(FAULT_RATE);

    const account = await side.connect(world.t.db, world.vault, scope, userId);
    // The first wave is in the folder when the workers start, so the account's first run finds it: a
    // wave dropped just after an empty run waits for the scheduler's next tick (every 30 s per worker).
    const inWaves = waves(seeded, KILLS);
    for (const m of inWaves[0] ?? []) await side.place(m.raw);
    await Promise.all([world.start('A'), world.start('B')]);

    const random = seededRandom(seed * 11);
    const captured = () => world.count('select count(*) as n from captured_messages where company_id = $1', [scope.companyId]);
    /** Per kill: its wave's bounds in captured messages, how many were captured when the worker died, the sync jobs then running. */
    const kills: { wave: number; from: number; atKill: number; to: number; running: string[] }[] = [];
    const runningJobs = async () => (await world.control.query<{ id: string }>(`select id from pgboss.job where name = 'sync' and state = 'active'`)).rows.map((r) => r.id);
    let placed = 0;
    for (const [wave, messages] of inWaves.entries()) {
      // The previous wave is all captured: this one starts from a quiet folder.
      await world.waitFor(`wave ${wave - 1} captured`, async () => (await captured()) >= placed, waitMs(300_000), 200);
      if (wave > 0) for (const m of messages) await side.place(m.raw);
      const from = placed;
      placed += messages.length;
      const point = from + Math.max(1, Math.round((0.1 + 0.4 * random()) * messages.length));
      await world.waitFor(`${point - from} of wave ${wave} captured`, async () => (await captured()) >= point, waitMs(300_000), 100);
      // The worker in the middle of a run (the one whose requests reach the simulator while the same
      // sync job stays active), with that job: a kill of the idle one, or between runs, would interrupt
      // nothing. Where the run that got this far has ended, the wave's next run is waited for.
      const { victim, running } = await world.waitFor(
        `a run of wave ${wave} in progress`,
        async () => {
          const before = await runningJobs();
          const name = before.length > 0 ? await world.talkingTo(side.port, 3_000, 4) : undefined;
          const after = await runningJobs();
          return name && after.join() === before.join() ? { victim: name, running: after } : undefined;
        },
        waitMs(120_000),
        50,
      );
      await world.kill(victim);
      kills.push({ wave, from, atKill: await captured(), to: placed, running });
      await world.start(victim);
    }
    const inFolder = side.inFolder;
    await world.waitFor('every message in Processed', async () => inFolder('Tandem') === 0 && inFolder('Processed') === N, waitMs(600_000), 500);

    const facts = await captureFacts(world, scope.companyId);
    // The figures of the run in its log (the evidence of an opt-in full-size run).
    console.info(`${name}: ${N} messages → ${facts.activities} email activities, ${facts.activities - facts.distinctDedupeKeys} duplicates, ${inFolder('Processed')} in Processed, ${side.faultsFired()} faults fired, ${world.kills} kills`);

    expect(world.kills).toBe(KILLS);
    // Each kill landed mid-wave: part of its wave captured, the rest still to do...
    const late = kills.filter((k) => !(k.from < k.atKill && k.atKill < k.to));
    expect(late.map((k) => `wave ${k.wave}: ${k.atKill - k.from} of ${k.to - k.from} captured at the kill`)).toEqual([]);
    // ...on the worker running it: the sync job running at each kill came back through pg-boss once its
    // heartbeat stopped (a job on the surviving worker would have completed without a retry).
    const retried = 'select count(*) as n from pgboss.job where id = any($1::uuid[]) and retry_count > 0';
    for (const k of kills) expect({ wave: k.wave, retried: await world.count(retried, [k.running]) }).toEqual({ wave: k.wave, retried: 1 });
    // The faults happened (about one request or batch part in ten), and the engine never parked the account.
    expect(side.faultsFired()).toBeGreaterThan(N * 0.1);
    const [state] = (await world.control.query<{ status: string }>('select status from connected_accounts where id = $1', [account.id])).rows;
    expect(state?.status).not.toBe('failed');
    expect(inFolder('Tandem')).toBe(0);
    expect(inFolder('Processed')).toBe(N);
    expect(facts).toEqual({ activities: N, distinctDedupeKeys: N, withoutDedupeKey: 0, captured: N, distinctCaptured: N });
    // Every message is one activity: the stored Message-IDs are exactly the seeded ones.
    const keys = await world.control.query<{ k: string }>(`select dedupe_key as k from activities where company_id = $1`, [scope.companyId]);
    expect(new Set(keys.rows.map((r) => r.k))).toEqual(new Set(seeded.map((m) => m.messageId)));
  }, waitMs(900_000) * 2);
});
