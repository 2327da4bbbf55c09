/**
 * The SMTP relay end to end, through the API: an administrator sets up the relay and a sending
 * domain, publishes the records Tandem shows in a local DNS server, and the live check passes; a
 * user without a mailbox then sends, and the relay (an in-process smtp-server) receives a message
 * whose DKIM signature mailauth verifies against that DNS. Broken DNS refuses the send naming the
 * record; a 550 fails the activity with the relay's answer; a reply lost after DATA is not resent.
 * The relay password appears in no API answer and no log line.
 */
import { authenticate } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsResolver } from '../../src/mailauth';
import { checkDomainCommand, parseCheckDomainArgs } from '../../src/cli/check-domain';
import { handoverMark, unconfirmedNote } from '../../src/sync/relay/relay-send';
import { relayPassword, relayUser, startRelayWorld, type RelayWorld } from './relay-harness';

const domain = 'greenleaf.test';

interface RecordView {
  purpose: string;
  host: string;
  type: string;
  value: string;
  chunks: string[];
  explanation: string;
}
interface CheckView {
  overall: string;
  spf: { status: string; code: string };
  dkim: { status: string; code: string; host: string; explanation: string };
  dmarc: { status: string; code: string };
  alignment: { status: string; code: string };
}

let w: RelayWorld;
const bodies: string[] = [];
let domainId = '';
let records: RecordView[] = [];

async function call(as: 'admin' | 'member' | 'other', method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const res = await w.call(as, method, url, payload);
  bodies.push(res.body);
  return res;
}

const publish = (list: RecordView[]) => w.dns.addRecords(Object.fromEntries(list.map((r) => [r.host, { TXT: [r.chunks] }])));
const check = async () => (await call('admin', 'POST', `/api/admin/domains/${domainId}/check`)).json<CheckView>();
const send = (subject: string) => call('member', 'POST', '/api/emails', { to: [{ address: 'carol@customer.test', name: 'Carol' }], subject, text: 'Your spring clean-up quote.' });
const status = async (id: string) => (await call('member', 'GET', `/api/emails/${id}/status`)).json<{ status: string; failureReason: string | null }>();

