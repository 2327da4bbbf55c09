/**
 * Wiring for the capture and send tests: a real Dovecot + SMTP sink, a fresh store, accounts with
 * sealed credentials, and the lead's engine classes (AccountSync, OutboxWorker) driven by hand on a
 * FakeClock — no pg-boss, no sleeping.
 */
import { ImapFlow } from 'imapflow';
import { pino } from 'pino';
import { FakeClock } from '../../src/domain/clock';
import { imapProviderFactory } from '../../src/providers/imap/imap-provider';
import { messageIdsIn } from '../../src/providers/imap/imap-test-harness';
import { ProviderError } from '../../src/providers/errors';
import type { Credentials, MailAbility, OAuthAbility, OAuthCredentials, ProviderEndpoints, ProviderFactory, ProviderKind } from '../../src/providers/provider';
import type { Db } from '../../src/store/db';
import type { ConnectedAccount } from '../../src/store/repos/accounts';
import { vaultFromKeys, type Vault } from '../../src/store/vault';
import { AccountSync } from '../../src/sync/account-sync';
import { CredentialService, sealCredentials } from '../../src/sync/credentials';
import type { SyncFeature } from '../../src/sync/feature';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { OutboxWorker, type OutboxHandler } from '../../src/sync/outbox-worker';
import { ProviderAccess } from '../../src/sync/provider-access';
import { defaultRetryPolicyConfig, type RetryPolicyConfig } from '../../src/sync/retry-policy';
import { startDovecot, type DovecotServer, type ServerUser } from '../support/servers/dovecot';
import { startSmtpSink, type SmtpSink } from '../support/servers/smtp-sink';

export const silent = pino({ level: 'silent' });

export interface MailServers {
  dovecot: DovecotServer;
  smtp: SmtpSink;
  /** One mailbox per test, so tests never see each other's mail. */
  takeUser(): ServerUser & { address: string };
  stop(): Promise<void>;
}

export async function startMailServers(userCount: number): Promise<MailServers> {
  const users = Array.from({ length: userCount }, (_, i) => ({ user: `user${i + 1}`, password: `pw-${i + 1}` }));
  const [dovecot, smtp] = await Promise.all([startDovecot({ users }), startSmtpSink({ users })]);
  let next = 0;
  return {
    dovecot,
    smtp,
    takeUser() {
      const u = users[next++];
      if (!u) throw new Error('no Dovecot user left: raise userCount');
      return { ...u, address: `${u.user}@tandem.test` };
    },
    stop: async () => {
      await Promise.all([dovecot.stop(), smtp.stop()]);
    },
  };
}

/** How many copies of the message with this Message-ID the SMTP sink received. */
export const sinkCopies = (servers: MailServers, messageId: string): number =>
  servers.smtp.messages.filter((m) => m.raw.toString('latin1').includes(`Message-ID: ${messageId}`)).length;

export const testVault = (): Vault => vaultFromKeys('11'.repeat(32));

/** A connected account with credentials sealed as the connect flow would (any provider). */
export async function connectAccount(
  db: Db,
  vault: Vault,
  scope: { companyId: string },
  input: { userId: string; provider: ProviderKind; mailboxAddress: string; endpoints: ProviderEndpoints; credentials: Credentials; now: Date },
): Promise<ConnectedAccount> {
  const { credentials, now, ...fields } = input;
  const account = await db.repos.accounts.create(scope, { ...fields, now });
  const sealed = sealCredentials(vault, account.id, credentials);
  await db.repos.accounts.setCredentials(scope, account.id, sealed, now);
  return { ...account, credentialsSecret: sealed };
}

/** An IMAP account of `user` on the test servers. */
export function connectImapAccount(
  db: Db,
  vault: Vault,
  scope: { companyId: string },
  userId: string,
  servers: MailServers,
  user: ServerUser & { address: string },
  now: Date,
): Promise<ConnectedAccount> {
  const endpoints = {
    imap: { host: servers.dovecot.host, port: servers.dovecot.port, secure: false },
    smtp: { host: servers.smtp.host, port: servers.smtp.port, secure: false },
  };
  return connectAccount(db, vault, scope, { userId, provider: 'imap', mailboxAddress: user.address, endpoints, credentials: { kind: 'password', username: user.user, password: user.password }, now });
}

/** A Microsoft 365 account signed in on the simulator (credentials from the real OAuth flow). */
export function connectMicrosoftAccount(
  db: Db,
  vault: Vault,
  scope: { companyId: string },
  userId: string,
  address: string,
  credentials: OAuthCredentials,
  endpoints: ProviderEndpoints,
  now: Date,
): Promise<ConnectedAccount> {
  return connectAccount(db, vault, scope, { userId, provider: 'microsoft', mailboxAddress: address, endpoints, credentials, now });
}

export interface Fault {
  move?: number;
  moveLost?: number;
  sendTimeout?: number;
}

/**
 * A provider whose mail fails on purpose: markProcessed throws `move` times before working (a worker
 * that died after storing, before moving), or really moves and then throws `moveLost` times (the
 * answer was lost); send really sends and then reports a timeout `sendTimeout` times (the provider
 * accepted, we did not hear it). Counts the calls.
 */
