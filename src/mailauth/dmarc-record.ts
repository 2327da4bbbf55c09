/**
 * Pure DMARC record validation (RFC 7489 6.3 / 6.4). A receiver ignores a record it cannot parse,
 * which is as bad as having none, so every problem here makes the record "malformed".
 */
import { parseTagList } from './tag-list';

export interface DmarcRecord {
  policy: 'none' | 'quarantine' | 'reject';
  subdomainPolicy?: 'none' | 'quarantine' | 'reject';
  /** Aggregate report addresses (rua=), as URIs. */
  reportUris: string[];
  adkim: 'r' | 's';
  aspf: 'r' | 's';
}

export type DmarcParse = { ok: true; record: DmarcRecord } | { ok: false; problems: string[] };

const policies = new Set(['none', 'quarantine', 'reject']);
type Policy = DmarcRecord['policy'];
const isPolicy = (v: string | undefined): v is Policy => v !== undefined && policies.has(v);

/** A TXT value that receivers would treat as a DMARC record: starts with v=DMARC1 (RFC 7489 6.4). */
export function isDmarcRecord(txt: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/.test(txt.trim());
}

export function parseDmarc(txt: string): DmarcParse {
  const list = parseTagList(txt);
  const problems = [...list.problems];
  if (list.order[0] !== 'v' || list.tags.get('v') !== 'DMARC1') problems.push('it must begin with v=DMARC1');
  const p = list.tags.get('p')?.toLowerCase();
  if (p === undefined) problems.push('the policy tag p= is missing');
  else if (!isPolicy(p)) problems.push(`p=${p} is not one of none, quarantine or reject`);
  const sp = list.tags.get('sp')?.toLowerCase();
  if (sp !== undefined && !isPolicy(sp)) problems.push(`sp=${sp} is not one of none, quarantine or reject`);
  for (const tag of ['adkim', 'aspf']) {
    const v = list.tags.get(tag)?.toLowerCase();
    if (v !== undefined && v !== 'r' && v !== 's') problems.push(`${tag}=${v} must be r (relaxed) or s (strict)`);
  }
  const pct = list.tags.get('pct');
  if (pct !== undefined && !/^(100|[1-9]?[0-9])$/.test(pct)) problems.push(`pct=${pct} must be a whole number from 0 to 100`);
  const reportUris = splitUris(list.tags.get('rua'));
  for (const uri of [...reportUris, ...splitUris(list.tags.get('ruf'))]) {
    // Report addresses are URIs (RFC 7489 6.2); a bare address without "mailto:" is a common mistake.
    if (!/^mailto:[^@\s]+@[^@\s]+$/i.test(uri.replace(/![0-9]+[kmgt]?$/i, '')) && !/^https?:\/\//i.test(uri)) {
      problems.push(`the report address "${uri}" must be written as mailto:name@domain`);
    }
  }
  if (problems.length > 0 || !isPolicy(p)) return { ok: false, problems };
  const adkim = list.tags.get('adkim')?.toLowerCase() === 's' ? 's' : 'r';
  const aspf = list.tags.get('aspf')?.toLowerCase() === 's' ? 's' : 'r';
  return { ok: true, record: { policy: p, ...(isPolicy(sp) ? { subdomainPolicy: sp } : {}), reportUris, adkim, aspf } };
}

function splitUris(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

export function dmarcRecordValue(reportAddress: string, policy: Policy = 'none'): string {
  return `v=DMARC1; p=${policy}; rua=mailto:${reportAddress}`;
}
