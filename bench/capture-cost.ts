/**
 * Provider cost of capture on the Google and Exchange simulators, from their counters. (bench/capture.ts
 * covers IMAP and Graph.) The seeded 'mixed' mailbox is dropped into the Tandem folder / label of each simulator and captured
 * end to end (the provider adapter → the engine's AccountSync → the capture feature as
 * src/sync/wiring.ts wires it → an embedded PGlite store, PostgreSQL with --postgres), then the
 * simulators' counters give:
 *   - Gmail: quota units spent, as a multiple of the documented minimum for the same messages (one
 *     raw messages.get each, plus the messages.list pages and batchModify calls at their largest,
 *     from the simulator's cost table) — the issue's target ≤ 1.1;
 *   - EWS: SOAP requests per captured message (FindItem, GetItem with MimeContent and MoveItem over
 *     many items per call) — held to Graph's target, ≤ 0.15.
 * Counts, not times: the figures do not move with load from elsewhere on the machine.
 * Run: `npm run bench -- capture-cost [--quick] [--postgres]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedMessages } from '../sim/common/seed';
import type { RequestCounters } from '../sim/common/faults';
import { gmailCaptureMinimumUnits, gmailQuotaCosts } from '../sim/google/quota';
import { exchangeProviderFactory } from '../src/providers/exchange';
import { ALICE, ALICE_LOGIN, ALICE_PASSWORD, startExchangeTestEnv } from '../src/providers/exchange/exchange-test-harness';
import { createGoogleProviderFactory } from '../src/providers/google';
import { connect, startGoogleTestEnv, testMailbox } from '../src/providers/google/google-test-harness';
import type { Credentials, OAuthAbility, ProviderEndpoints, ProviderFactory, ProviderKind } from '../src/providers/provider';
import type { FakeClock } from '../src/domain/clock';
import { connectAccount, testEngine, testVault } from '../test/capture/capture-harness';
import { freshStore, itemsOf, productCapture, timeCapture } from './support/capture-store';
import { verdictLine } from './support/report';

const quick = process.argv.includes('--quick');
const usePostgres = process.argv.includes('--postgres');
const COUNT = quick ? 300 : 2000;

interface Target {
  kind: ProviderKind;
  mailbox: string;
  factory: ProviderFactory;
  clock: FakeClock;
  oauth?: OAuthAbility;
  endpoints: ProviderEndpoints;
  credentials: Credentials;
  counters: RequestCounters;
  drop(raw: Uint8Array): void;
  left(): number;
}

interface Spent {
  seconds: number;
  /** Provider-clock time the capture spanned (quota pacing and throttle waits move the fake clock). */
  clockSeconds: number;
  /** Runs that stopped at the provider's rate limit and waited. */
  throttled: number;
  activities: number;
  requests: Record<string, number>;
  units: number;
}

