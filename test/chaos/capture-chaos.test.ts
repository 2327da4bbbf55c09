/**
 * Capture chaos (issue 6): N messages reach the Tandem folder of the Microsoft 365 simulator in three
 * waves, ~10 % of every Graph request failing at random (429 with Retry-After, 503, 500,
 * held-then-dropped timeouts, connection resets — also inside $batch), two worker processes running
 * the real engine on one PostgreSQL. While each wave is being captured, at a random point of its
 * progress, the worker running the capture is killed with kill -9 and restarted. At the end: exactly
 * N email activities, no duplicate, one ledger row per message, all N in Processed, Tandem empty.
 *
 * Why waves: the pipeline captures a few hundred messages in one run faster than a kill lands, so with
 * a single drop the later kills found nothing left to interrupt. A wave per kill, captured in rounds
 * of 20 (TANDEM_CAPTURE_BATCH_SIZE: one Graph $batch a round), keeps a run in progress at each kill;
 * every kill is checked to have left its wave part-captured and its run begun but never ended.
 *
 * Nothing nudges the engine: its own schedule (capture interval shortened through configuration)
 * drives every run, and the adapters repeat failed reads and moves inside the run, so the faults slow
 * the capture without failing runs (eight failed runs in a row would park the account for an hour).
 *
 * The simulator lives in this process; the workers reach it over HTTP like any Graph client.
 * Size: TANDEM_CHAOS_MESSAGES (the figure is 5,000), at least 300. Default 400, for CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../sim/common/random';
import { seedMessages } from '../../sim/common/seed';
import { connectMicrosoftAccount } from '../capture/capture-harness';
import { createTestCompany, testDrivers } from '../support/test-db';
import { captureFacts, envCount, startChaosWorld, type ChaosWorld } from './chaos-harness';
import { startMicrosoftChaos, type MicrosoftChaos } from './microsoft-chaos';

const N = envCount('TANDEM_CHAOS_MESSAGES', 400);
const FAULT_RATE = 0.1;
const KILLS = 3;
/** One Graph $batch of 20 a round: a wave of N / 3 takes five rounds or more, so a kill finds one in progress. */
const BATCH_SIZE = 20;
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

