/**
 * The live check of a sending domain: what DNS answers for SPF, DKIM and DMARC, evaluated as a
 * receiver would (with mailauth), each problem explained in plain words with a stable code.
 * No store access: the caller passes the domain's key and relay description.
 */
import type { DNSResolver } from 'mailauth';
import type { Clock } from '../domain/clock';
import type { DomainCheckResult } from './check-result';
import { checkDkim } from './dkim-check';
import { dkimRecordHost, normalizeDomain } from './dkim-keys';
import type { SigningKey } from './dkim-sign';
import { checkDmarcAndAlignment } from './dmarc-check';
import { lookupTxt, type TxtLookup } from './dns-resolver';
import { checkSpf } from './spf-check';
import type { RelaySpf } from './spf-record';

export interface DomainCheckInput {
  domain: string;
  /** Our DKIM key for the domain (private key needed to sign the probe). */
  key: { selector: string; privateKeyPem: string };
  relay: RelaySpf;
  /** Addresses the relay sends from, for the SPF evaluation. Optional for an include relay. */
  relayIps?: string[];
  /** The From address users send with; its domain must align. Default postmaster@<domain>. */
  fromAddress?: string;
  /** The relay's MAIL FROM (bounce) domain when it rewrites it; default the domain itself. */
  envelopeDomain?: string;
}

export interface DomainCheckDeps {
  resolver: DNSResolver;
  clock: Clock;
}

export async function checkDomain(input: DomainCheckInput, deps: DomainCheckDeps): Promise<DomainCheckResult> {
  const domain = normalizeDomain(input.domain);
  const envelopeDomain = normalizeDomain(input.envelopeDomain ?? domain);
  const fromAddress = input.fromAddress ?? `postmaster@${domain}`;
  const fromDomain = normalizeDomain(fromAddress.split('@').pop() ?? domain);
  const key: SigningKey = { domain, selector: input.key.selector, privateKeyPem: input.key.privateKeyPem };
  const now = deps.clock.now();

  const current = await currentRecords(domain, key.selector, deps.resolver, envelopeDomain);
  const [spf, dkim, rest] = await Promise.all([
    checkSpf({ domain: envelopeDomain, txt: current.spfTxt, relay: input.relay, relayIps: input.relayIps ?? [], resolver: deps.resolver }),
    checkDkim({ key, txt: current.dkimTxt, fromAddress, resolver: deps.resolver, now }),
    checkDmarcAndAlignment({ domain, txt: current.dmarcTxt, fromDomain, envelopeDomain, signingDomain: domain, resolver: deps.resolver }),
  ]);
  const { dmarc, alignment } = rest;
  const overall = [spf, dkim, dmarc, alignment].every((r) => r.status !== 'fail') ? 'pass' : 'fail';
  return { domain, checkedAt: now.toISOString(), overall, spf, dkim, dmarc, alignment };
}

export interface CurrentRecords {
  /** TXT at the SPF domain (the envelope domain, normally the domain itself). */
  spfTxt: TxtLookup;
  dkimTxt: TxtLookup;
  dmarcTxt: TxtLookup;
}

/**
 * What DNS holds now, for the check and for `recordsToPublish` (which merges into an existing SPF
 * record). The three lookups run together so a silent server costs one timeout, not three.
 */
export async function currentRecords(domain: string, selector: string, resolver: DNSResolver, spfDomain = domain): Promise<CurrentRecords> {
  const d = normalizeDomain(domain);
  const [spfTxt, dkimTxt, dmarcTxt] = await Promise.all([lookupTxt(resolver, normalizeDomain(spfDomain)), lookupTxt(resolver, dkimRecordHost(d, selector)), lookupTxt(resolver, `_dmarc.${d}`)]);
  return { spfTxt, dkimTxt, dmarcTxt };
}