beforeAll(async () => {
  w = await startRelayWorld(domain);
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe('relay administration', () => {
  it('stores the relay with its password sealed and never returns it; members may not see it', async () => {
    const put = await call('admin', 'PUT', '/api/admin/relay', { host: '127.0.0.1', port: w.relayPort, tls: 'none', username: relayUser, password: relayPassword });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ host: '127.0.0.1', port: w.relayPort, tls: 'none', username: relayUser, passwordSet: true, updatedAt: expect.any(String) });
    const row = await w.db.repos.mailRelays.getRelay({ companyId: w.companyId });
    expect(row?.passwordSecret).toMatch(/^v1\./);
    expect(row?.passwordSecret).not.toContain(relayPassword);
    // Saving without a password keeps the stored one.
    const again = await call('admin', 'PUT', '/api/admin/relay', { host: '127.0.0.1', port: w.relayPort, tls: 'none', username: relayUser });
    expect(again.json()).toMatchObject({ passwordSet: true });
    expect((await call('admin', 'GET', '/api/admin/relay')).json()).toMatchObject({ relay: { host: '127.0.0.1', passwordSet: true } });
    expect((await call('member', 'GET', '/api/admin/relay')).statusCode).toBe(403);
  });

  it('test send: ok through the relay, or the relay answer when the password is wrong', async () => {
    const ok = await call('admin', 'POST', '/api/admin/relay/test', { to: 'ops@customer.test' });
    expect(ok.json()).toMatchObject({ ok: true, response: expect.stringContaining('queued as RELAY1') });
    expect(w.received.at(-1)?.to).toEqual(['ops@customer.test']);

    await call('admin', 'PUT', '/api/admin/relay', { host: '127.0.0.1', port: w.relayPort, tls: 'none', username: relayUser, password: 'wrong-password' });
    const refused = await call('admin', 'POST', '/api/admin/relay/test', { to: 'ops@customer.test' });
    expect(refused.json()).toMatchObject({ ok: false, kind: 'permission', code: 'relay_auth_failed', relayResponse: expect.stringContaining('535') });
    await call('admin', 'PUT', '/api/admin/relay', { host: '127.0.0.1', port: w.relayPort, tls: 'none', username: relayUser, password: relayPassword });
  });

  it('adds a domain with a 2048-bit DKIM key; the records to publish; the check passes once they are published', async () => {
    const added = await call('admin', 'POST', '/api/admin/domains', { domain: 'Greenleaf.TEST', dmarcReportAddress: `dmarc@${domain}` });
    expect(added.statusCode).toBe(201);
    const view = added.json<{ id: string; domain: string; selector: string; check: unknown }>();
    expect(view).toMatchObject({ domain, selector: 'tandem202611', check: null });
    domainId = view.id;
    const row = await w.db.repos.mailRelays.getDomain({ companyId: w.companyId }, domain);
    expect(row?.dkimPrivateKeySecret).not.toContain('PRIVATE KEY');
    // 2048-bit RSA public key: 294 bytes of SubjectPublicKeyInfo DER.
    expect(Buffer.from(row?.dkimPublicKey ?? '', 'base64').byteLength).toBe(294);

    records = (await call('admin', 'GET', `/api/admin/domains/${domainId}`)).json<{ records: RecordView[] }>().records;
    expect(records.map((r) => [r.purpose, r.host, r.type])).toEqual([
      ['spf', domain, 'TXT'],
      ['dkim', `tandem202611._domainkey.${domain}`, 'TXT'],
      ['dmarc', `_dmarc.${domain}`, 'TXT'],
    ]);
    expect(records[0]?.value).toBe('v=spf1 ip4:127.0.0.1 ~all');
    expect(records[2]?.value).toContain(`rua=mailto:dmarc@${domain}`);
    for (const r of records) expect(r.explanation.length).toBeGreaterThan(40);

    const before = await check();
    expect(before).toMatchObject({ overall: 'fail', spf: { code: 'spf_missing' }, dkim: { code: 'dkim_missing' }, dmarc: { code: 'dmarc_missing' } });

    publish(records);
    const after = await check();
    expect(after).toMatchObject({ overall: 'pass', spf: { status: 'pass' }, dkim: { status: 'pass' }, dmarc: { status: 'pass' }, alignment: { status: 'pass' } });
    // Another company sees neither the domain nor the relay, and cannot check it.
    expect((await call('other', 'GET', `/api/admin/domains/${domainId}`)).statusCode).toBe(404);
    expect((await call('other', 'POST', `/api/admin/domains/${domainId}/check`)).statusCode).toBe(404);
    expect((await call('other', 'GET', '/api/admin/domains')).json()).toEqual({ items: [] });
    expect((await call('other', 'GET', '/api/admin/relay')).json()).toEqual({ relay: null });
    const listed = (await call('admin', 'GET', '/api/admin/domains')).json<{ items: { id: string; check: { overall: string } | null }[] }>();
    expect(listed.items).toEqual([expect.objectContaining({ id: domainId, check: expect.objectContaining({ overall: 'pass' }) })]);
  });
});

