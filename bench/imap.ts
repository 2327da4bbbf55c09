/**
 * Capture of 2,000 messages from a real Dovecot end to end (IMAP provider → engine's AccountSync →
 * the capture feature as src/sync/wiring.ts wires it → embedded PGlite store), beside the floor of
 * that work measured in the same run: one plain imapflow session fetching the same 2,000 raw
 * messages (`UID FETCH 1:* BODY.PEEK[]`) and parsing them with the fastest parser we ship
 * (postal-mime, mailparser, or the per-message choice the pipeline makes).
 * The floor is measured before, between and after two pipeline runs and its median is the
 * reference; the figure is the two runs' combined rate, so a load spike from elsewhere on the
 * machine favours neither side. As the floor's parsers get untimed warm-up parses, the pipeline
 * first captures 50 messages untimed (a mailbox of its own): JIT and first-use costs count for
 * neither. Wall time inside the provider's calls is printed so a miss shows where time goes.
 * Run: `npm run bench -- imap [--quick] [--postgres]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { seedMessages } from '../sim/common/seed';
import { imapProviderFactory } from '../src/providers/imap/imap-provider';
import type { MailAbility, ProviderFactory } from '../src/providers/provider';
import { chooseParser, mailparserParser, parsers, postalMimeParser, type MimeParser } from '../src/sync/mail/mime-parsers';
import { connectImapAccount, mailClient, startMailServers, testEngine, testVault, type MailServers } from '../test/capture/capture-harness';
import type { ServerUser } from '../test/support/servers/dovecot';
import { freshStore, itemsOf, productCapture, timeCapture, type CaptureTiming } from './support/capture-store';
import { verdictLine } from './support/report';

const quick = process.argv.includes('--quick');
const usePostgres = process.argv.includes('--postgres');
const COUNT = quick ? 300 : 2000;
/** Messages captured untimed first, as the floor's parsers get 30 untimed parses: JIT and first-use costs. */
const WARM_UP = 50;
const REFERENCE_FOLDER = 'Reference';

const messages = seedMessages({ seed: 2026, count: COUNT, mailbox: 'user1@tandem.test', profile: 'mixed' });
const avgKb = messages.reduce((n, m) => n + m.raw.byteLength, 0) / COUNT / 1024;
console.log(`imap: ${COUNT} seeded 'mixed' messages, ${avgKb.toFixed(1)} KB average, store ${usePostgres ? 'PostgreSQL' : 'PGlite'}`);

// ---------------------------------------------------------------- floor: plain imapflow fetch + parse

async function parseSeconds(parse: MimeParser, raws: readonly Uint8Array[]): Promise<number> {
  for (const raw of raws.slice(0, 30)) await parse(raw); // warm-up
  const t0 = performance.now();
  for (const raw of raws) await parse(raw);
  return (performance.now() - t0) / 1000;
}

/** One session, one FETCH of the whole folder, then the fastest parse of every message: msg/s. */
async function floorRate(servers: MailServers, user: ServerUser, label: string): Promise<number> {
  const t0 = performance.now();
  const client = new ImapFlow({ host: servers.dovecot.host, port: servers.dovecot.port, secure: false, auth: { user: user.user, pass: user.password }, logger: false });
  await client.connect();
  await client.mailboxOpen(REFERENCE_FOLDER, { readOnly: true });
  const raws: Uint8Array[] = [];
  for await (const m of client.fetch('1:*', { uid: true, source: true }, { uid: true })) if (m.source) raws.push(new Uint8Array(m.source));
  await client.logout();
  const fetchS = (performance.now() - t0) / 1000;
  if (raws.length !== COUNT) throw new Error(`reference fetched ${raws.length} of ${COUNT}`);
  const postal = await parseSeconds(postalMimeParser, raws);
  const mailp = await parseSeconds(mailparserParser, raws);
  const chosen = await parseSeconds((raw) => parsers[chooseParser(raw)](raw), raws);
  const parseS = Math.min(postal, mailp, chosen);
  const rate = COUNT / (fetchS + parseS);
  console.log(
    `floor (${label}): fetch ${fetchS.toFixed(2)} s + parse ${parseS.toFixed(2)} s (postal-mime ${postal.toFixed(2)}, mailparser ${mailp.toFixed(2)}, per-message choice ${chosen.toFixed(2)}) → ${rate.toFixed(0)} msg/s`,
  );
  return rate;
}

// ---------------------------------------------------------------- pipeline

type MailCall = 'ensureCaptureFolders' | 'listCaptured' | 'fetchRaw' | 'markProcessed';
type Meter = Record<MailCall, { calls: number; ms: number }>;

