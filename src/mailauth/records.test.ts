import { describe, expect, it } from 'vitest';
import { generateDkimKey, dkimSelectorName, publicKeyFromPrivate, dkimKeyBits } from './dkim-keys';
import { parseDkimRecord } from './dkim-record';
import { parseDmarc } from './dmarc-record';
import { recordsToPublish } from './records';
import { createPublicKey } from 'node:crypto';

describe('DKIM keys', () => {
  it('makes a 2048-bit RSA key whose record parses back to the same key', async () => {
    const key = await generateDkimKey('Acme.Test.', 'tandem202611');
    expect(key.domain).toBe('acme.test');
    const pub = createPublicKey({ key: Buffer.from(key.publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(dkimKeyBits);
    expect(publicKeyFromPrivate(key.privateKeyPem)).toBe(key.publicKeyBase64);
    const [, dkim] = recordsToPublish({ domain: 'acme.test', relay: { kind: 'include', domain: 'spf.relay.test' }, dkim: key, dmarcReportAddress: 'dmarc@acme.test' });
    expect(dkim?.host).toBe('tandem202611._domainkey.acme.test');
    expect(parseDkimRecord(dkim?.chunks.join('') ?? '')).toMatchObject({ ok: true, publicKeyBase64: key.publicKeyBase64 });
    expect(dkim?.chunks.every((c) => c.length <= 255)).toBe(true);
    expect(dkim?.chunks.length).toBeGreaterThan(1);
  });

  it('names selectors by month and avoids taken names', () => {
    const now = new Date('2026-01-15T00:00:00Z');
    expect(dkimSelectorName(now)).toBe('tandem202601');
    expect(dkimSelectorName(now, ['tandem202601'])).toBe('tandem202601b');
    expect(dkimSelectorName(now, ['tandem202601', 'TANDEM202601B'])).toBe('tandem202601c');
  });
});

describe('DKIM record parsing', () => {
  it.each([
    ['v=DKIM1; k=rsa; p=', /revoked/],
    ['v=DKIM1; k=rsa', /p= is missing/],
    ['k=rsa; v=DKIM1; p=AAAA', /v= must be DKIM1 and come first/],
    ['v=DKIM1; k=rsa; p=MIIB!!', /not valid base64/],
    ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A', /does not decode to an RSA public key/],
    ['v=DKIM1; k=dsa; p=AAAA', /not a known key type/],
  ])('%s is malformed', (txt, problem) => {
    const parsed = parseDkimRecord(txt);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('; ')).toMatch(problem);
  });
});

describe('DMARC record parsing', () => {
  it('reads a valid record', () => {
    expect(parseDmarc('v=DMARC1; p=quarantine; sp=none; adkim=s; rua=mailto:a@x.test,mailto:b@x.test!10m; pct=50')).toEqual({
      ok: true,
      record: { policy: 'quarantine', subdomainPolicy: 'none', reportUris: ['mailto:a@x.test', 'mailto:b@x.test!10m'], adkim: 's', aspf: 'r' },
    });
  });

  it.each([
    ['v=DMARC1; rua=mailto:a@x.test', /p= is missing/],
    ['v=DMARC1; p=block', /p=block is not one of/],
    ['p=none; v=DMARC1', /must begin with v=DMARC1/],
    ['v=DMARC1; p=none; rua=a@x.test', /must be written as mailto:/],
    ['v=DMARC1; p=none; p=reject', /appears twice/],
    ['v=DMARC1; p=none; pct=150', /pct=150/],
    ['v=DMARC1; p=none; aspf=x', /aspf=x/],
  ])('%s is malformed', (txt, problem) => {
    const parsed = parseDmarc(txt);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('; ')).toMatch(problem);
  });
});

describe('recordsToPublish', () => {
  const dkim = { selector: 's1', publicKeyBase64: 'AAAA' };

  it('proposes SPF, DKIM and DMARC for a fresh domain', () => {
    const records = recordsToPublish({ domain: 'acme.test', relay: { kind: 'include', domain: 'spf.relay.test' }, dkim, dmarcReportAddress: 'dmarc@acme.test' });
    expect(records.map((r) => [r.purpose, r.host, r.type, r.value, r.action])).toEqual([
      ['spf', 'acme.test', 'TXT', 'v=spf1 include:spf.relay.test ~all', 'create'],
      ['dkim', 's1._domainkey.acme.test', 'TXT', 'v=DKIM1; k=rsa; p=AAAA', 'create'],
      ['dmarc', '_dmarc.acme.test', 'TXT', 'v=DMARC1; p=none; rua=mailto:dmarc@acme.test', 'create'],
    ]);
    for (const r of records) expect(r.explanation.length).toBeGreaterThan(40);
  });

  it('merges into the existing SPF record and says which ones it replaces', () => {
    const [spf] = recordsToPublish({
      domain: 'acme.test',
      relay: { kind: 'ip', addresses: ['192.0.2.1'] },
      dkim,
      dmarcReportAddress: 'dmarc@acme.test',
      currentDomainTxt: ['google-site-verification=x', 'v=spf1 include:_spf.google.com ~all', 'v=spf1 mx -all'],
    });
    expect(spf).toMatchObject({ value: 'v=spf1 include:_spf.google.com mx ip4:192.0.2.1 ~all', action: 'replace', replaces: ['v=spf1 include:_spf.google.com ~all', 'v=spf1 mx -all'] });
    expect(spf?.explanation).toMatch(/2 SPF records/);
  });

  it('keeps a valid DMARC record and replaces a broken one', () => {
    const keep = recordsToPublish({ domain: 'acme.test', relay: { kind: 'ip', addresses: ['192.0.2.1'] }, dkim, dmarcReportAddress: 'd@acme.test', currentDmarcTxt: ['v=DMARC1; p=reject; rua=mailto:x@acme.test'] })[2];
    expect(keep).toMatchObject({ action: 'none', value: 'v=DMARC1; p=reject; rua=mailto:x@acme.test' });
    const fix = recordsToPublish({ domain: 'acme.test', relay: { kind: 'ip', addresses: ['192.0.2.1'] }, dkim, dmarcReportAddress: 'reports@dmarc.example', currentDmarcTxt: ['v=DMARC1; p=maybe'] })[2];
    expect(fix).toMatchObject({ action: 'replace', replaces: ['v=DMARC1; p=maybe'], value: 'v=DMARC1; p=none; rua=mailto:reports@dmarc.example' });
    expect(fix?.explanation).toMatch(/acme\.test\._report\._dmarc\.dmarc\.example/);
  });
});
