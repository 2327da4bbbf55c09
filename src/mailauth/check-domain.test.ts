import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../domain/clock';
import { startDnsServer, type DnsZone, type TestDnsServer } from '../../test/support/dns-server';
import { checkDomain, currentRecords, type DomainCheckInput } from './check-domain';
import type { CheckCode, DomainCheckResult, RecordCheck } from './check-result';
import { dkimRecordValue, generateDkimKey, type DkimKey } from './dkim-keys';
import { createDnsResolver } from './dns-resolver';
import { recordsToPublish } from './records';

const relayIp = '192.0.2.25';
const selector = 'tandem202611';
const clock = new FakeClock('2026-11-02T09:00:00Z');

let dns: TestDnsServer;
let ours: DkimKey;
let other: DkimKey;

/** A domain with correct SPF, DKIM and DMARC; `change` overrides single names. */
function domainZone(domain: string, change: DnsZone = {}): DnsZone {
  return {
    [domain]: { TXT: [`v=spf1 ip4:${relayIp} ~all`, 'google-site-verification=abc'] },
    [`${selector}._domainkey.${domain}`]: { TXT: [dkimRecordValue(ours.publicKeyBase64)] },
    [`_dmarc.${domain}`]: { TXT: [`v=DMARC1; p=none; rua=mailto:dmarc@${domain}`] },
    ...change,
  };
}

function chain(prefix: string, depth: number): DnsZone {
  const zone: DnsZone = {};
  for (let i = 1; i <= depth; i++) {
    const next = i < depth ? ` include:${prefix}${i + 1}.chain.test` : '';
    zone[`${prefix}${i}.chain.test`] = { TXT: [`v=spf1 a:host${i}.chain.test${next} ~all`] };
  }
  return zone;
}

async function check(domain: string, extra: Partial<DomainCheckInput> = {}, resolver = createDnsResolver({ servers: [dns.address], timeoutMs: 500, tries: 1 })): Promise<DomainCheckResult> {
  return checkDomain({ domain, key: { selector, privateKeyPem: ours.privateKeyPem }, relay: { kind: 'ip', addresses: [relayIp] }, ...extra }, { resolver, clock });
}

const codes = (r: RecordCheck): CheckCode[] => r.issues.map((i) => i.code);

beforeAll(async () => {
  [ours, other] = await Promise.all([generateDkimKey('good.test', selector), generateDkimKey('good.test', selector)]);
  dns = await startDnsServer({
    ...domainZone('good.test'),
    ...domainZone('neutral.test', { 'neutral.test': { TXT: [`v=spf1 ip4:${relayIp} ?all`] } }),
    ...domainZone('nospf.test', { 'nospf.test': { TXT: ['some other text'] } }),
    ...domainZone('twospf.test', { 'twospf.test': { TXT: [`v=spf1 ip4:${relayIp} ~all`, 'v=spf1 include:mail.example ~all'] } }),
    ...domainZone('lookups.test', { 'lookups.test': { TXT: [`v=spf1 ip4:${relayIp} include:l1.chain.test ~all`] } }),
    ...chain('l', 11),
    ...domainZone('plusall.test', { 'plusall.test': { TXT: [`v=spf1 ip4:${relayIp} +all`] } }),
    ...domainZone('notrelay.test', { 'notrelay.test': { TXT: ['v=spf1 ip4:198.51.100.7 -all'] } }),
    ...domainZone('incl.test', { 'incl.test': { TXT: ['v=spf1 include:spf.relay.test -all'] } }),
    'spf.relay.test': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] },
    ...domainZone('brokeninclude.test', { 'brokeninclude.test': { TXT: [`v=spf1 ip4:${relayIp} include:gone.test -all`] } }),
    ...domainZone('wrongkey.test', { [`${selector}._domainkey.wrongkey.test`]: { TXT: [dkimRecordValue(other.publicKeyBase64)] } }),
    ...domainZone('nodkim.test', { [`${selector}._domainkey.nodkim.test`]: {} }),
    ...domainZone('baddkim.test', { [`${selector}._domainkey.baddkim.test`]: { TXT: [dkimRecordValue(ours.publicKeyBase64.slice(0, 120))] } }),
    ...domainZone('revoked.test', { [`${selector}._domainkey.revoked.test`]: { TXT: ['v=DKIM1; k=rsa; p='] } }),
    ...domainZone('nodmarc.test', { '_dmarc.nodmarc.test': {} }),
    ...domainZone('baddmarc.test', { '_dmarc.baddmarc.test': { TXT: ['v=DMARC1; p=maybe; rua=dmarc@baddmarc.test'] } }),
    ...domainZone('notdmarc.test', { '_dmarc.notdmarc.test': { TXT: ['p=none; rua=mailto:d@notdmarc.test'] } }),
    ...domainZone('mail.good.test', { '_dmarc.mail.good.test': {} }),
    'other.test': { A: ['198.51.100.9'] },
  });
});

afterAll(async () => {
  await dns?.close();
});

