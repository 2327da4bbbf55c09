/**
 * The result of a live domain check and its catalogue of stable codes. Each code has one status; the
 * explanation is written in plain words for the person who edits the DNS, and the UI shows it as is.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export const checkCodeStatus = {
  // SPF
  spf_ok: 'pass',
  spf_missing: 'fail',
  spf_multiple: 'fail',
  spf_too_many_lookups: 'fail',
  spf_plus_all: 'fail',
  spf_neutral_all: 'warn',
  spf_include_missing: 'fail',
  spf_invalid: 'fail',
  spf_relay_not_authorised: 'fail',
  // DKIM
  dkim_ok: 'pass',
  dkim_missing: 'fail',
  dkim_malformed: 'fail',
  dkim_key_mismatch: 'fail',
  dkim_signature_failed: 'fail',
  dkim_testing: 'warn',
  // DMARC
  dmarc_ok: 'pass',
  dmarc_missing: 'fail',
  dmarc_malformed: 'fail',
  dmarc_no_reports: 'warn',
  // Alignment of the From domain with the SPF and DKIM domains (RFC 7489 3.1)
  aligned: 'pass',
  from_not_aligned: 'fail',
  // Any record
  dns_no_answer: 'fail',
} as const satisfies Record<string, CheckStatus>;

export type CheckCode = keyof typeof checkCodeStatus;

export interface CheckIssue {
  code: CheckCode;
  status: CheckStatus;
  explanation: string;
}

export type CheckedRecord = 'spf' | 'dkim' | 'dmarc' | 'alignment';

export interface RecordCheck {
  record: CheckedRecord;
  /** The worst status among the issues. */
  status: CheckStatus;
  /** The code of the first, worst issue: what to fix first. */
  code: CheckCode;
  explanation: string;
  /** The DNS name looked at (for alignment: the From domain). */
  host: string;
  /** What DNS answered there (the relevant TXT values), for showing next to what we expect. */
  found: string[];
  /** Every finding, worst first. */
  issues: CheckIssue[];
}

export interface DomainCheckResult {
  domain: string;
  checkedAt: string;
  /** Pass when SPF, DKIM and DMARC have no failing issue and the From domain aligns; warnings do not block. */
  overall: 'pass' | 'fail';
  spf: RecordCheck;
  dkim: RecordCheck;
  dmarc: RecordCheck;
  alignment: RecordCheck;
}

export function issue(code: CheckCode, explanation: string): CheckIssue {
  return { code, status: checkCodeStatus[code], explanation };
}

const rank: Record<CheckStatus, number> = { fail: 0, warn: 1, pass: 2 };

/** Folds findings into one record result. `okIssue` is used when there are no findings. */
export function recordCheck(record: CheckedRecord, host: string, found: string[], issues: CheckIssue[], okIssue: CheckIssue): RecordCheck {
  // The same finding can come from several relay addresses; say it once.
  const unique = issues.filter((v, i) => issues.findIndex((o) => o.code === v.code && o.explanation === v.explanation) === i);
  const sorted = (unique.length > 0 ? unique : [okIssue]).map((v, i) => ({ v, i })).sort((a, b) => rank[a.v.status] - rank[b.v.status] || a.i - b.i).map((x) => x.v);
  const first = sorted[0] ?? okIssue;
  return { record, status: first.status, code: first.code, explanation: first.explanation, host, found, issues: sorted };
}

export function dnsNoAnswer(host: string, code: string): CheckIssue {
  return issue(
    'dns_no_answer',
    `The DNS server did not answer the question about ${host} (${code}). Nothing can be checked until it does; try again in a few minutes, and if it persists check the DNS server setting.`,
  );
}
