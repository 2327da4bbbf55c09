/**
 * Sending domains end to end: adding one (a fresh 2048-bit DKIM key, sealed), the records to
 * publish, and the live check whose result is stored for the send gate. DNS goes through the
 * configured resolver (TANDEM_DNS_SERVERS), so a company's own resolver, or a test's, answers.
 */
import { isIP } from 'node:net';
import type { DNSResolver } from 'mailauth';
import type { Clock } from '../../domain/clock';
import {
  checkDomain,
  currentRecords,
  dkimSelectorName,
  generateDkimKey,
  recordsToPublish,
  type DomainCheckResult,
  type RecordToPublish,
  type RelaySettings,
  type RelaySpf,
} from '../../mailauth';
import type { Db } from '../../store/db';
import type { SendingDomain } from '../../store/repos/mail-relays';
import type { Vault } from '../../store/vault';
import { domainCheckResultSchema, type DomainState } from './domain-state';
import { domainStateOf, loadRelaySettings, sealDkimKey, signingKeyOf } from './relay-store';

type Scope = { companyId: string };

export interface SendingDomainDeps {
  db: Db;
  vault: Vault;
  clock: Clock;
  resolver: DNSResolver;
}

export interface NewDomainInput {
  domain: string;
  dmarcReportAddress: string;
  spfInclude?: string | undefined;
}

export interface DomainView {
  id: string;
  domain: string;
  selector: string;
  dmarcReportAddress: string;
  spfInclude: string | null;
  records: RecordToPublish[];
  /** The last live check, or null before the first. */
  check: DomainCheckResult | null;
  /** Set when the SPF record cannot be worked out yet (no relay configured and no include given). */
  spfUnknown: boolean;
}

export async function addSendingDomain(deps: SendingDomainDeps, scope: Scope, input: NewDomainInput): Promise<SendingDomain> {
  const domain = input.domain.trim().toLowerCase().replace(/\.$/, '');
  const existing = await deps.db.repos.mailRelays.listDomains(scope);
  const selector = dkimSelectorName(deps.clock.now(), existing.map((d) => d.dkimSelector));
  const key = await generateDkimKey(domain, selector);
  const state: DomainState = { dmarcReportAddress: input.dmarcReportAddress, ...(input.spfInclude ? { spfInclude: input.spfInclude } : {}), result: null };
  return deps.db.repos.mailRelays.addDomain(scope, {
    domain,
    dkimSelector: selector,
    dkimPrivateKeySecret: sealDkimKey(deps.vault, scope, domain, key.privateKeyPem),
    dkimPublicKey: key.publicKeyBase64,
    lastCheck: state,
  });
}

interface RelayIdentity {
  spf: RelaySpf;
  /** Addresses the relay sends from, evaluated as a receiver would. */
  ips: string[];
}

/**
 * How SPF names the relay: the include the administrator gave, else the relay host's own addresses
 * (the address itself when the host is one, else its A / AAAA records).
 */
async function relayIdentity(relay: Pick<RelaySettings, 'host'> | null, state: DomainState, resolver: DNSResolver): Promise<RelayIdentity | null> {
  const ips = relay ? await addressesOf(relay.host, resolver) : [];
  if (state.spfInclude) return { spf: { kind: 'include', domain: state.spfInclude }, ips };
  return ips.length > 0 ? { spf: { kind: 'ip', addresses: ips }, ips } : null;
}

async function addressesOf(host: string, resolver: DNSResolver): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  const answers = await Promise.all(['A', 'AAAA'].map((type) => resolver(host, type).then((r: unknown) => (Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : []), () => [])));
  return answers.flat();
}

/**
 * The records to publish. `live` looks at DNS now so an existing SPF record is merged, not doubled;
 * otherwise what the last check found stands in (the list page must not wait on DNS per domain).
 */
export async function describeDomain(deps: SendingDomainDeps, row: SendingDomain, options: { live: boolean }): Promise<DomainView> {
  const scope = { companyId: row.companyId };
  const state = domainStateOf(row);
  const relay = await deps.db.repos.mailRelays.getRelay(scope);
  const identity = await relayIdentity(relay ?? null, state, deps.resolver);
  let currentDomainTxt = state.result?.spf.found ?? [];
  let currentDmarcTxt = state.result?.dmarc.found ?? [];
  if (options.live) {
    const now = await currentRecords(row.domain, row.dkimSelector, deps.resolver);
    currentDomainTxt = now.spfTxt.kind === 'found' ? now.spfTxt.values : [];
    currentDmarcTxt = now.dmarcTxt.kind === 'found' ? now.dmarcTxt.values : [];
  }
  const records = recordsToPublish({
    domain: row.domain,
    relay: identity?.spf ?? { kind: 'ip', addresses: [] },
    dkim: { selector: row.dkimSelector, publicKeyBase64: row.dkimPublicKey },
    dmarcReportAddress: state.dmarcReportAddress,
    currentDomainTxt,
    currentDmarcTxt,
  });
  return {
    id: row.id,
    domain: row.domain,
    selector: row.dkimSelector,
    dmarcReportAddress: state.dmarcReportAddress,
    spfInclude: state.spfInclude ?? null,
    records: identity ? records : records.filter((r) => r.purpose !== 'spf'),
    check: state.result,
    spfUnknown: identity === null,
  };
}

export class RelayNotConfiguredError extends Error {
  override name = 'RelayNotConfiguredError';
}

/** Checks the domain live and stores the result (the send gate reads it). */
export async function checkSendingDomain(deps: SendingDomainDeps, row: SendingDomain): Promise<DomainCheckResult> {
  const scope = { companyId: row.companyId };
  const state = domainStateOf(row);
  const relay = await loadRelaySettings(deps.db, deps.vault, scope);
  const identity = await relayIdentity(relay, state, deps.resolver);
  if (!identity) {
    throw new RelayNotConfiguredError('Set up the SMTP relay (or give the SPF include of your mail service) before checking a domain: SPF must name the relay.');
  }
  const result = await checkDomain({ domain: row.domain, key: signingKeyOf(deps.vault, row), relay: identity.spf, relayIps: identity.ips }, { resolver: deps.resolver, clock: deps.clock });
  // Parsed rather than cast: the stored JSON is read back with the same schema.
  const stored = domainCheckResultSchema.parse(result);
  await deps.db.repos.mailRelays.recordCheck(scope, row.id, { ...state, result: stored }, new Date(result.checkedAt));
  return stored;
}
