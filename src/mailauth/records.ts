/**
 * The DNS records a sending domain must publish for mail sent through the SMTP relay to reach
 * inboxes: SPF (the relay may send for the domain), DKIM (our public key) and DMARC (the policy, at
 * least p=none with a report address). Pure: the caller passes what DNS currently holds (see
 * `currentRecords` in check-domain.ts) so an existing SPF record is merged, never doubled.
 */
import { dkimRecordHost, dkimRecordValue, normalizeDomain } from './dkim-keys';
import { dmarcRecordValue, isDmarcRecord, parseDmarc } from './dmarc-record';
import { isSpfRecord, mergeSpf, type RelaySpf } from './spf-record';

export type RecordPurpose = 'spf' | 'dkim' | 'dmarc';

export interface RecordToPublish {
  purpose: RecordPurpose;
  /** Fully qualified owner name. */
  host: string;
  type: 'TXT';
  /** The whole value as most DNS control panels take it. */
  value: string;
  /**
   * The value split into strings of at most 255 characters, for zone files and panels that need
   * them: one TXT string cannot be longer (RFC 1035 3.3.14); receivers join them (RFC 6376 3.6.2.2).
   */
  chunks: string[];
  action: 'create' | 'update' | 'replace' | 'none';
  /** Existing values this one replaces (delete them when adding it). */
  replaces: string[];
  explanation: string;
}

export interface RecordsInput {
  domain: string;
  relay: RelaySpf;
  dkim: { selector: string; publicKeyBase64: string };
  /** Where receivers send DMARC aggregate reports. */
  dmarcReportAddress: string;
  /** TXT values currently published at the domain (all of them; non-SPF ones are ignored). */
  currentDomainTxt?: string[];
  /** TXT values currently published at _dmarc.<domain>. */
  currentDmarcTxt?: string[];
}

export function recordsToPublish(input: RecordsInput): RecordToPublish[] {
  const domain = normalizeDomain(input.domain);
  return [spfRecord(domain, input), dkimRecord(domain, input), dmarcRecord(domain, input)];
}

function spfRecord(domain: string, input: RecordsInput): RecordToPublish {
  const existing = (input.currentDomainTxt ?? []).filter(isSpfRecord);
  const merge = mergeSpf(existing, input.relay);
  const intro =
    'SPF lists the servers allowed to send mail for the domain. Receivers check the sending server against it; ' +
    'a domain must have exactly one SPF record.';
  return {
    purpose: 'spf',
    host: domain,
    type: 'TXT',
    value: merge.value,
    chunks: chunk(merge.value),
    action: merge.action,
    replaces: merge.action === 'create' || merge.action === 'none' ? [] : existing,
    explanation: [intro, ...merge.notes].join(' '),
  };
}

function dkimRecord(domain: string, input: RecordsInput): RecordToPublish {
  const value = dkimRecordValue(input.dkim.publicKeyBase64);
  return {
    purpose: 'dkim',
    host: dkimRecordHost(domain, input.dkim.selector),
    type: 'TXT',
    value,
    chunks: chunk(value),
    action: 'create',
    replaces: [],
    explanation:
      'DKIM lets receivers verify that mail really comes from the domain and was not changed on the way: Tandem signs ' +
      'each message with a private key and this record publishes the matching public key. Copy the value exactly; ' +
      'if the DNS panel asks for one string at a time, enter the pieces in order.',
  };
}

function dmarcRecord(domain: string, input: RecordsInput): RecordToPublish {
  const host = `_dmarc.${domain}`;
  const current = (input.currentDmarcTxt ?? []).filter(isDmarcRecord);
  const only = current.length === 1 ? current[0] : undefined;
  const intro =
    'DMARC tells receivers what to do with mail that fails SPF and DKIM for the domain and where to send reports. ' +
    'p=none only asks for reports, so nothing is blocked while you check that all your mail passes.';
  if (only !== undefined && parseDmarc(only).ok) {
    return { purpose: 'dmarc', host, type: 'TXT', value: only, chunks: chunk(only), action: 'none', replaces: [], explanation: `${intro} The domain already publishes a valid DMARC record; keep it.` };
  }
  const value = dmarcRecordValue(input.dmarcReportAddress);
  const replaces = input.currentDmarcTxt ?? [];
  const reportDomain = input.dmarcReportAddress.split('@').pop()?.toLowerCase() ?? '';
  const external =
    reportDomain !== domain && !domain.endsWith(`.${reportDomain}`)
      ? ` Reports go to another domain (${reportDomain}), which must agree to receive them by publishing ${domain}._report._dmarc.${reportDomain} TXT "v=DMARC1" (RFC 7489 7.1).`
      : '';
  return {
    purpose: 'dmarc',
    host,
    type: 'TXT',
    value,
    chunks: chunk(value),
    action: replaces.length > 0 ? 'replace' : 'create',
    replaces,
    explanation: `${intro}${replaces.length > 0 ? ' The record there now is not valid; replace it.' : ''}${external}`,
  };
}

function chunk(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i += 255) out.push(value.slice(i, i + 255));
  return out.length > 0 ? out : [''];
}
