/**
 * Which way a user's mail may go out. A user with a synced mailbox sends through it. A user without
 * one may send through the company's SMTP relay only when the From domain passed its last check:
 * since 2024 the big mailbox providers refuse or junk mail that fails SPF/DKIM/DMARC, and a message
 * that silently lands in spam is worse than a clear refusal naming the record to fix. Pure.
 */
import type { CheckCode, CheckedRecord, DomainCheckResult } from './check-result';
import { domainOf } from './mime-headers';

export interface SendGateInput {
  hasSyncedMailbox: boolean;
  fromAddress: string;
  relayConfigured: boolean;
  /** The last check of the sending domain that covers the From address, or null if never checked. */
  domainCheck: DomainCheckResult | null;
  now: Date;
  /** A check older than this no longer counts (DNS can change after it). Default 7 days. */
  maxCheckAgeMs?: number;
}

export type SendGateCode = 'relay_not_configured' | 'domain_not_checked' | 'domain_check_stale' | 'domain_not_passing';

export interface FailingRecord {
  record: CheckedRecord;
  host: string;
  code: CheckCode;
  explanation: string;
}

export type SendRoute =
  | { allowed: true; via: 'mailbox' | 'relay' }
  | { allowed: false; code: SendGateCode; message: string; failing: FailingRecord[] };

const defaultMaxAgeMs = 7 * 24 * 60 * 60 * 1000;
const recordNames: Record<CheckedRecord, string> = { spf: 'SPF record', dkim: 'DKIM record', dmarc: 'DMARC record', alignment: 'From address alignment' };

export function decideSendRoute(input: SendGateInput): SendRoute {
  if (input.hasSyncedMailbox) return { allowed: true, via: 'mailbox' };
  const from = input.fromAddress.toLowerCase();
  const fromDomain = domainOf(from);
  if (!input.relayConfigured) {
    return refuse('relay_not_configured', `${from} has no synced mailbox and the company has no SMTP relay set up, so Tandem cannot send this mail. Connect the mailbox, or ask an administrator to set up the relay.`);
  }
  const check = input.domainCheck;
  if (check === null || !covers(check.domain, fromDomain)) {
    return refuse('domain_not_checked', `${fromDomain} is not set up as a sending domain, so mail from ${from} cannot go through the relay yet. An administrator must add it and publish its SPF, DKIM and DMARC records.`);
  }
  const age = input.now.getTime() - Date.parse(check.checkedAt);
  if (!(age <= (input.maxCheckAgeMs ?? defaultMaxAgeMs))) {
    return refuse('domain_check_stale', `The DNS records of ${check.domain} were last checked ${check.checkedAt}; check them again before sending through the relay.`);
  }
  if (check.overall === 'pass') return { allowed: true, via: 'relay' };
  const failing: FailingRecord[] = [check.spf, check.dkim, check.dmarc, check.alignment]
    .filter((r) => r.status === 'fail')
    .map((r) => ({ record: r.record, host: r.host, code: r.code, explanation: r.explanation }));
  const names = failing.map((f) => `the ${recordNames[f.record]} (${f.host})`);
  const first = failing[0];
  return refuse(
    'domain_not_passing',
    `Mail from ${from} cannot go through the relay until ${joinWords(names)} ${failing.length === 1 ? 'is' : 'are'} fixed. ${first ? first.explanation : ''}`.trim(),
    failing,
  );
}

function refuse(code: SendGateCode, message: string, failing: FailingRecord[] = []): SendRoute {
  return { allowed: false, code, message, failing };
}

/** A check of example.com covers From addresses at example.com and its subdomains (relaxed alignment). */
function covers(checked: string, fromDomain: string): boolean {
  const d = checked.toLowerCase();
  return fromDomain === d || fromDomain.endsWith(`.${d}`);
}

function joinWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