/** The IMAP provider with its capture calls timed: wall time spent inside the provider. */
function meteredImap(meter: Meter): ProviderFactory {
  const timed = <A extends unknown[], R>(name: MailCall, f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const t0 = performance.now();
      try {
        return await f(...args);
      } finally {
        meter[name].calls++;
        meter[name].ms += performance.now() - t0;
      }
    };
  return {
    kind: 'imap',
    create(ctx) {
      const provider = imapProviderFactory.create(ctx);
      const mail = provider.mail;
      if (!mail) throw new Error('imap provider without mail');
      const metered: MailAbility = {
        ...mail,
        ensureCaptureFolders: timed('ensureCaptureFolders', mail.ensureCaptureFolders),
        listCaptured: timed('listCaptured', mail.listCaptured),
        fetchRaw: timed('fetchRaw', mail.fetchRaw),
        markProcessed: timed('markProcessed', mail.markProcessed),
      };
      return { ...provider, mail: metered };
    },
  };
}

async function pipeline(servers: MailServers, user: ServerUser & { address: string }, label: string, count = COUNT): Promise<CaptureTiming> {
  const store = await freshStore(usePostgres);
  const dataDir = await mkdtemp(join(tmpdir(), 'tandem-bench-'));
  const meter: Meter = { ensureCaptureFolders: { calls: 0, ms: 0 }, listCaptured: { calls: 0, ms: 0 }, fetchRaw: { calls: 0, ms: 0 }, markProcessed: { calls: 0, ms: 0 } };
  try {
    const vault = testVault();
    const engine = testEngine(store.db, vault, { features: [productCapture(dataDir, store.db, usePostgres)], factory: meteredImap(meter) });
    const account = await connectImapAccount(store.db, vault, store.scope, store.userId, servers, user, engine.clock.now());
    const result = await timeCapture(store, count, async () => itemsOf(await engine.sync(account)));
    const client = await mailClient(servers, user);
    const left = (await client.ids('Tandem')).length;
    const processed = (await client.ids('Processed')).length;
    await client.logout();
    if (left !== 0 || processed !== count) throw new Error(`after capture: ${left} in Tandem, ${processed} in Processed`);
    if (result.activities !== count) throw new Error(`${result.activities} activities for ${count} messages`);
    const providerMs = Object.values(meter).reduce((n, m) => n + m.ms, 0);
    const calls = (Object.entries(meter) as [MailCall, Meter[MailCall]][]).map(([name, m]) => `${name} ${m.calls}× ${(m.ms / 1000).toFixed(2)} s`).join(', ');
    console.log(`pipeline (${label}): ${result.rate.toFixed(0)} msg/s end to end (${result.seconds.toFixed(2)} s, ${result.runs} runs, ${result.activities} activities)`);
    // The capture feature overlaps provider calls with parse and store, so these do not add up to the total.
    console.log(`  inside provider calls ${(providerMs / 1000).toFixed(2)} s: ${calls}`);
    return result;
  } finally {
    await store.db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- run

const servers = await startMailServers(4);
try {
  const [first, second, reference, warm] = [servers.takeUser(), servers.takeUser(), servers.takeUser(), servers.takeUser()];
  const t0 = performance.now();
  // The same bytes in each pipeline's capture folder and in the floor's folder, appended in parallel.
  await Promise.all(
    [
      [first, 'Tandem'],
      [second, 'Tandem'],
      [reference, REFERENCE_FOLDER],
      [warm, 'Tandem'],
    ].map(async ([user, folder]) => {
      const client = await mailClient(servers, user as ServerUser);
      for (const m of user === warm ? messages.slice(0, WARM_UP) : messages) await client.drop(folder as string, m.raw);
      await client.logout();
    }),
  );
  console.log(`appended 3 × ${COUNT} + ${WARM_UP} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`);

  await pipeline(servers, warm, 'warm-up, not counted', WARM_UP);
  const floors = [await floorRate(servers, reference, 'before')];
  const runs = [await pipeline(servers, first, 'first')];
  floors.push(await floorRate(servers, reference, 'between'));
  runs.push(await pipeline(servers, second, 'second'));
  floors.push(await floorRate(servers, reference, 'after'));
  const floor = [...floors].sort((a, b) => a - b)[1] ?? 0;
  // Both pipeline runs count (all their messages over all their time): no picking the lucky one.
  const rate = (COUNT * runs.length) / runs.reduce((n, r) => n + r.seconds, 0);
  console.log(`floor: ${floor.toFixed(0)} msg/s (median of ${floors.map((r) => r.toFixed(0)).join(', ')}); pipeline: ${rate.toFixed(0)} msg/s (runs ${runs.map((r) => r.rate.toFixed(0)).join(', ')})`);
  console.log(verdictLine({ name: 'capture-imap', figure: rate / floor, unit: 'of plain imapflow fetch + parse rate', op: '>=', target: 0.5 }));
} finally {
  await servers.stop();
}