export function withFaults(base: ProviderFactory, fault: Fault = {}): ProviderFactory & { moveCalls: number; sends: number } {
  let moveFailures = fault.move ?? 0;
  let movesLost = fault.moveLost ?? 0;
  let sendTimeouts = fault.sendTimeout ?? 0;
  const factory = {
    ...base,
    moveCalls: 0,
    sends: 0,
    create(ctx: Parameters<ProviderFactory['create']>[0]) {
      const provider = base.create(ctx);
      const mail = provider.mail;
      if (!mail) throw new Error(`${base.kind} provider without mail`);
      const wrapped: MailAbility = {
        ...mail,
        async markProcessed(folders, refs) {
          factory.moveCalls++;
          if (moveFailures-- > 0) throw new ProviderError('transient', 'injected: worker died before the move', { code: 'injected' });
          const moved = await mail.markProcessed(folders, refs);
          if (movesLost-- > 0) throw new ProviderError('transient', 'injected: the move happened, its answer was lost', { code: 'ETIMEDOUT', ambiguous: true });
          return moved;
        },
        async send(m) {
          factory.sends++;
          const sent = await mail.send(m);
          if (sendTimeouts-- > 0) throw new ProviderError('transient', 'injected: timeout after the provider accepted', { code: 'ETIMEDOUT', ambiguous: true });
          return sent;
        },
      };
      return { ...provider, mail: wrapped };
    },
  };
  return factory;
}

export interface TestEngine {
  clock: FakeClock;
  accountSync: AccountSync;
  outbox: OutboxWorker;
  /** Runs one sync of the account, as a pg-boss job would. */
  sync(account: ConnectedAccount): ReturnType<AccountSync['run']>;
}

export function testEngine(
  db: Db,
  vault: Vault,
  options: {
    features?: SyncFeature[];
    handlers?: OutboxHandler[];
    /** Registered under its kind (default: the IMAP provider). */
    factory?: ProviderFactory;
    retry?: Partial<RetryPolicyConfig>;
    clock?: FakeClock;
    oauth?: OAuthAbility;
  } = {},
): TestEngine {
  const clock = options.clock ?? new FakeClock('2026-11-02T09:00:00Z');
  const retry: RetryPolicyConfig = { ...defaultRetryPolicyConfig, random: () => 0.5, ...options.retry };
  const providers = new ProviderAccess({
    factories: { [options.factory?.kind ?? 'imap']: options.factory ?? imapProviderFactory },
    endpoints: {},
    oauthClients: {},
    fetch: (input, init) => fetch(input, init),
    clock,
    logger: silent,
    limiter: new MailboxLimiter(() => 4),
  });
  const credentials = new CredentialService({ db, vault, clock, oauthFor: () => options.oauth });
  const accountSync = new AccountSync({
    db,
    clock,
    logger: silent,
    credentials,
    providers,
    features: options.features ?? [],
    retry,
    scheduleAt: async () => undefined,
  });
  const outbox = new OutboxWorker({ db, clock, logger: silent, credentials, providers, handlers: options.handlers ?? [], retry });
  return {
    clock,
    accountSync,
    outbox,
    sync: (account) => accountSync.run({ accountId: account.id, companyId: account.companyId, reason: 'test' }),
  };
}

/** The user's own mail client on the test Dovecot. */
export async function mailClient(servers: MailServers, user: ServerUser): Promise<ImapFlow & { drop(folder: string, raw: Uint8Array): Promise<void>; ids(folder: string): Promise<string[]> }> {
  const client = new ImapFlow({ host: servers.dovecot.host, port: servers.dovecot.port, secure: false, auth: { user: user.user, pass: user.password }, logger: false });
  client.on('error', () => undefined);
  await client.connect();
  return Object.assign(client, {
    async drop(folder: string, raw: Uint8Array) {
      if (!(await client.list()).some((m) => m.path === folder)) await client.mailboxCreate(folder);
      await client.append(folder, Buffer.from(raw));
    },
    ids: (folder: string) => messageIdsIn(client, folder),
  });
}

let seq = 0;

/** A small RFC 822 message; `id` makes its Message-ID. */
export function rawMessage(o: { id?: string; from: string; to: string; cc?: string; replyTo?: string; subject?: string; body?: string; html?: string }): Uint8Array {
  const id = o.id ?? `m${++seq}-${Date.now()}@test.example`;
  const head = [
    `From: ${o.from}`,
    `To: ${o.to}`,
    ...(o.cc ? [`Cc: ${o.cc}`] : []),
    ...(o.replyTo ? [`Reply-To: ${o.replyTo}`] : []),
    `Subject: ${o.subject ?? 'Hello'}`,
    'Date: Mon, 02 Nov 2026 08:00:00 +0000',
    `Message-ID: <${id}>`,
    'MIME-Version: 1.0',
  ];
  const body = o.html
    ? ['Content-Type: text/html; charset=utf-8', '', o.html]
    : ['Content-Type: text/plain; charset=utf-8', '', o.body ?? 'Hi there.'];
  return new TextEncoder().encode([...head, ...body, ''].join('\r\n'));
}
