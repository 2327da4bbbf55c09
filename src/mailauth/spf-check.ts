/**
 * Live SPF check of a sending domain. Two parts: a static walk of the record (count of records,
 * the `all` term, the DNS lookup count across includes — RFC 7208 4.6.4 caps it at 10), and
 * mailauth's SPF evaluation of the relay's addresses, which is what a receiver actually does.
 * The static walk matters because a receiver's evaluation may stop early on a match and never hit
 * the limit for one address while failing for another.
 */
import { spf } from 'mailauth';
import type { DNSResolver } from 'mailauth';
import { dnsNoAnswer, issue, recordCheck, type CheckIssue, type RecordCheck } from './check-result';
import { lookupTxt, type TxtLookup } from './dns-resolver';
import { allTerm, isSpfRecord, parseSpf, relayMechanisms, type RelaySpf, type SpfTerm } from './spf-record';

const lookupLimit = 10;
/** Terms that cost a DNS lookup (RFC 7208 4.6.4). */
const lookupTerms = new Set(['include', 'a', 'mx', 'ptr', 'exists', 'redirect']);

export interface SpfCheckInput {
  domain: string;
  /** TXT records at the domain, already looked up. */
  txt: TxtLookup;
  relay: RelaySpf;
  /** Addresses the relay sends from, evaluated as a receiver would. For an ip relay, its addresses are used when empty. */
  relayIps: string[];
  resolver: DNSResolver;
  /** Name for Received-SPF comments; no effect on the result. */
  mta?: string;
}

interface Walk {
  lookups: number;
  includes: Set<string>;
  missingIncludes: string[];
  dnsError?: { host: string; code: string };
}

export async function checkSpf(input: SpfCheckInput): Promise<RecordCheck> {
  const { domain, txt } = input;
  const ok = issue('spf_ok', `${domain} has one SPF record and it authorises the SMTP relay.`);
  if (txt.kind === 'error') return recordCheck('spf', domain, [], [dnsNoAnswer(domain, txt.code)], ok);
  const records = txt.kind === 'found' ? txt.values.filter(isSpfRecord) : [];
  if (records.length === 0) {
    return recordCheck('spf', domain, [], [issue('spf_missing', `${domain} has no SPF record, so receivers cannot tell which servers may send its mail; Gmail, Yahoo and Microsoft junk or reject such mail. Publish the SPF record shown.`)], ok);
  }
  if (records.length > 1) {
    return recordCheck('spf', domain, records, [issue('spf_multiple', `${domain} has ${records.length} SPF records. A domain may have only one: with more, receivers treat SPF as broken and every message fails it. Merge them into the single record shown and delete the others.`)], ok);
  }
  const record = records[0] ?? '';
  const terms = parseSpf(record);
  const issues: CheckIssue[] = [];

  const all = allTerm(terms);
  if (all?.qualifier === '+') {
    issues.push(issue('spf_plus_all', `The SPF record ends with "${all.raw}", which lets every server on the internet send as ${domain}: SPF then proves nothing and receivers count it against you. Use ~all or -all.`));
  } else if (all?.qualifier === '?') {
    issues.push(issue('spf_neutral_all', `The SPF record ends with "?all", which says nothing about servers not listed, so forged mail is not flagged. Use ~all or -all once every sender is listed.`));
  }

  const walk: Walk = { lookups: 0, includes: new Set(), missingIncludes: [] };
  await walkTerms(input.resolver, terms, walk, new Set([domain.toLowerCase()]));
  if (walk.dnsError) return recordCheck('spf', domain, records, [dnsNoAnswer(walk.dnsError.host, walk.dnsError.code)], ok);
  for (const target of walk.missingIncludes) {
    issues.push(issue('spf_include_missing', `The SPF record includes ${target}, which does not publish exactly one SPF record; receivers treat that as an error and SPF fails. Remove that include or fix ${target}.`));
  }
  if (walk.lookups > lookupLimit) {
    issues.push(issue('spf_too_many_lookups', `Checking the SPF record of ${domain} takes ${walk.lookups} DNS lookups (include, a, mx, ptr, exists and redirect each count, also inside includes). Receivers stop at ${lookupLimit} and treat SPF as broken. Remove includes of services you no longer use, or list addresses with ip4:/ip6: instead.`));
  }

  issues.push(...(await relayIssues(input, walk)));
  return recordCheck('spf', domain, records, issues, ok);
}

async function walkTerms(resolver: DNSResolver, terms: SpfTerm[], walk: Walk, visited: Set<string>): Promise<void> {
  const hasAll = allTerm(terms) !== undefined;
  for (const term of terms) {
    if (!lookupTerms.has(term.name) || (term.modifier && term.name !== 'redirect')) continue;
    // A redirect is ignored when the record has an all term (RFC 7208 6.1).
    if (term.name === 'redirect' && hasAll) continue;
    walk.lookups += 1;
    if (walk.lookups > lookupLimit || walk.dnsError) return;
    if (term.name !== 'include' && term.name !== 'redirect') continue;
    const target = (term.value ?? '').toLowerCase().replace(/\.$/, '');
    // Macro targets (%{…}) depend on the message; they cannot be followed statically.
    if (target === '' || target.includes('%')) continue;
    if (term.name === 'include') walk.includes.add(target);
    if (visited.has(target)) continue;
    visited.add(target);
    const answer = await lookupTxt(resolver, target);
    if (answer.kind === 'error') {
      walk.dnsError = { host: target, code: answer.code };
      return;
    }
    const nested = answer.kind === 'found' ? answer.values.filter(isSpfRecord) : [];
    if (nested.length !== 1) {
      walk.missingIncludes.push(target);
      continue;
    }
    await walkTerms(resolver, parseSpf(nested[0] ?? ''), walk, visited);
  }
}

async function relayIssues(input: SpfCheckInput, walk: Walk): Promise<CheckIssue[]> {
  const { domain, relay } = input;
  const wanted = relayMechanisms(relay).join(' ');
  const ips = input.relayIps.length > 0 ? input.relayIps : relay.kind === 'ip' ? relay.addresses.map((a) => a.split('/')[0] ?? a) : [];
  if (ips.length === 0 && relay.kind === 'include') {
    // Without an address to test, the include itself (at any depth) is the evidence.
    if (walk.includes.has(relay.domain.toLowerCase())) return [];
    return [issue('spf_relay_not_authorised', `The SPF record of ${domain} does not include the relay's SPF (${wanted}), so receivers will not accept the relay as a sender for ${domain}. Add ${wanted} before the all term.`)];
  }
  const out: CheckIssue[] = [];
  for (const ip of ips) {
    const result = await spf({ ip, sender: `postmaster@${domain}`, helo: domain, mta: input.mta ?? 'tandem', resolver: input.resolver });
    const verdict = result.status.result;
    if (verdict === 'pass') continue;
    if (verdict === 'temperror') {
      out.push(dnsNoAnswer(domain, 'temperror'));
    } else if (verdict === 'permerror') {
      // Already explained by the static walk when it is a lookup limit or broken include.
      if (!walk.missingIncludes.length && walk.lookups <= lookupLimit) {
        out.push(issue('spf_invalid', `Receivers cannot evaluate the SPF record of ${domain} (permanent error: ${result.status.comment ?? 'syntax'}). Check it for typing mistakes; the record shown is a valid one.`));
      }
    } else {
      out.push(issue('spf_relay_not_authorised', `The SPF record of ${domain} does not authorise the relay address ${ip} (a receiver's verdict: ${verdict}), so mail from the relay fails SPF. Add ${wanted} before the all term.`));
    }
  }
  return out;
}
