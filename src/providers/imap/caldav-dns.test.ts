/**
 * Calendar server discovery from DNS (RFC 6764) against a real DNS server on loopback: SRV over TLS
 * first, then plain; TXT context paths; targets outside the address's domain handed back for the
 * user to confirm; "." and silence mean nothing found.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../../test/support/dns-server';
import { caldavDnsLookup, caldavFromDns, withinDomain } from './caldav-dns';

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
});
beforeEach(() => {
  dns.setZone({});
  dns.setMode('answer');
});
afterAll(async () => {
  await dns.close();
});

const lookup = () => caldavDnsLookup([dns.address]);

describe('CalDAV discovery from DNS', () => {
  it('prefers _caldavs._tcp, with the TXT context path, and leaves the default port out', async () => {
    dns.setZone({
      '_caldavs._tcp.greenleaf.example': {
        SRV: [
          { priority: 20, weight: 0, port: 443, target: 'backup.greenleaf.example' },
          { priority: 10, weight: 5, port: 443, target: 'dav.greenleaf.example' },
        ],
        TXT: ['path=/caldav/'],
      },
      '_caldav._tcp.greenleaf.example': { SRV: [{ priority: 0, weight: 0, port: 8080, target: 'plain.greenleaf.example' }] },
    });
    expect(await caldavFromDns('greenleaf.example', lookup())).toEqual({ kind: 'found', url: 'https://dav.greenleaf.example/caldav/' });
  });

  it('falls back to plain _caldav._tcp on its port, starting at the root without a TXT path', async () => {
    dns.setZone({ '_caldav._tcp.greenleaf.example': { SRV: [{ priority: 0, weight: 0, port: 5232, target: 'greenleaf.example.' }] } });
    expect(await caldavFromDns('Greenleaf.Example', lookup())).toEqual({ kind: 'found', url: 'http://greenleaf.example:5232/' });
  });

  it('hands a server of another domain back for the user to confirm', async () => {
    dns.setZone({ '_caldavs._tcp.greenleaf.example': { SRV: [{ priority: 0, weight: 1, port: 443, target: 'caldav.fastmail.example' }] } });
    expect(await caldavFromDns('greenleaf.example', lookup())).toEqual({ kind: 'elsewhere', url: 'https://caldav.fastmail.example/' });
  });

  it('finds nothing when the records say "not offered", are absent, or DNS does not answer', async () => {
    dns.setZone({
      '_caldavs._tcp.greenleaf.example': { SRV: [{ priority: 0, weight: 0, port: 0, target: '.' }] },
      '_caldav._tcp.greenleaf.example': { SRV: [{ priority: 0, weight: 0, port: 0, target: '.' }] },
    });
    expect(await caldavFromDns('greenleaf.example', lookup())).toEqual({ kind: 'none' });
    expect(await caldavFromDns('nothing-here.example', lookup())).toEqual({ kind: 'none' });
    dns.setMode('servfail');
    expect(await caldavFromDns('greenleaf.example', lookup())).toEqual({ kind: 'none' });
  });

  it('counts the domain itself and names below it as the domain, nothing else', () => {
    expect(withinDomain('greenleaf.example.', 'greenleaf.example')).toBe(true);
    expect(withinDomain('DAV.Greenleaf.example', 'greenleaf.example')).toBe(true);
    expect(withinDomain('evilgreenleaf.example', 'greenleaf.example')).toBe(false);
    expect(withinDomain('greenleaf.example.attacker.example', 'greenleaf.example')).toBe(false);
  });
});