describe.runIf(testDrivers().includes('postgres'))('capture under faults and kill -9 (Microsoft 365 simulator, two worker processes)', () => {
  let ms: MicrosoftChaos;
  let world: ChaosWorld;

  beforeAll(async () => {
    ms = await startMicrosoftChaos(6);
  });
  afterAll(async () => {
    await world?.close();
    await ms?.sim.close();
  });

  it(`${N} messages → ${N} activities, 0 duplicates, all in Processed`, async () => {
    const { handle, mailbox: testMailbox } = ms;
    world = await startChaosWorld({
      ...ms.workerEnv,
      // A run every 0.6 s while the folder is non-empty: the schedule, not the test, drives capture.
      TANDEM_CAPTURE_INTERVAL_MINUTES: '0.01',
      TANDEM_CAPTURE_BATCH_SIZE: String(BATCH_SIZE),
    });
    const { scope, userId } = await createTestCompany(world.t.db);
    for (const c of contacts) await world.t.db.repos.contacts.create(scope, { name: c, emails: [c.replace(/.*<|>$/g, '')] });

    // The folders exist before the mail arrives, as after the account's first run.
    await ms.ensureFolders();
    const seeded = seedMessages({ seed: 6, count: N, mailbox: testMailbox, contacts, profile: 'small' });
    expect(new Set(seeded.map((m) => m.messageId)).size).toBe(N); // the premise: N distinct messages

    const share = FAULT_RATE / 4;
    handle.faults.add({ kind: 'throttle', rate: share, retryAfterSeconds: 1 });
    handle.faults.add({ kind: 'unavailable', rate: share / 2, retryAfterSeconds: 1 });
    handle.faults.add({ kind: 'server_error', rate: share / 2 });
    handle.faults.add({ kind: 'timeout', rate: share, holdMs: 300 });
    handle.faults.add({ kind: 'reset', rate: share });

    const account = await connectMicrosoftAccount(world.t.db, world.vault, scope, userId, testMailbox, ms.credentials, ms.endpoints, new Date());
    await Promise.all([world.start('A'), world.start('B')]);

    const random = seededRandom(66);
    const captured = () => world.count('select count(*) as n from captured_messages where company_id = $1', [scope.companyId]);
    /** Per kill: its wave's bounds in captured messages, how many were captured when the worker died, the sync jobs then running. */
    const kills: { wave: number; from: number; atKill: number; to: number; running: string[] }[] = [];
    const runningJobs = async () => (await world.control.query<{ id: string }>(`select id from pgboss.job where name = 'sync' and state = 'active'`)).rows.map((r) => r.id);
    let placed = 0;
    for (const [wave, messages] of waves(seeded, KILLS).entries()) {
      // The previous wave is all captured: this one starts from a quiet folder.
      await world.waitFor(`wave ${wave - 1} captured`, async () => (await captured()) >= placed, waitMs(300_000), 200);
      for (const m of messages) await handle.placeMessage(testMailbox, 'Tandem', m.raw);
      const from = placed;
      placed += messages.length;
      const point = from + Math.max(1, Math.round((0.1 + 0.4 * random()) * messages.length));
      await world.waitFor(`${point - from} of wave ${wave} captured`, async () => (await captured()) >= point, waitMs(300_000), 100);
      // The worker in the middle of that run: a kill of the idle one would interrupt nothing.
      const victim = await world.busiest();
      const running = await runningJobs();
      await world.kill(victim);
      kills.push({ wave, from, atKill: await captured(), to: placed, running });
      await world.start(victim);
    }
    const inFolder = (name: string) => handle.listFolderMessages(testMailbox, name).length;
    await world.waitFor('every message in Processed', async () => inFolder('Tandem') === 0 && inFolder('Processed') === N, waitMs(600_000), 500);

    expect(world.kills).toBe(KILLS);
    // Each kill landed mid-wave: part of its wave captured, the rest still to do...
    const late = kills.filter((k) => !(k.from < k.atKill && k.atKill < k.to));
    expect(late.map((k) => `wave ${k.wave}: ${k.atKill - k.from} of ${k.to - k.from} captured at the kill`)).toEqual([]);
    // ...on the worker running it: the sync job running at each kill came back through pg-boss once its
    // heartbeat stopped (a job on the surviving worker would have completed without a retry).
    const retried = 'select count(*) as n from pgboss.job where id = any($1::uuid[]) and retry_count > 0';
    for (const k of kills) expect({ wave: k.wave, retried: await world.count(retried, [k.running]) }).toEqual({ wave: k.wave, retried: 1 });
    // The faults happened (about one Graph request or $batch item in ten), and the engine never parked the account.
    expect(handle.faults.fired()).toBeGreaterThan(N * 0.1);
    const [state] = (await world.control.query<{ status: string }>('select status from connected_accounts where id = $1', [account.id])).rows;
    expect(state?.status).not.toBe('failed');
    expect(inFolder('Tandem')).toBe(0);
    expect(inFolder('Processed')).toBe(N);
    expect(await captureFacts(world, scope.companyId)).toEqual({ activities: N, distinctDedupeKeys: N, withoutDedupeKey: 0, captured: N, distinctCaptured: N });
    // Every message is one activity: the stored Message-IDs are exactly the seeded ones.
    const keys = await world.control.query<{ k: string }>(`select dedupe_key as k from activities where company_id = $1`, [scope.companyId]);
    expect(new Set(keys.rows.map((r) => r.k))).toEqual(new Set(seeded.map((m) => m.messageId)));
  }, waitMs(900_000) * 2);
});
