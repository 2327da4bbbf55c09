import { describe, expect, it } from 'vitest';
import { isSpfRecord, mergeSpf, parseSpf, relayMechanisms } from './spf-record';

describe('SPF records', () => {
  it('recognises SPF records only by their version tag', () => {
    expect(isSpfRecord('v=spf1 -all')).toBe(true);
    expect(isSpfRecord('V=SPF1 include:x.test ~all')).toBe(true);
    expect(isSpfRecord('v=spf10 -all')).toBe(false);
    expect(isSpfRecord('google-site-verification=v=spf1')).toBe(false);
  });

  it('parses qualifiers, mechanisms and modifiers', () => {
    expect(parseSpf('v=spf1 +a mx/24 -ip4:192.0.2.0/24 ?include:x.test redirect=y.test ~all')).toEqual([
      { raw: '+a', name: 'a', qualifier: '+', modifier: false },
      { raw: 'mx/24', name: 'mx', qualifier: '+', value: '/24', modifier: false },
      { raw: '-ip4:192.0.2.0/24', name: 'ip4', qualifier: '-', value: '192.0.2.0/24', modifier: false },
      { raw: '?include:x.test', name: 'include', qualifier: '?', value: 'x.test', modifier: false },
      { raw: 'redirect=y.test', name: 'redirect', qualifier: '+', value: 'y.test', modifier: true },
      { raw: '~all', name: 'all', qualifier: '~', modifier: false },
    ]);
  });

  it('turns a relay into mechanisms', () => {
    expect(relayMechanisms({ kind: 'include', domain: 'SPF.Relay.test' })).toEqual(['include:spf.relay.test']);
    expect(relayMechanisms({ kind: 'ip', addresses: ['192.0.2.1', '198.51.100.0/24', '2001:DB8::/32'] })).toEqual(['ip4:192.0.2.1', 'ip4:198.51.100.0/24', 'ip6:2001:db8::/32']);
    expect(() => relayMechanisms({ kind: 'ip', addresses: ['relay.test'] })).toThrow(/not an IP/);
  });

  it.each([
    ['creates a record when there is none', [], 'v=spf1 ip4:192.0.2.1 ~all', 'create'],
    ['adds the relay before all', ['v=spf1 include:mail.example -all'], 'v=spf1 include:mail.example ip4:192.0.2.1 -all', 'update'],
    ['keeps a record that already lists the relay', ['v=spf1 +ip4:192.0.2.1 mx -all'], 'v=spf1 +ip4:192.0.2.1 mx -all', 'none'],
    ['tightens +all', ['v=spf1 mx +all'], 'v=spf1 mx ip4:192.0.2.1 ~all', 'update'],
    ['adds ~all when the record has no all', ['v=spf1 mx'], 'v=spf1 mx ip4:192.0.2.1 ~all', 'update'],
    ['keeps redirect last and adds no all', ['v=spf1 redirect=_spf.example'], 'v=spf1 ip4:192.0.2.1 redirect=_spf.example', 'update'],
    ['folds two records into one', ['v=spf1 include:a.example ~all', 'v=spf1 include:b.example include:a.example -all'], 'v=spf1 include:a.example include:b.example ip4:192.0.2.1 ~all', 'replace'],
  ] as const)('%s', (_name, existing, value, action) => {
    const merged = mergeSpf(existing, { kind: 'ip', addresses: ['192.0.2.1'] });
    expect(merged.value).toBe(value);
    expect(merged.action).toBe(action);
    expect(merged.notes.length).toBeGreaterThan(0);
  });
});
