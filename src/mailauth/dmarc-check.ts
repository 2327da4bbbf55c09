/**
 * Live DMARC check and From alignment. The record at _dmarc.<domain> is validated here; mailauth's
 * DMARC evaluation finds the policy a receiver would apply (including one inherited from the
 * organisational domain, RFC 9989 4.10) and tells whether the From domain aligns with the SPF
 * (envelope) domain and the DKIM signing domain (RFC 7489 3.1).
 */
import { dmarc } from 'mailauth';
import type { DMARCResult, DNSResolver } from 'mailauth';
import { dnsNoAnswer, issue, recordCheck, type CheckIssue, type RecordCheck } from './check-result';
import { isDmarcRecord, parseDmarc } from './dmarc-record';
import type { TxtLookup } from './dns-resolver';

export interface DmarcCheckInput {
  domain: string;
  /** TXT records at _dmarc.<domain>, already looked up. */
  txt: TxtLookup;
  fromDomain: string;
  /** The MAIL FROM domain the relay uses (SPF is checked for it). */
  envelopeDomain: string;
  /** The DKIM d= domain Tandem signs with. */
  signingDomain: string;
  resolver: DNSResolver;
}

export interface DmarcAndAlignment {
  dmarc: RecordCheck;
  alignment: RecordCheck;
}

export async function checkDmarcAndAlignment(input: DmarcCheckInput): Promise<DmarcAndAlignment> {
  const { domain, txt, fromDomain } = input;
  const host = `_dmarc.${domain}`;
  // Structural question: would these identifiers align with the From domain? They are passed as if
  // they passed; whether they really pass is the SPF and DKIM checks' business.
  const evaluate = (author: string): Promise<DMARCResult | false> =>
    dmarc({ headerFrom: `postmaster@${author}`, spfDomains: [input.envelopeDomain], dkimDomains: [{ domain: input.signingDomain }], resolver: input.resolver });
  const forDomain = txt.kind === 'error' ? false : await evaluate(domain);
  const forFrom = txt.kind === 'error' || fromDomain === domain ? forDomain : await evaluate(fromDomain);
  return { dmarc: dmarcRecordCheck(input, host, forDomain), alignment: alignmentCheck(input, forFrom) };
}

function dmarcRecordCheck(input: DmarcCheckInput, host: string, evaluation: DMARCResult | false): RecordCheck {
  const { domain, txt } = input;
  const ok = issue('dmarc_ok', `${host} publishes a valid DMARC policy.`);
  const done = (found: string[], issues: CheckIssue[]): RecordCheck => recordCheck('dmarc', host, found, issues, ok);
  if (txt.kind === 'error') return done([], [dnsNoAnswer(host, txt.code)]);
  const found = txt.kind === 'found' ? txt.values : [];
  const records = found.filter(isDmarcRecord);

  if (records.length === 0 && found.length > 0) {
    return done(found, [issue('dmarc_malformed', `The TXT record at ${host} does not begin with v=DMARC1, so receivers ignore it and the domain has no DMARC policy. Replace it with the record shown.`)]);
  }
  if (records.length === 0) {
    if (evaluation && evaluation.rr && evaluation.policyDomain && evaluation.policyDomain !== domain) {
      return done([evaluation.rr], [issue('dmarc_ok', `${domain} has no DMARC record of its own and inherits the one at _dmarc.${evaluation.policyDomain} (p=${evaluation.policy}).`)]);
    }
    return done([], [issue('dmarc_missing', `There is no DMARC record at ${host}. Since 2024 Gmail and Yahoo require one from bulk senders and junk or reject mail without it. Publish the DMARC record shown; p=none blocks nothing.`)]);
  }
  if (records.length > 1) {
    return done(records, [issue('dmarc_malformed', `There are ${records.length} DMARC records at ${host}; receivers ignore them all when there is more than one. Keep only the record shown.`)]);
  }
  const parsed = parseDmarc(records[0] ?? '');
  if (!parsed.ok) {
    return done(records, [issue('dmarc_malformed', `The DMARC record at ${host} cannot be used: ${parsed.problems.join('; ')}. Replace it with the record shown.`)]);
  }
  if (parsed.record.reportUris.length === 0) {
    return done(records, [issue('dmarc_no_reports', `The DMARC record at ${host} has no rua= report address, so nobody learns when mail fails. Add rua=mailto:<address>.`)]);
  }
  return done(records, []);
}

function alignmentCheck(input: DmarcCheckInput, evaluation: DMARCResult | false): RecordCheck {
  const { fromDomain, envelopeDomain, signingDomain } = input;
  const ids = `the DKIM signing domain ${signingDomain} or the envelope (bounce) domain ${envelopeDomain}`;
  const ok = issue('aligned', `The From domain ${fromDomain} matches ${ids}, as DMARC requires.`);
  const done = (issues: CheckIssue[]): RecordCheck => recordCheck('alignment', fromDomain, [fromDomain], issues, ok);
  if (input.txt.kind === 'error') return done([dnsNoAnswer(`_dmarc.${input.domain}`, input.txt.code)]);

  let aligned: boolean;
  if (evaluation && evaluation.rr) {
    aligned = Boolean(evaluation.alignment.dkim.result || evaluation.alignment.spf.result);
  } else {
    // Without any DMARC record the organisational domain cannot be found by the Tree Walk; a
    // parent/child relation is the alignment every receiver accepts in relaxed mode.
    aligned = [signingDomain, envelopeDomain].some((d) => related(d, fromDomain));
  }
  if (aligned) return done([]);
  return done([issue('from_not_aligned', `Mail is sent From ${fromDomain} but signed for ${signingDomain} and bounced to ${envelopeDomain}; DMARC needs the From domain to match one of them, so receivers treat this mail as forged. Send From an address at ${signingDomain}, or add ${fromDomain} as a sending domain.`)]);
}

function related(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}
