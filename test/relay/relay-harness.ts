/**
 * The relay product under test: the real admin and email routes on Fastify (inject), a PGlite
 * store, the lead's OutboxWorker with the relay_send handler on a FakeClock, a local DNS server and
 * an in-process SMTP server playing the company relay (AUTH required). Every log line the app and
 * the worker write is kept, so a test can prove the relay password never appears in one.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { buildApp, CSRF_HEADER, SESSION_COOKIE } from '../../src/api/app';
import { emailRoutes } from '../../src/api/routes/emails';
import { mailauthRoutes } from '../../src/api/routes/mailauth';
import type { Caller } from '../../src/api/route';
import { FakeClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import type { Db } from '../../src/store/db';
import { createVault, type Vault } from '../../src/store/vault';
import { CredentialService } from '../../src/sync/credentials';
import { MailboxLimiter } from '../../src/sync/mailbox-limiter';
import { OutboxWorker } from '../../src/sync/outbox-worker';
import { ProviderAccess } from '../../src/sync/provider-access';
import { relaySendHandler } from '../../src/sync/relay/relay-send';
import { defaultRetryPolicyConfig } from '../../src/sync/retry-policy';
import { startDnsServer, type TestDnsServer } from '../support/dns-server';
import { createTestDb, type TestDb } from '../support/test-db';

export const relayUser = 'crm-relay';
export const relayPassword = 'Relay-P4ssw0rd-never-shown';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
}

/** What the relay does next; tests change it. */
export interface RelayBehaviour {
  /** Answer RCPT TO for every recipient with this code and text. */
  rejectRcpt?: { code: number; message: string };
  /** Take the message, then drop the connection without answering (the reply is lost). */
  dropAfterData?: boolean;
}

export interface RelayWorld {
  t: TestDb;
  db: Db;
  vault: Vault;
  clock: FakeClock;
  app: FastifyInstance;
  dns: TestDnsServer;
  relayPort: number;
  received: ReceivedMail[];
  behaviour: RelayBehaviour;
  logLines: string[];
  worker: OutboxWorker;
  companyId: string;
  adminId: string;
  /** A member with no mailbox, at the sending domain. */
  memberId: string;
  memberEmail: string;
  /** `other`: an administrator of another company. */
  call(as: 'admin' | 'member' | 'other', method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

async function startRelay(received: ReceivedMail[], behaviour: RelayBehaviour): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({
    logger: false,
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    closeTimeout: 100,
    onAuth(auth, _session, cb) {
      if (auth.username === relayUser && auth.password === relayPassword) return cb(null, { user: auth.username });
      cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, cb) {
      const r = behaviour.rejectRcpt;
      if (r) return cb(Object.assign(new Error(r.message), { responseCode: r.code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        received.push({ from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
        if (behaviour.dropAfterData) {
          // The relay took the message but its "250 queued" never arrives.
          // smtp-server keeps each connection's socket on its connection object (not typed).
          const open = (server as unknown as { connections: Set<{ session: { id: string }; _socket: { destroy(): void } }> }).connections;
          for (const c of open) if (c.session.id === session.id) c._socket.destroy();
          return;
        }
        cb(null, 'Ok: queued as RELAY1');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');
  return { server, port: address.port };
}

export async function startRelayWorld(domain: string): Promise<RelayWorld> {
  const t = await createTestDb('pglite');
  const { db } = t;
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const vault = createVault(new Map([['k1', randomBytes(32)]]), 'k1');
  const logLines: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const company = await db.repos.companies.create({ name: 'Greenleaf' });
  const scope = { companyId: company.id };
  const admin = await db.repos.users.create(scope, { email: `admin@${domain}`, name: 'Ada Admin', role: 'admin' });
  const memberEmail = `mo@${domain}`;
  const member = await db.repos.users.create(scope, { email: memberEmail, name: 'Mo Member', role: 'member' });
  const other = await db.repos.companies.create({ name: 'Bravo' });
  const otherAdmin = await db.repos.users.create({ companyId: other.id }, { email: `admin@bravo.test`, name: 'Bo Admin', role: 'admin' });
  const dns = await startDnsServer({});
  const received: ReceivedMail[] = [];
  const behaviour: RelayBehaviour = {};
  const relay = await startRelay(received, behaviour);

  const callers = new Map<string, Caller>([
    ['admin', { companyId: company.id, userId: admin.id, role: 'admin', sessionId: 's-admin', csrfToken: 'csrf' }],
    ['member', { companyId: company.id, userId: member.id, role: 'member', sessionId: 's-member', csrfToken: 'csrf' }],
    ['other', { companyId: other.id, userId: otherAdmin.id, role: 'admin', sessionId: 's-other', csrfToken: 'csrf' }],
  ]);
  let ids = 0;
  const routeDeps = { db, clock, config: { publicUrl: 'http://localhost', dnsServers: [dns.address] }, randomToken: () => 'x' };
  const app = await buildApp({
    logger,
    metrics: createMetrics({ defaults: false }),
    sessions: { resolve: async (token) => callers.get(token) ?? null },
    ready: async () => true,
    routes: [
      ...emailRoutes({ ...routeDeps, wakeOutbox: async () => {}, newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}` }),
      ...mailauthRoutes({ ...routeDeps, vault, dnsServers: [dns.address], newId: () => `test-${++ids}` }),
    ],
  });
  await app.ready();

  const providers = new ProviderAccess({ factories: {}, endpoints: {}, oauthClients: {}, fetch: (i, init) => fetch(i, init), clock, logger, limiter: new MailboxLimiter(() => 4) });
  const worker = new OutboxWorker({
    db,
    clock,
    logger,
    credentials: new CredentialService({ db, vault, clock, oauthFor: () => undefined }),
    providers,
    handlers: [relaySendHandler({ vault })],
    retry: { ...defaultRetryPolicyConfig, maxAttempts: 3, random: () => 0 },
  });

  return {
    t,
    db,
    vault,
    clock,
    app,
    dns,
    relayPort: relay.port,
    received,
    behaviour,
    logLines,
    worker,
    companyId: company.id,
    adminId: admin.id,
    memberId: member.id,
    memberEmail,
    call: (as, method, url, payload) =>
      app.inject({ method, url, cookies: { [SESSION_COOKIE]: as }, headers: { [CSRF_HEADER]: 'csrf' }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) }),
    async close() {
      await app.close();
      await new Promise<void>((resolve) => relay.server.close(() => resolve()));
      await dns.close();
      await t.cleanup();
    },
  };
}
