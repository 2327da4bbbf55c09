/**
 * Starts the three provider simulators together (each on its own ephemeral port unless told
 * otherwise) and fills them with the same demo company: users at greenleaf.example with seeded mail
 * and calendars, plus a shared mailbox and a distribution list so the refusal paths can be tried.
 * Used by `npm run sim`, `tandem demo` and end-to-end tests.
 */
import { systemClock, type Clock } from '../src/domain/clock';
import type { FetchLike } from '../src/providers/provider';
import { seedMessages } from './common/seed';
import { startExchangeSim } from './exchange';
import { startGoogleSim } from './google';
import { startMicrosoftSim } from './microsoft';

export type DemoMailboxType = 'user' | 'shared' | 'group';

export interface DemoMailbox {
  address: string;
  displayName: string;
  /** Sign-in password on every simulator (Exchange needs it; the OAuth pages ask for it). */
  password: string;
  type: DemoMailboxType;
  /** Exchange sign-in name in DOMAIN\user form (the UPN, i.e. the address, works too). */
  exchangeUsername: string;
}

function demo(local: string, displayName: string, type: DemoMailboxType): DemoMailbox {
  return {
    address: `${local}@greenleaf.example`,
    displayName,
    password: `${local}-Demo-2026`,
    type,
    exchangeUsername: `GREENLEAF\\${local}`,
  };
}

export const demoMailboxes: readonly DemoMailbox[] = [
  demo('ava', 'Ava Thompson', 'user'),
  demo('ben', 'Ben Okafor', 'user'),
  demo('cara', 'Cara Lindqvist', 'user'),
  // Connecting these must be refused (DESIGN.md "Refused on purpose").
  demo('office', 'Greenleaf Office (shared)', 'shared'),
  demo('crew', 'Greenleaf Field Crew (distribution list)', 'group'),
];

export interface StartSimulatorsOptions {
  /** Seed for ids, seeded content and rate-based faults (default 1). */
  seed?: number;
  clock?: Clock;
  /** Where Graph change notifications and Gmail/Calendar push are delivered (default global fetch). */
  notificationFetch?: FetchLike;
  /** Mailboxes to create; default `demoMailboxes`. Pass [] for empty simulators. */
  mailboxes?: readonly DemoMailbox[];
  /** Seeded messages per user mailbox (default 20). */
  messagesPerMailbox?: number;
  /** Seeded events per user mailbox (default 12). */
  eventsPerMailbox?: number;
  host?: string;
  /** Fixed ports (0 or absent = ephemeral). */
  ports?: { microsoft?: number; google?: number; exchange?: number };
}

export type MicrosoftSim = Awaited<ReturnType<typeof startMicrosoftSim>>;
export type GoogleSim = Awaited<ReturnType<typeof startGoogleSim>>;
export type ExchangeSim = Awaited<ReturnType<typeof startExchangeSim>>;

export interface Simulators {
  microsoft: MicrosoftSim;
  google: GoogleSim;
  exchange: ExchangeSim;
  /** The mailboxes created in them. */
  mailboxes: readonly DemoMailbox[];
  close(): Promise<void>;
}

interface SeedCounts {
  messages: number;
  events: number;
  seed: number;
}

/** The `seed(mailbox, counts)` each simulator adds over sim/common/seed.ts. */
interface Seedable {
  seed(mailbox: string, options: SeedCounts): unknown;
}

interface PlacesMessages {
  placeMessage(mailbox: string, folder: string, raw: Uint8Array): unknown;
}

function hasSeed(handle: object): handle is Seedable {
  return typeof (handle as Partial<Seedable>).seed === 'function';
}

/**
 * Seeds one mailbox through the simulator's own `seed` (mail + events in its model); a simulator
 * without one gets mail only, placed through `placeMessage` into its inbox / sent folder names.
 */
async function seedMailbox(handle: PlacesMessages & object, folders: { inbox: string; sent: string }, mailbox: string, counts: SeedCounts, now: Date): Promise<void> {
  if (hasSeed(handle)) {
    await handle.seed(mailbox, counts);
    return;
  }
  for (const m of seedMessages({ seed: counts.seed, count: counts.messages, mailbox, now })) {
    await handle.placeMessage(mailbox, m.direction === 'out' ? folders.sent : folders.inbox, m.raw);
  }
}

async function startAll(options: StartSimulatorsOptions): Promise<Omit<Simulators, 'mailboxes' | 'close'>> {
  const base = { seed: options.seed ?? 1, clock: options.clock, host: options.host ?? '127.0.0.1' };
  const started = await Promise.allSettled([
    startMicrosoftSim({ ...base, port: options.ports?.microsoft ?? 0, notificationFetch: options.notificationFetch }),
    startGoogleSim({ ...base, port: options.ports?.google ?? 0, notificationFetch: options.notificationFetch }),
    startExchangeSim({ ...base, port: options.ports?.exchange ?? 0 }),
  ]);
  const [microsoft, google, exchange] = started;
  if (microsoft.status === 'fulfilled' && google.status === 'fulfilled' && exchange.status === 'fulfilled') {
    return { microsoft: microsoft.value, google: google.value, exchange: exchange.value };
  }
  // One failed to start (e.g. a fixed port in use): stop the others rather than leak their sockets.
  await Promise.allSettled(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.close()] : [])));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  throw failure?.reason instanceof Error ? failure.reason : new Error('a simulator failed to start');
}

export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<Simulators> {
  const sims = await startAll(options);
  const close = async () => {
    await Promise.allSettled([sims.microsoft.close(), sims.google.close(), sims.exchange.close()]);
  };
  const mailboxes = options.mailboxes ?? demoMailboxes;
  const seed = options.seed ?? 1;
  // Mail is dated up to the simulators' "now", so it falls inside Tandem's sync window.
  const now = (options.clock ?? systemClock).now();
  const counts = (i: number): SeedCounts => ({ messages: options.messagesPerMailbox ?? 20, events: options.eventsPerMailbox ?? 12, seed: seed + i });
  try {
    for (const [i, m] of mailboxes.entries()) {
      const { address, displayName, password } = m;
      sims.microsoft.handle.addMailbox({ address, displayName, password, type: m.type });
      sims.exchange.handle.addMailbox({ address, displayName, password, username: m.exchangeUsername, type: m.type === 'group' ? 'distribution_list' : m.type });
      // Gmail has no shared mailboxes or lists behind an OAuth sign-in; only users exist there.
      if (m.type === 'user') sims.google.handle.addMailbox({ address, displayName, password });
      if (m.type !== 'user') continue;
      await seedMailbox(sims.microsoft.handle, { inbox: 'Inbox', sent: 'Sent Items' }, address, counts(i), now);
      await seedMailbox(sims.google.handle, { inbox: 'INBOX', sent: 'SENT' }, address, counts(i), now);
      await seedMailbox(sims.exchange.handle, { inbox: 'Inbox', sent: 'Sent Items' }, address, counts(i), now);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { ...sims, mailboxes, close };
}
