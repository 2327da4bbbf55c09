import { createServer } from 'node:net';
import { authenticate } from 'mailauth';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../test/support/dns-server';
import { FakeClock } from '../domain/clock';
import { isProviderError } from '../providers/errors';
import { dkimRecordValue, generateDkimKey, type DkimKey } from './dkim-keys';
import { createDnsResolver } from './dns-resolver';
import { RelayError } from './map-smtp-error';
import { sendThroughRelay, type RelayMail } from './relay-sender';
import { parseRelaySettings, type RelaySettings, type RelaySettingsInput } from './relay-settings';
import { testSend } from './relay-test-send';

const relayIp = '192.0.2.25';
const selector = 'tandem202611';
const clock = new FakeClock('2026-11-02T09:00:00Z');

interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  user?: string;
  /** MAIL FROM parameters (BODY=8BITMIME…). */
  args: unknown;
}

/** An in-process SMTP server playing the relay; `behaviour` is changed per test. */
interface RelayBehaviour {
  rejectRcpt?: { address: string; code: number; message: string };
  mailFromError?: { code: number; message: string };
  /** Take the message and never answer (the reply is lost). */
  hangAfterData?: boolean;
}

let dns: TestDnsServer;
let key: DkimKey;
let received: Received[] = [];
let behaviour: RelayBehaviour = {};
const servers: SMTPServer[] = [];
let plainPort = 0;
let authPort = 0;
let tlsPort = 0;

