/**
 * Capture chaos on a real Dovecot (issue 10): N messages in the Tandem folder, every IMAP connection
 * of the workers going through a TCP proxy that cuts a share of them at a random byte (mid-login,
 * mid-FETCH of the raw bytes, mid-MOVE) while the user keeps dropping mail in, two worker processes running the real engine on one
 * PostgreSQL, killed with kill -9 three times at random moments and restarted. At the end: exactly N
 * email activities, no duplicate, one ledger row per message, all N in Processed, Tandem empty —
 * checked on Dovecot directly, past the proxy.
 *
 * Size: TANDEM_CHAOS_IMAP_MESSAGES (default 200: under ~2 minutes on the 2-core machine, most of it worker start-ups);
 * TANDEM_CHAOS_IMAP_CUT_RATE the share of connections cut (default 0.4).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../sim/common/random';
import { seedMessages } from '../../sim/common/seed';
import { messageIdsIn } from '../../src/providers/imap/imap-test-harness';
import { connectImapAccount, startMailServers, type MailServers } from '../capture/capture-harness';
import { startTcpProxy, type TcpProxy } from '../support/servers/tcp-proxy';
import { createTestCompany, testDrivers } from '../support/test-db';
import { captureFacts, envCount, killPoints, startChaosWorld, type ChaosWorld } from './chaos-harness';

const N = envCount('TANDEM_CHAOS_IMAP_MESSAGES', 200);
const CUT_RATE = Number(process.env.TANDEM_CHAOS_IMAP_CUT_RATE ?? 0.4);
/**
 * A cut connection dies somewhere in its first 16 KB. A run's calls share one connection, so that is
 * the login, a listing, the FETCH of a batch's raw bytes or a MOVE, whichever it is carrying then.
 */
const MAX_CUT_BYTES = 16 * 1024;
/** The user drops 10 messages a second: N = 200 arrive over ~20 s. */
const ARRIVAL_CHUNK = 10;
const ARRIVAL_PAUSE_MS = 1_000;
const contacts = ['Margaret Ellis <margaret.ellis@oakridge-hoa.example>', "Tom O'Brien <tom@obrien-properties.example>", 'Priya Natarajan <priya@natarajan-dental.example>'];

describe.runIf(testDrivers().includes('postgres'))('capture on Dovecot under cut connections and kill -9 (two worker processes)', () => {
  let servers: MailServers;
  let proxy: TcpProxy;
  let user: ImapFlow;
  let world: ChaosWorld;

  beforeAll(async () => {
    servers = await startMailServers(1);
    proxy = await startTcpProxy({ host: servers.dovecot.host, port: servers.dovecot.port });
  });
  afterAll(async () => {
    await world?.close();
    await user?.logout().catch(() => user.close());
    await proxy?.stop();
    await servers?.stop();
  });

  it(`${N} messages → ${N} activities, 0 duplicates, all in Processed`, async () => {
    const mailbox = servers.takeUser();
    // The user's own mail client talks to Dovecot directly: the checks never go through the faults.
    user = new ImapFlow({ host: servers.dovecot.host, port: servers.dovecot.port, secure: false, auth: { user: mailbox.user, pass: mailbox.password }, logger: false });
    user.on('error', () => undefined);
    await user.connect();

    world = await startChaosWorld({
      // A run every 0.6 s while the folder is non-empty: the schedule, not the test, drives capture.
      TANDEM_CAPTURE_INTERVAL_MINUTES: '0.01',
    });
    const { scope, userId } = await createTestCompany(world.t.db);
    for (const c of contacts) await world.t.db.repos.contacts.create(scope, { name: c, emails: [c.replace(/.*<|>$/g, '')] });

    // The folders exist before the mail arrives, as after the account's first run.
    await user.mailboxCreate('Tandem');
    await user.mailboxCreate('Processed');
    const seeded = seedMessages({ seed: 10, count: N, mailbox: mailbox.address, contacts, profile: 'small' });
    expect(new Set(seeded.map((m) => m.messageId)).size).toBe(N); // the premise: N distinct messages

    const faults = seededRandom(1010);
    proxy.cutEach(() => (faults() < CUT_RATE ? Math.floor(faults() * MAX_CUT_BYTES) : null));
    const viaProxy: MailServers = { ...servers, dovecot: { ...servers.dovecot, host: proxy.host, port: proxy.port } };
    const connected = await connectImapAccount(world.t.db, world.vault, scope, userId, viaProxy, mailbox, new Date());
    // Sync Email + Tandem folder, no calendar (this account has no CalDAV server).
    const account = await world.t.db.repos.accounts.update(scope, connected.id, { syncCalendar: false }, new Date());
    await Promise.all([world.start('A'), world.start('B')]);
    // Cut runs fail as transient and back off; after 8 failures in a row the engine parks the account
    // for an hour: "Sync now" every 2 s stands in for the user.
    world.nudge(account, 2_000);
    // The user drags mail in while the workers capture, so the kills land mid-work.
    const arrivals = (async () => {
      for (let i = 0; i < seeded.length; i += ARRIVAL_CHUNK) {
        for (const m of seeded.slice(i, i + ARRIVAL_CHUNK)) await user.append('Tandem', Buffer.from(m.raw));
        await delay(ARRIVAL_PAUSE_MS);
      }
    })();

    const random = seededRandom(1011);
    const captured = () => world.count('select count(*) as n from captured_messages where company_id = $1', [scope.companyId]);
    for (const point of killPoints(random, 3)) {
      await world.waitFor(`${Math.round(point * 100)} % captured`, async () => (await captured()) >= point * N, 300_000, 100);
      const victim = random() < 0.5 ? 'A' : 'B';
      await world.kill(victim);
      await world.start(victim);
    }
    await arrivals;
    const inFolder = async (name: string) => (await messageIdsIn(user, name)).length;
    await world.waitFor('every message in Processed', async () => (await inFolder('Tandem')) === 0 && (await inFolder('Processed')) === N, 600_000, 500);
    proxy.cutEach(null);

    expect(world.kills).toBe(3);
    // The faults really happened: the seeded draws cut the workers' connections. How many depends on
    // how many connections the workers open (timing: runs, kills, reconnects), so only one is certain;
    // one full run on a slow machine saw only 2.
    expect(proxy.cuts()).toBeGreaterThanOrEqual(1);
    expect(await messageIdsIn(user, 'Tandem')).toEqual([]);
    // Each message exactly once in Processed: a MOVE repeated after a cut never copies twice.
    expect((await messageIdsIn(user, 'Processed')).sort()).toEqual(seeded.map((m) => m.messageId).sort());
    expect(await captureFacts(world, scope.companyId)).toEqual({ activities: N, distinctDedupeKeys: N, withoutDedupeKey: 0, captured: N, distinctCaptured: N });
    const keys = await world.control.query<{ k: string }>(`select dedupe_key as k from activities where company_id = $1`, [scope.companyId]);
    expect(new Set(keys.rows.map((r) => r.k))).toEqual(new Set(seeded.map((m) => m.messageId)));
  }, 900_000);
});
