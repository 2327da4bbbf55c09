/** An engine under test in this process: real store, fake provider, fake clock, no pg-boss. */
import { randomBytes } from 'node:crypto';
import { FakeClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import type { Credentials } from '../../src/providers/provider';
import type { Db } from '../../src/store/db';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import { createVault, type Vault } from '../../src/store/vault';
import { AccountSync } from '../../src/sync/account-sync';
import { CredentialService, sealCredentials } from '../../src/sync/credentials';
import type { SyncFeature } from '../../src/sync/feature';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { OutboxWorker, type OutboxHandler } from '../../src/sync/outbox-worker';
import { ProviderAccess } from '../../src/sync/provider-access';
import { defaultRetryPolicyConfig, type RetryPolicyConfig } from '../../src/sync/retry-policy';
import { createTestDb, type TestDriver } from '../support/test-db';
import { FakeProviderState, fakeCaptureFeature, fakeFactory } from '../support/fake-provider';

export interface EngineHarness {
  db: Db;
  clock: FakeClock;
  vault: Vault;
  state: FakeProviderState;
  companyId: string;
  userId: string;
  sync: AccountSync;
  scheduled: { accountId: string; at: Date }[];
  retry: RetryPolicyConfig;
  addAccount(mailbox: string, credentials?: Partial<Credentials>): Promise<ConnectedAccount>;
  account(id: string): Promise<ConnectedAccount>;
  outboxWorker(handlers: OutboxHandler[], onTokenDead?: (account: ConnectedAccount) => Promise<void>): OutboxWorker;
  close(): Promise<void>;
}

export interface EngineHarnessOptions {
  /** The features account runs carry out (default: one fake capture call reporting one item). */
  features?: (state: FakeProviderState) => SyncFeature[];
}

export async function startEngineHarness(driver: TestDriver, options: EngineHarnessOptions = {}): Promise<EngineHarness> {
  const { db, cleanup } = await createTestDb(driver);
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const logger = createLogger('silent');
  const vault = createVault(new Map([['k1', randomBytes(32)]]), 'k1');
  const state = new FakeProviderState();
  state.now = () => clock.now();
  const company = await db.repos.companies.create({ name: 'Engine Test Co' });
  const scope = { companyId: company.id };
  const user = await db.repos.users.create(scope, { email: 'owner@engine.example', name: 'Owner' });
  const providers = new ProviderAccess({
    factories: { microsoft: fakeFactory(state) },
    endpoints: {},
    oauthClients: { microsoft: { clientId: 'id', clientSecret: 'secret' } },
    fetch: () => Promise.reject(new Error('no network in engine tests')),
    clock,
    logger,
    limiter: new MailboxLimiter(() => 4),
  });
  const credentials = new CredentialService({ db, vault, clock, oauthFor: (a) => providers.oauthFor(a) });
  // Jitter pinned to its maximum so delays are exact.
  const retry: RetryPolicyConfig = { ...defaultRetryPolicyConfig, random: () => 0.999 };
  const scheduled: { accountId: string; at: Date }[] = [];
  const sync = new AccountSync({
    db,
    clock,
    logger,
    credentials,
    providers,
    features: options.features?.(state) ?? [fakeCaptureFeature(state)],
    retry,
    scheduleAt: async (account, at) => {
      scheduled.push({ accountId: account.id, at });
    },
  });
  let n = 0;
  const account = async (id: string): Promise<ConnectedAccount> => {
    const a = await db.repos.accounts.get(scope, id);
    if (!a) throw new Error(`no account ${id}`);
    return a;
  };
  return {
    db,
    clock,
    vault,
    state,
    companyId: company.id,
    userId: user.id,
    sync,
    scheduled,
    retry,
    async addAccount(mailbox, creds = {}) {
      const created = await db.repos.accounts.create(scope, { userId: (await db.repos.users.create(scope, { email: `u${n++}-${mailbox}`, name: 'U' })).id, provider: 'microsoft', mailboxAddress: mailbox, now: clock.now() });
      const full = {
        kind: 'oauth',
        accessToken: 'access-0',
        refreshToken: 'refresh-0',
        accessTokenExpiresAt: new Date(clock.now().getTime() + 3600_000).toISOString(),
        ...creds,
      } as Credentials;
      await db.repos.accounts.setCredentials(scope, created.id, sealCredentials(vault, created.id, full), clock.now());
      return account(created.id);
    },
    account,
    outboxWorker(handlers, onTokenDead) {
      return new OutboxWorker({ db, clock, logger, credentials, providers, handlers, retry: { ...retry, maxAttempts: 3 }, ...(onTokenDead ? { onTokenDead } : {}) });
    },
    close: cleanup,
  };
}