async function listen(options: SMTPServerOptions): Promise<number> {
  const server = new SMTPServer({
    logger: false,
    hideENHANCEDSTATUSCODES: true,
    closeTimeout: 100,
    disabledCommands: [],
    ...options,
    onMailFrom(address, _session, cb) {
      const e = behaviour.mailFromError;
      if (e) return cb(Object.assign(new Error(e.message), { responseCode: e.code }));
      cb();
    },
    onRcptTo(address, _session, cb) {
      const r = behaviour.rejectRcpt;
      if (r && address.address === r.address) return cb(Object.assign(new Error(r.message), { responseCode: r.code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (behaviour.hangAfterData) return;
        const mailFrom = session.envelope.mailFrom;
        received.push({
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          args: mailFrom ? mailFrom.args : false,
          ...(session.user === undefined ? {} : { user: String(session.user) }),
        });
        cb(null, 'Ok: queued as TEST1');
      });
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const auth: SMTPServerOptions = {
  authMethods: ['PLAIN', 'LOGIN'],
  onAuth(a, _session, cb) {
    if (a.username === 'crm' && a.password === 'secret') return cb(null, { user: 'crm' });
    cb(new Error('Invalid username or password'));
  },
};

function settings(over: Partial<RelaySettingsInput> = {}): RelaySettings {
  return parseRelaySettings({ host: '127.0.0.1', port: plainPort, tls: 'none', rejectUnauthorized: false, connectionTimeoutMs: 2000, socketTimeoutMs: 5000, ...over });
}

function message(over: { from?: string; messageId?: string } = {}): RelayMail {
  const messageId = over.messageId ?? '<act-42.outbox-7@good.test>';
  const mime = [
    `From: Alice Agent <${over.from ?? 'alice@good.test'}>`,
    'To: Carol Customer <carol@customer.test>',
    'Cc: dave@customer.test',
    'Subject: Your quote',
    'Date: Mon, 02 Nov 2026 09:00:00 +0000',
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Hello Carol,',
    '.a line starting with a dot, and ünïcödé.',
    '',
  ].join('\r\n');
  return { mime: Buffer.from(mime, 'utf8'), messageId, recipients: ['carol@customer.test', 'dave@customer.test', 'erin@hidden.test'], from: 'bounces@good.test' };
}

const signingKey = (): { domain: string; selector: string; privateKeyPem: string } => ({ domain: 'good.test', selector, privateKeyPem: key.privateKeyPem });

async function sendExpectingError(s: RelaySettings, mail = message()): Promise<RelayError> {
  const err: unknown = await sendThroughRelay(s, mail, signingKey(), { clock }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RelayError)) throw new Error(`expected a RelayError, got ${String(err)}`);
  return err;
}

beforeAll(async () => {
  key = await generateDkimKey('good.test', selector);
  dns = await startDnsServer({
    'good.test': { TXT: [`v=spf1 ip4:${relayIp} -all`] },
    [`${selector}._domainkey.good.test`]: { TXT: [dkimRecordValue(key.publicKeyBase64)] },
    '_dmarc.good.test': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@good.test'] },
  });
  plainPort = await listen({ authOptional: true, disabledCommands: ['STARTTLS'] });
  authPort = await listen({ ...auth, allowInsecureAuth: false });
  tlsPort = await listen({ ...auth, secure: true });
});

beforeEach(() => {
  received = [];
  behaviour = {};
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  await dns?.close();
});

describe('sendThroughRelay', () => {
  it('delivers the exact message, DKIM-signed so that SPF, DKIM and DMARC pass at the receiver', async () => {
    const result = await sendThroughRelay(settings(), message(), signingKey(), { clock });
    expect(result).toMatchObject({ messageId: '<act-42.outbox-7@good.test>', rejected: [], accepted: ['carol@customer.test', 'dave@customer.test', 'erin@hidden.test'] });
    expect(result.response).toMatch(/^250 .*queued as TEST1/);

    expect(received).toHaveLength(1);
    const got = received[0];
    if (!got) throw new Error('nothing received');
    expect(got.from).toBe('bounces@good.test');
    expect(got.args).toMatchObject({ BODY: '8BITMIME' });
    expect(got.to).toEqual(['carol@customer.test', 'dave@customer.test', 'erin@hidden.test']);
    expect(got.raw.toString('utf8')).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=good\.test;\r\n h=[^;]*Message-ID[^;]*;.* s=tandem202611;/);
    expect(got.raw.toString('utf8')).toContain('\r\nMessage-ID: <act-42.outbox-7@good.test>\r\n');
    expect(got.raw.toString('utf8')).toContain('\r\n.a line starting with a dot, and ünïcödé.\r\n');

    const auth = await authenticate(got.raw, {
      ip: relayIp,
      sender: got.from,
      helo: 'relay.good.test',
      mta: 'mx.customer.test',
      resolver: createDnsResolver({ servers: [dns.address], timeoutMs: 500, tries: 1 }),
      disableArc: true,
      disableBimi: true,
    });
    expect(auth.dkim.results.map((r) => [r.signingDomain, r.status.result])).toEqual([['good.test', 'pass']]);
    expect(auth.dkim.results[0]?.signingHeaders?.keys).toMatch(/Message-ID/i);
    expect(auth.spf && auth.spf.status.result).toBe('pass');
    expect(auth.dmarc && auth.dmarc.status.result).toBe('pass');
  });

  it('logs in with STARTTLS and with implicit TLS', async () => {
    await sendThroughRelay(settings({ port: authPort, tls: 'starttls', username: 'crm', password: 'secret' }), message(), signingKey(), { clock });
    await sendThroughRelay(settings({ port: tlsPort, tls: 'tls', username: 'crm', password: 'secret' }), message(), signingKey(), { clock });
    expect(received.map((r) => r.user)).toEqual(['crm', 'crm']);
  });

  it('reports a wrong password as a settings problem, not something to retry', async () => {
    const err = await sendExpectingError(settings({ port: authPort, tls: 'starttls', username: 'crm', password: 'wrong' }));
    expect(err).toMatchObject({ kind: 'permission', code: 'relay_auth_failed', status: 535 });
    expect(err.message).toMatch(/username and password.*535/);
    expect(received).toHaveLength(0);
  });

  it('refuses to send in the clear when STARTTLS is required but not offered', async () => {
    const err = await sendExpectingError(settings({ tls: 'starttls' }));
    expect(err.kind).toBe('permanent');
    expect(err.code).toBe('relay_tls_failed');
  });

  it('classifies a 550 rejection of every recipient as permanent, keeping the relay answer', async () => {
    behaviour.rejectRcpt = { address: 'only@customer.test', code: 550, message: '5.1.1 <only@customer.test>: Recipient address rejected: User unknown' };
    const mail = { ...message(), recipients: ['only@customer.test'] };
    const err = await sendExpectingError(settings(), mail);
    expect(isProviderError(err)).toBe(true);
    expect(err).toMatchObject({ kind: 'permanent', status: 550, code: '5.1.1', ambiguous: false });
    expect(err.message).toBe('failed / undeliverable: 550 5.1.1 <only@customer.test>: Recipient address rejected: User unknown');
    expect(err.relayResponse).toBe('550 5.1.1 <only@customer.test>: Recipient address rejected: User unknown');
  });

  it('sends to the others when one recipient is refused, and reports that one', async () => {
    behaviour.rejectRcpt = { address: 'dave@customer.test', code: 550, message: '5.1.1 <dave@customer.test>: User unknown' };
    const result = await sendThroughRelay(settings(), message(), signingKey(), { clock });
    expect(result.accepted).toEqual(['carol@customer.test', 'erin@hidden.test']);
    expect(result.rejected).toEqual([{ recipient: 'dave@customer.test', status: 550, response: '550 5.1.1 <dave@customer.test>: User unknown' }]);
    expect(received[0]?.to).toEqual(['carol@customer.test', 'erin@hidden.test']);
  });

  it('classifies 421 as transient', async () => {
    behaviour.mailFromError = { code: 421, message: '4.7.0 Try again later, closing connection' };
    const err = await sendExpectingError(settings());
    expect(err).toMatchObject({ kind: 'transient', status: 421, code: '4.7.0' });
    expect(err.relayResponse).toBe('421 4.7.0 Try again later, closing connection');
  });

  it('marks a reply lost after the message was handed over as ambiguous', async () => {
    behaviour.hangAfterData = true;
    const err = await sendExpectingError(settings({ socketTimeoutMs: 300 }));
    expect(err).toMatchObject({ kind: 'transient', code: 'ETIMEDOUT', ambiguous: true });
  });

  it('classifies a refused connection as transient', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const address = closed.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await sendExpectingError(settings({ port: address.port }));
    expect(err).toMatchObject({ kind: 'transient', code: 'ESOCKET', ambiguous: false });
  });

  it('refuses a From outside the signing domain and a Message-ID other than ours before connecting', async () => {
    await expect(sendThroughRelay(settings(), message({ from: 'alice@other.test' }), signingKey(), { clock })).rejects.toMatchObject({ kind: 'invalid_input', code: 'from_not_aligned' });
    const wrongId = { ...message(), messageId: '<different@good.test>' };
    await expect(sendThroughRelay(settings(), wrongId, signingKey(), { clock })).rejects.toMatchObject({ kind: 'invalid_input', code: 'message_id_mismatch' });
    // A subdomain of the signing domain aligns (relaxed alignment).
    await sendThroughRelay(settings(), message({ from: 'alice@eu.good.test' }), signingKey(), { clock });
    expect(received).toHaveLength(1);
  });
});

describe('testSend', () => {
  it('sends a signed test message and says it worked', async () => {
    const result = await testSend(settings({ port: authPort, tls: 'starttls', username: 'crm', password: 'secret' }), { from: 'it@good.test', to: 'admin@good.test', key: signingKey() }, { clock, newId: () => 'abc' });
    expect(result).toMatchObject({ ok: true, messageId: '<relay-test.abc@good.test>', signed: true });
    expect(received[0]?.raw.toString()).toMatch(/^DKIM-Signature:/);
  });

  it('explains a failure instead of throwing', async () => {
    const result = await testSend(settings({ port: authPort, tls: 'starttls', username: 'crm', password: 'nope' }), { from: 'it@good.test', to: 'admin@good.test' }, { clock, newId: () => 'abc' });
    expect(result).toMatchObject({ ok: false, kind: 'permission', code: 'relay_auth_failed' });
  });
});
