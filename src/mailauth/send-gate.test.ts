import { describe, expect, it } from 'vitest';
import { issue, recordCheck, type DomainCheckResult } from './check-result';
import { decideSendRoute, type SendGateInput } from './send-gate';

const now = new Date('2026-11-02T09:00:00Z');

function result(over: Partial<Pick<DomainCheckResult, 'spf' | 'dkim' | 'dmarc' | 'alignment'>> = {}, checkedAt = '2026-11-02T08:00:00.000Z'): DomainCheckResult {
  const parts = {
    spf: recordCheck('spf', 'acme.test', [], [], issue('spf_ok', 'fine')),
    dkim: recordCheck('dkim', 'tandem202611._domainkey.acme.test', [], [], issue('dkim_ok', 'fine')),
    dmarc: recordCheck('dmarc', '_dmarc.acme.test', [], [], issue('dmarc_ok', 'fine')),
    alignment: recordCheck('alignment', 'acme.test', [], [], issue('aligned', 'fine')),
    ...over,
  };
  const overall = Object.values(parts).every((r) => r.status !== 'fail') ? 'pass' : 'fail';
  return { domain: 'acme.test', checkedAt, overall, ...parts };
}

const base: SendGateInput = { hasSyncedMailbox: false, fromAddress: 'Alice@acme.test', relayConfigured: true, domainCheck: result(), now };

describe('decideSendRoute', () => {
  it('sends through the synced mailbox whatever the domain says', () => {
    expect(decideSendRoute({ ...base, hasSyncedMailbox: true, domainCheck: null, relayConfigured: false })).toEqual({ allowed: true, via: 'mailbox' });
  });

  it('sends through the relay when the domain passes, also for a subdomain From', () => {
    expect(decideSendRoute(base)).toEqual({ allowed: true, via: 'relay' });
    expect(decideSendRoute({ ...base, fromAddress: 'alice@eu.acme.test' })).toEqual({ allowed: true, via: 'relay' });
  });

  it('lets warnings through', () => {
    const spf = recordCheck('spf', 'acme.test', [], [issue('spf_neutral_all', '?all is weak')], issue('spf_ok', 'fine'));
    expect(decideSendRoute({ ...base, domainCheck: result({ spf }) })).toEqual({ allowed: true, via: 'relay' });
  });

  it.each([
    ['no relay', { relayConfigured: false }, 'relay_not_configured'],
    ['never checked', { domainCheck: null }, 'domain_not_checked'],
    ['checked for another domain', { fromAddress: 'alice@other.test' }, 'domain_not_checked'],
    ['check too old', { domainCheck: result({}, '2026-10-20T09:00:00.000Z') }, 'domain_check_stale'],
  ] as const)('refuses: %s', (_name, over, code) => {
    const route = decideSendRoute({ ...base, ...over });
    expect(route).toMatchObject({ allowed: false, code });
  });

  it('names every record that is wrong and explains the first', () => {
    const dkim = recordCheck('dkim', 'tandem202611._domainkey.acme.test', [], [issue('dkim_key_mismatch', 'The DKIM record holds a different key.')], issue('dkim_ok', 'fine'));
    const dmarc = recordCheck('dmarc', '_dmarc.acme.test', [], [issue('dmarc_missing', 'There is no DMARC record.')], issue('dmarc_ok', 'fine'));
    const route = decideSendRoute({ ...base, domainCheck: result({ dkim, dmarc }) });
    if (route.allowed) throw new Error('expected a refusal');
    expect(route.code).toBe('domain_not_passing');
    expect(route.failing.map((f) => f.code)).toEqual(['dkim_key_mismatch', 'dmarc_missing']);
    expect(route.message).toBe(
      'Mail from alice@acme.test cannot go through the relay until the DKIM record (tandem202611._domainkey.acme.test) and the DMARC record (_dmarc.acme.test) are fixed. The DKIM record holds a different key.',
    );
  });
});