/** Captures COUNT seeded messages from the target and reports what the provider was asked for. */
async function capture(target: Target): Promise<Spent> {
  const store = await freshStore(usePostgres);
  const dataDir = await mkdtemp(join(tmpdir(), 'tandem-bench-'));
  try {
    const vault = testVault();
    const engine = testEngine(store.db, vault, { features: [productCapture(dataDir, store.db, usePostgres)], factory: target.factory, clock: target.clock, ...(target.oauth ? { oauth: target.oauth } : {}) });
    const { kind, mailbox, endpoints, credentials } = target;
    const account = await connectAccount(store.db, vault, store.scope, { userId: store.userId, provider: kind, mailboxAddress: mailbox, endpoints, credentials, now: target.clock.now() });
    itemsOf(await engine.sync(account)); // makes the capture folders
    for (const m of seedMessages({ seed: 2026, count: COUNT, mailbox, profile: 'mixed' })) target.drop(m.raw);
    const before = target.counters.snapshot();
    const clockStart = target.clock.now().getTime();
    let throttled = 0;
    // Counted from the folder: a run stopped by the rate limit has still moved what it stored before.
    const timing = await timeCapture(store, COUNT, async () => {
      const waiting = target.left();
      const r = await engine.sync(account);
      if (r.outcome !== 'succeeded') {
        // Over the per-user quota (Gmail: 6,000 units a minute) the run stops and waits, as the product does.
        if (!(r.outcome === 'failed' && r.kind === 'throttled') && !(r.outcome === 'skipped' && r.why === 'throttled')) itemsOf(r);
        throttled++;
        target.clock.advance(2 * 60_000);
      }
      return waiting - target.left();
    });
    const after = target.counters.snapshot();
    if (target.left() !== 0) throw new Error(`${kind}: ${target.left()} messages left in the capture folder`);
    const key = mailbox.toLowerCase();
    const requests: Record<string, number> = {};
    for (const [op, n] of Object.entries(after.requests[key] ?? {})) {
      const spent = n - (before.requests[key]?.[op] ?? 0);
      if (spent > 0) requests[op] = spent;
    }
    return { seconds: timing.seconds, clockSeconds: (target.clock.now().getTime() - clockStart) / 1000, activities: timing.activities, throttled, requests, units: (after.quotaUnits[key] ?? 0) - (before.quotaUnits[key] ?? 0) };
  } finally {
    await store.db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const describe = (name: string, s: Spent) =>
  `${name}: ${COUNT} captured in ${s.seconds.toFixed(1)} s (${(s.clockSeconds / 60).toFixed(1)} min on the provider's clock), ${s.activities} activities, ${s.throttled} runs throttled; requests ${Object.entries(s.requests)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ')}`;

console.log(`capture-cost: ${COUNT} seeded 'mixed' messages per provider, store ${usePostgres ? 'PostgreSQL' : 'PGlite'}`);

const google = await startGoogleTestEnv();
let gmail: Spent;
try {
  const { handle } = google.sim;
  gmail = await capture({
    kind: 'google',
    mailbox: testMailbox,
    // The adapter paces itself below Gmail's per-user quota; its waits move the fake clock the
    // simulator's quota window runs on (retries' waits too), as real time would.
    factory: createGoogleProviderFactory({ retry: { sleep: async (ms) => google.clock.advance(ms) } }),
    clock: google.clock,
    oauth: google.oauth,
    endpoints: google.endpoints,
    credentials: await connect(google),
    counters: handle.counters,
    drop: (raw) => void handle.placeMessage(testMailbox, 'Tandem', raw),
    left: () => handle.messagesWithLabel(testMailbox, 'Tandem').length,
  });
} finally {
  await google.close();
}
const gmailMinimum = gmailCaptureMinimumUnits(COUNT);
console.log(describe('gmail', gmail));
console.log(`gmail: ${gmail.units} quota units, documented minimum ${gmailMinimum} (${COUNT} × messages.get + list pages + batchModify), ${(gmail.units / COUNT).toFixed(2)} units per message`);
{
  // Where the units went, by the simulator's cost table (refused calls are counted but not charged,
  // so the raw gets paid are what is left after the other calls).
  const cost = (op: string) => (gmailQuotaCosts[op] ?? 0) * (gmail.requests[op] ?? 0);
  const others = ['labels.list', 'labels.create', 'messages.list', 'messages.batchModify'].reduce((n, op) => n + cost(op), 0);
  const getsPaid = (gmail.units - others) / (gmailQuotaCosts['messages.get'] ?? 5);
  console.log(`gmail: ≈${getsPaid.toFixed(0)} raw gets paid for ${COUNT} messages, batchModify ${cost('messages.batchModify')} units (${gmail.requests['messages.batchModify'] ?? 0} calls)`);
}

const exchange = await startExchangeTestEnv();
let ews: Spent;
try {
  const { handle } = exchange;
  ews = await capture({
    kind: 'exchange',
    mailbox: ALICE,
    factory: exchangeProviderFactory,
    clock: exchange.clock,
    endpoints: { ewsUrl: handle.ewsUrl },
    credentials: { kind: 'password', username: ALICE_LOGIN, password: ALICE_PASSWORD },
    counters: handle.counters,
    drop: (raw) => void handle.placeMessage(ALICE, 'Tandem', raw),
    left: () => handle.folderMessages(ALICE, 'Tandem').length,
  });
} finally {
  await exchange.close();
}
const ewsRequests = Object.values(ews.requests).reduce((n, v) => n + v, 0);
console.log(describe('ews', ews));

console.log(verdictLine({ name: 'capture-gmail-cost', figure: gmail.units / gmailMinimum, unit: 'of the documented minimum quota', op: '<=', target: 1.1 }));
console.log(verdictLine({ name: 'capture-ews-cost', figure: ewsRequests / COUNT, unit: 'requests per message', op: '<=', target: 0.15, digits: 3 }));
