import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from './dns-server';

const longKey = 'p=' + 'A'.repeat(700);

describe('test DNS server', () => {
  let dns: TestDnsServer;
  let resolver: Resolver;

  beforeAll(async () => {
    dns = await startDnsServer({
      'example.test': {
        TXT: ['v=spf1 ip4:192.0.2.10 -all', ['hello ', 'world']],
        A: ['192.0.2.10'],
        AAAA: ['2001:db8::1'],
        MX: [{ priority: 10, exchange: 'mx.example.test' }],
      },
      'sel._domainkey.example.test.': { TXT: [`v=DKIM1; k=rsa; ${longKey}`] },
      'Mixed.Case.Test': { A: ['192.0.2.20'] },
    });
    resolver = new Resolver({ timeout: 150, tries: 1 });
    resolver.setServers([dns.address]);
  });

  afterAll(async () => {
    await dns.close();
  });

  it('answers TXT, joining multi-string records', async () => {
    const txt = await resolver.resolveTxt('example.test');
    expect(txt).toEqual([['v=spf1 ip4:192.0.2.10 -all'], ['hello ', 'world']]);
  });

  it('answers a TXT record larger than a classic UDP message (split in 255-octet strings)', async () => {
    const txt = await resolver.resolveTxt('sel._domainkey.example.test');
    expect(txt).toHaveLength(1);
    expect(txt[0]?.join('')).toBe(`v=DKIM1; k=rsa; ${longKey}`);
    expect(txt[0]?.every((s) => s.length <= 255)).toBe(true);
  });

  it('falls back to TCP for answers too large for UDP', async () => {
    dns.addRecords({ 'big.test': { TXT: ['x'.repeat(3000)] } });
    const txt = await resolver.resolveTxt('big.test');
    expect(txt[0]?.join('')).toHaveLength(3000);
    // The same question twice: once over UDP (truncated), once over TCP.
    expect(dns.queries.filter((q) => q.name === 'big.test')).toHaveLength(2);
  });

  it('answers A, AAAA and MX, names case-insensitive', async () => {
    expect(await resolver.resolve4('example.test')).toEqual(['192.0.2.10']);
    expect(await resolver.resolve6('example.test')).toEqual(['2001:db8::1']);
    expect(await resolver.resolveMx('example.test')).toMatchObject([{ priority: 10, exchange: 'mx.example.test' }]);
    expect(await resolver.resolve4('mixed.case.test')).toEqual(['192.0.2.20']);
  });

  it('answers SRV, including the "." target that says a service is not offered', async () => {
    dns.addRecords({
      '_caldavs._tcp.example.test': { SRV: [{ priority: 10, weight: 5, port: 8443, target: 'dav.example.test' }] },
      '_caldav._tcp.example.test': { SRV: [{ priority: 0, weight: 0, port: 0, target: '.' }] },
    });
    expect(await resolver.resolveSrv('_caldavs._tcp.example.test')).toMatchObject([{ priority: 10, weight: 5, port: 8443, name: 'dav.example.test' }]);
    expect(await resolver.resolveSrv('_caldav._tcp.example.test')).toMatchObject([{ priority: 0, weight: 0, port: 0, name: '' }]);
  });

  it('answers NXDOMAIN for unknown names and NODATA for known names without the type', async () => {
    await expect(resolver.resolveTxt('nope.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolveTxt('mixed.case.test')).rejects.toMatchObject({ code: 'ENODATA' });
    // An ancestor of an owner name exists (empty non-terminal).
    await expect(resolver.resolveTxt('_domainkey.example.test')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('changes records between tests and logs questions', async () => {
    dns.addRecords({ 'late.test': { TXT: ['added'] } });
    expect(await resolver.resolveTxt('late.test')).toEqual([['added']]);
    expect(dns.queries).toContainEqual({ name: 'late.test', type: 'TXT' });
  });

  it('can fail with SERVFAIL or not answer at all', async () => {
    dns.setMode('servfail');
    await expect(resolver.resolveTxt('example.test')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    dns.setMode('silent');
    await expect(resolver.resolveTxt('example.test')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    dns.setMode('answer');
    expect(await resolver.resolve4('example.test')).toEqual(['192.0.2.10']);
  });
});