describe('checkDomain', () => {
  it('passes a domain with correct SPF, DKIM and DMARC', async () => {
    const r = await check('good.test');
    expect(r.overall).toBe('pass');
    expect([r.spf.code, r.dkim.code, r.dmarc.code, r.alignment.code]).toEqual(['spf_ok', 'dkim_ok', 'dmarc_ok', 'aligned']);
    expect(r.spf.found).toEqual([`v=spf1 ip4:${relayIp} ~all`]);
    expect(r.dkim.host).toBe(`${selector}._domainkey.good.test`);
    expect(r.checkedAt).toBe('2026-11-02T09:00:00.000Z');
  });

  it.each<[string, Partial<DomainCheckInput>, keyof Pick<DomainCheckResult, 'spf' | 'dkim' | 'dmarc' | 'alignment'>, CheckCode, RegExp]>([
    ['nospf.test', {}, 'spf', 'spf_missing', /no SPF record/],
    ['twospf.test', {}, 'spf', 'spf_multiple', /2 SPF records/],
    ['lookups.test', {}, 'spf', 'spf_too_many_lookups', /takes 1[1-9] DNS lookups/],
    ['plusall.test', {}, 'spf', 'spf_plus_all', /every server on the internet/],
    ['notrelay.test', {}, 'spf', 'spf_relay_not_authorised', /does not authorise the relay address 192\.0\.2\.25/],
    ['incl.test', { relay: { kind: 'include', domain: 'spf.relay.test' }, relayIps: ['203.0.113.5'] }, 'spf', 'spf_relay_not_authorised', /203\.0\.113\.5/],
    ['incl.test', { relay: { kind: 'include', domain: 'spf.other.test' } }, 'spf', 'spf_relay_not_authorised', /include:spf\.other\.test/],
    ['brokeninclude.test', {}, 'spf', 'spf_include_missing', /includes gone\.test/],
    ['wrongkey.test', {}, 'dkim', 'dkim_key_mismatch', /different key/],
    ['nodkim.test', {}, 'dkim', 'dkim_missing', /no DKIM record/],
    ['baddkim.test', {}, 'dkim', 'dkim_malformed', /cannot be read/],
    ['revoked.test', {}, 'dkim', 'dkim_malformed', /revoked/],
    ['nodmarc.test', {}, 'dmarc', 'dmarc_missing', /no DMARC record/],
    ['baddmarc.test', {}, 'dmarc', 'dmarc_malformed', /p=maybe.*mailto:/],
    ['notdmarc.test', {}, 'dmarc', 'dmarc_malformed', /does not begin with v=DMARC1/],
    ['good.test', { fromAddress: 'alice@other.test' }, 'alignment', 'from_not_aligned', /From other\.test/],
  ])('%s: %s → %s %s', async (domain, extra, record, code, explanation) => {
    const r = await check(domain, extra);
    expect(r.overall).toBe('fail');
    expect(r[record].status).toBe('fail');
    expect(r[record].code).toBe(code);
    expect(r[record].explanation).toMatch(explanation);
    // The failure is specific: the other records stay fine.
    for (const other of (['spf', 'dkim', 'dmarc', 'alignment'] as const).filter((k) => k !== record)) expect(r[other].status).toBe('pass');
  });

  it('accepts an include relay by evaluating its address, or by finding the include', async () => {
    const withIp = await check('incl.test', { relay: { kind: 'include', domain: 'spf.relay.test' }, relayIps: [relayIp] });
    expect(withIp.spf.code).toBe('spf_ok');
    const withoutIp = await check('incl.test', { relay: { kind: 'include', domain: 'spf.relay.test' } });
    expect(withoutIp.overall).toBe('pass');
  });

  it('warns about ?all without failing the domain', async () => {
    const r = await check('neutral.test');
    expect(r.spf).toMatchObject({ status: 'warn', code: 'spf_neutral_all' });
    expect(r.overall).toBe('pass');
  });

  it('lists every SPF problem, worst first', async () => {
    dns.addRecords({ 'multi.test': { TXT: ['v=spf1 ip4:198.51.100.7 ?all'] } });
    const r = await check('multi.test');
    expect(codes(r.spf)).toEqual(['spf_relay_not_authorised', 'spf_neutral_all']);
    expect(r.spf.status).toBe('fail');
  });

  it('accepts a subdomain inheriting the parent DMARC record, aligned in relaxed mode', async () => {
    const r = await check('mail.good.test', { fromAddress: 'alice@good.test' });
    expect(r.dmarc.code).toBe('dmarc_ok');
    expect(r.dmarc.explanation).toMatch(/inherits the one at _dmarc\.good\.test/);
    expect(r.alignment.code).toBe('aligned');
    expect(r.overall).toBe('pass');
  });

  it('says the DNS server did not answer', async () => {
    dns.setMode('silent');
    try {
      const r = await check('good.test', {}, createDnsResolver({ servers: [dns.address], timeoutMs: 100, tries: 1 }));
      expect(r.overall).toBe('fail');
      for (const rec of [r.spf, r.dkim, r.dmarc]) {
        expect(rec.code).toBe('dns_no_answer');
        expect(rec.explanation).toMatch(/did not answer/);
      }
    } finally {
      dns.setMode('answer');
    }
  });

  it('passes once the records recordsToPublish suggests are published', async () => {
    dns.addRecords({ 'fresh.test': { TXT: ['v=spf1 include:mail.example +all'] } });
    const resolver = createDnsResolver({ servers: [dns.address], timeoutMs: 500, tries: 1 });
    const before = await check('fresh.test');
    expect(before.overall).toBe('fail');
    const current = await currentRecords('fresh.test', selector, resolver);
    const records = recordsToPublish({
      domain: 'fresh.test',
      relay: { kind: 'ip', addresses: [relayIp] },
      dkim: { selector, publicKeyBase64: ours.publicKeyBase64 },
      dmarcReportAddress: 'dmarc@fresh.test',
      currentDomainTxt: current.spfTxt.kind === 'found' ? current.spfTxt.values : [],
    });
    for (const rec of records) dns.addRecords({ [rec.host]: { TXT: [rec.chunks] } });
    dns.addRecords({ 'mail.example': { TXT: ['v=spf1 -all'] } });
    const after = await check('fresh.test');
    expect(after.overall).toBe('pass');
    expect(after.spf.found).toEqual([`v=spf1 include:mail.example ip4:${relayIp} ~all`]);
  });
});