describe('sending through the relay', () => {
  it('a user without a mailbox sends: queued, then one DKIM-signed message that mailauth verifies, then sent', async () => {
    const before = w.received.length;
    const res = await send('Spring quote');
    expect(res.statusCode).toBe(202);
    const activity = res.json<{ id: string; status: string }>();
    expect(activity.status).toBe('queued');

    expect(await w.worker.drain()).toEqual(['delivered']);
    expect(await w.worker.drain()).toEqual([]);
    expect(w.received.length).toBe(before + 1);
    const got = w.received.at(-1);
    if (!got) throw new Error('nothing received');
    expect(got.from).toBe(w.memberEmail);
    expect(got.to).toEqual(['carol@customer.test']);
    const stored = await w.db.repos.activities.get({ companyId: w.companyId }, activity.id);
    expect(got.raw.toString('latin1')).toContain(`Message-ID: ${stored?.dedupeKey}`);

    const auth = await authenticate(got.raw, {
      ip: '127.0.0.1',
      sender: got.from,
      helo: 'relay.greenleaf.test',
      mta: 'mx.customer.test',
      resolver: createDnsResolver({ servers: [w.dns.address], timeoutMs: 500, tries: 1 }),
      disableArc: true,
      disableBimi: true,
    });
    expect(auth.dkim.results[0]?.status.result).toBe('pass');
    expect(auth.dkim.results[0]?.signingDomain).toBe(domain);
    expect(auth.dmarc && auth.dmarc.status.result).toBe('pass');
    expect(await status(activity.id)).toEqual({ id: activity.id, status: 'sent', failureReason: null });
  });

  it('broken DNS: the check fails and a send is refused naming the wrong record', async () => {
    const dkimHost = `tandem202611._domainkey.${domain}`;
    w.dns.addRecords({ [dkimHost]: { TXT: ['v=DKIM1; k=rsa; p='] } });
    const failed = await check();
    expect(failed).toMatchObject({ overall: 'fail', dkim: { status: 'fail', host: dkimHost } });

    const before = w.received.length;
    const res = await send('Refused');
    expect(res.statusCode).toBe(409);
    const error = res.json<{ error: { code: string; message: string; reason: string; record: string; host: string } }>().error;
    expect(error).toMatchObject({ code: 'not_connected', reason: 'domain_not_passing', record: 'dkim', host: dkimHost });
    expect(error.message).toContain(`DKIM record (${dkimHost})`);
    expect(await w.worker.drain()).toEqual([]);
    expect(w.received.length).toBe(before);

    publish(records);
    expect((await check()).overall).toBe('pass');
  });

  it("a relay rejection (550) fails the activity with the relay's answer", async () => {
    w.behaviour.rejectRcpt = { code: 550, message: '5.1.1 <carol@customer.test>: Recipient address rejected' };
    try {
      const activity = (await send('Rejected')).json<{ id: string }>();
      expect(await w.worker.drain()).toEqual(['dead']);
      const s = await status(activity.id);
      expect(s.status).toBe('failed');
      expect(s.failureReason).toContain('550 5.1.1 <carol@customer.test>: Recipient address rejected');
    } finally {
      delete w.behaviour.rejectRcpt;
    }
  });

  it('a reply lost after DATA is not resent: sent, unconfirmed', async () => {
    w.behaviour.dropAfterData = true;
    try {
      const before = w.received.length;
      const activity = (await send('Dropped')).json<{ id: string }>();
      expect(await w.worker.drain()).toEqual(['delivered']);
      w.clock.advance(60 * 60_000);
      expect(await w.worker.drain()).toEqual([]);
      expect(w.received.length).toBe(before + 1);
      expect(await status(activity.id)).toMatchObject({ status: 'sent', failureReason: unconfirmedNote });
    } finally {
      delete w.behaviour.dropAfterData;
    }
  });

  it('a worker that died mid-handover: the repeat finds the mark and does not send again', async () => {
    const before = w.received.length;
    const activity = (await send('Crashed')).json<{ id: string }>();
    // A worker claims the row and opens the session, then dies: its lease runs out.
    const [row] = await w.db.repos.outbox.claimDueForSystem(w.clock.now(), { leaseMs: 60_000, kinds: ['relay_send'] });
    expect(row?.activityId).toBe(activity.id);
    await w.db.repos.activities.setStatus({ companyId: w.companyId }, activity.id, 'queued', handoverMark);
    w.clock.advance(120_000);
    expect(await w.worker.drain()).toEqual(['already_delivered']);
    expect(w.received.length).toBe(before);
    expect(await status(activity.id)).toMatchObject({ status: 'sent', failureReason: unconfirmedNote });
  });

  it('tandem check-domain prints the records and the live check', async () => {
    const out: string[] = [];
    const args = parseCheckDomainArgs([domain, '--dns', w.dns.address]);
    if (typeof args === 'string') throw new Error(args);
    expect(await checkDomainCommand(args, { db: w.db, vault: w.vault, clock: w.clock, out: (t) => out.push(t) })).toBe(0);
    const text = out.join('');
    expect(text).toContain(`SPF  ${domain}  TXT`);
    expect(text).toContain(records[1]?.value ?? 'missing');
    expect(text).toMatch(/Live check at .*: PASS/);
    expect(text).toContain(`PASS  DKIM at tandem202611._domainkey.${domain}`);

    w.dns.addRecords({ [domain]: { TXT: ['v=spf1 ip4:127.0.0.1 ~all', 'v=spf1 include:other.test ~all'] } });
    out.length = 0;
    expect(await checkDomainCommand(args, { db: w.db, vault: w.vault, clock: w.clock, out: (t) => out.push(t) })).toBe(1);
    expect(out.join('')).toContain(`FAIL  SPF at ${domain}: ${domain} has 2 SPF records`);
    expect(await checkDomainCommand({ ...args, domain: 'unknown.test' }, { db: w.db, vault: w.vault, out: (t) => out.push(t) })).toBe(2);
    expect(parseCheckDomainArgs([])).toMatch(/^usage/);
    publish(records);
  });

  it('the relay password appears in no API answer and no log line', () => {
    expect(bodies.length).toBeGreaterThan(10);
    expect(w.logLines.length).toBeGreaterThan(5);
    for (const b of bodies) expect(b).not.toContain(relayPassword);
    for (const l of w.logLines) expect(l).not.toContain(relayPassword);
  });
});
