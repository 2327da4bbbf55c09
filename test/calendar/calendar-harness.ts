/**
 * Wiring for the calendar tests: a fresh store, one company / user / connected account, the lead's
 * engine classes (AccountSync with the calendar feature, OutboxWorker with the event handlers) on a
 * FakeClock, and CRM writes made exactly as the appointment API makes them (the row change and its
 * outbox row in one transaction). The provider side is whatever `side` the test starts.
 */
import { pino } from 'pino';
import { cancelCrmAppointment, createCrmAppointment, updateCrmAppointment } from '../../src/api/routes/appointment-writes';
import { validateAppointmentInput, type AppointmentInput } from '../../src/domain/appointments';
import { FakeClock } from '../../src/domain/clock';
import type { FetchLike, OAuthAbility, Provider, ProviderFactory, ProviderKind, ProviderEndpoints, Credentials } from '../../src/providers/provider';
import type { Db } from '../../src/store/db';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import type { Appointment } from '../../src/store/repos/appointments';
import { vaultFromKeys } from '../../src/store/vault';
import { AccountSync, type RunResult } from '../../src/sync/account-sync';
import { calendarFeature, type CalendarFeatureOptions } from '../../src/sync/calendar/calendar-feature';
import { eventOutboxHandlers } from '../../src/sync/calendar/event-outbox';
import { CredentialService, sealCredentials } from '../../src/sync/credentials';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { OutboxWorker, type DeliveryOutcome } from '../../src/sync/outbox-worker';
import { ProviderAccess } from '../../src/sync/provider-access';
import { defaultRetryPolicyConfig } from '../../src/sync/retry-policy';

export const silent = pino({ level: 'silent' });
export const startOfTest = '2026-11-02T09:00:00Z';

export interface AccountSetup {
  provider: ProviderKind;
  factory: ProviderFactory;
  mailbox: string;
  endpoints: ProviderEndpoints;
  credentials: Credentials;
}

export interface CalendarWorld {
  db: Db;
  clock: FakeClock;
  scope: { companyId: string };
  userId: string;
  account: ConnectedAccount;
  sync(): Promise<RunResult>;
  drain(): Promise<DeliveryOutcome[]>;
  crmCreate(input: Partial<AppointmentInput> & { subject: string }): Promise<Appointment>;
  crmUpdate(id: string, patch: Partial<AppointmentInput>): Promise<Appointment>;
  crmDelete(id: string): Promise<void>;
  /** Everything the account's calendar shows in Tandem (including cancelled rows). */
  rows(): Promise<Appointment[]>;
}

export interface WorldOptions {
  feature?: CalendarFeatureOptions;
  /** Wraps each provider the engine builds (fault injection). */
  wrap?: (p: Provider) => Provider;
  maxAttempts?: number;
  clock?: FakeClock;
  /** Token refresh for OAuth accounts. */
  oauth?: OAuthAbility;
  /** The engine's fetch (benchmarks count and time it). */
  fetch?: FetchLike;
}

export async function calendarWorld(db: Db, setup: AccountSetup, options: WorldOptions = {}): Promise<CalendarWorld> {
  const clock = options.clock ?? new FakeClock(startOfTest);
  const vault = vaultFromKeys('22'.repeat(32));
  const company = await db.repos.companies.create({ name: 'Calendar Test Co' });
  const scope = { companyId: company.id };
  const user = await db.repos.users.create(scope, { email: setup.mailbox, name: 'Cal User', timezone: 'Europe/Berlin' });
  const created = await db.repos.accounts.create(scope, { userId: user.id, provider: setup.provider, mailboxAddress: setup.mailbox, endpoints: setup.endpoints, syncEmail: false, now: clock.now() });
  const sealed = sealCredentials(vault, created.id, setup.credentials);
  await db.repos.accounts.setCredentials(scope, created.id, sealed, clock.now());
  const account = { ...created, credentialsSecret: sealed };

  const wrap = options.wrap ?? ((p: Provider) => p);
  const factory: ProviderFactory = { ...setup.factory, create: (ctx) => wrap(setup.factory.create(ctx)) };
  const retry = { ...defaultRetryPolicyConfig, random: () => 0.5, maxAttempts: options.maxAttempts ?? defaultRetryPolicyConfig.maxAttempts };
  const providers = new ProviderAccess({
    factories: { [setup.provider]: factory },
    endpoints: {},
    oauthClients: {},
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    clock,
    logger: silent,
    limiter: new MailboxLimiter(() => 4),
  });
  const credentials = new CredentialService({ db, vault, clock, oauthFor: () => options.oauth });
  const accountSync = new AccountSync({ db, clock, logger: silent, credentials, providers, features: [calendarFeature(options.feature)], retry, scheduleAt: async () => undefined });
  const outbox = new OutboxWorker({ db, clock, logger: silent, credentials, providers, handlers: eventOutboxHandlers(), retry });

  return {
    db,
    clock,
    scope,
    userId: user.id,
    account,
    sync: () => accountSync.run({ accountId: account.id, companyId: scope.companyId, reason: 'test' }),
    drain: () => outbox.drain(),
    async crmCreate(input) {
      const full: AppointmentInput = { startLocal: '2026-11-05T10:00:00', endLocal: '2026-11-05T11:00:00', timeZone: 'Europe/Berlin', allDay: false, ...input };
      const times = validateAppointmentInput(full);
      const now = clock.now();
      return db.transaction((tx) => createCrmAppointment(tx, scope, { ownerUserId: user.id, createdByUserId: user.id, input: full, times, accountId: account.id, now }));
    },
    async crmUpdate(id, patch) {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await tx.repos.appointments.get(scope, id);
        if (!current) throw new Error(`no appointment ${id}`);
        const merged: AppointmentInput = {
          subject: current.subject,
          startLocal: current.startLocal,
          endLocal: current.endLocal,
          timeZone: current.timeZone,
          allDay: current.allDay,
          sensitivity: current.sensitivity,
          attendees: current.attendees,
          ...(current.location ? { location: current.location } : {}),
          ...(current.body ? { bodyText: current.body } : {}),
          ...patch,
        };
        return updateCrmAppointment(tx, scope, current, merged, validateAppointmentInput(merged), now);
      });
    },
    async crmDelete(id) {
      const now = clock.now();
      await db.transaction(async (tx) => {
        const current = await tx.repos.appointments.get(scope, id);
        if (!current) throw new Error(`no appointment ${id}`);
        await cancelCrmAppointment(tx, scope, current, now);
      });
    },
    rows: () => db.repos.appointments.listForAccount(scope, account.id),
  };
}

/** Syncs and drains until a round changes nothing (or `max` rounds), advancing time past any backoff. */
export async function settle(world: CalendarWorld, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    world.clock.advance(10 * 60_000);
    const delivered = await world.drain();
    const run = await world.sync();
    const pending = await world.db.repos.outbox.list(world.scope, { status: 'pending' });
    if (delivered.length === 0 && run.outcome === 'succeeded' && run.items === 0 && pending.length === 0) return;
  }
  throw new Error(`calendar did not settle in ${max} rounds`);
}
