/**
 * Where a domain's calendar server is, from its DNS (RFC 6764 §3–§4): the SRV record
 * `_caldavs._tcp.<domain>` (CalDAV over TLS), else `_caldav._tcp.<domain>` (plain HTTP), with the
 * context path from the TXT record of the same name (`path=/dav/`). Without a path the CalDAV client
 * starts at the target's root and asks /.well-known/caldav there (RFC 6764 §5).
 *
 * A target outside the address's domain is not used on DNS's word alone: without DNSSEC an attacker
 * who forges the record would receive the user's password, so it is handed back for the user to
 * confirm (RFC 6764 §8). A "." target says the domain offers no such service (RFC 2782).
 */
import { configuredResolver } from '../../mailauth/dns-resolver';

export interface SrvAnswer {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** The two lookups discovery makes (node:dns/promises Resolver has both). */
export interface CaldavDnsLookup {
  resolveSrv(name: string): Promise<SrvAnswer[]>;
  resolveTxt(name: string): Promise<string[][]>;
}

export type CaldavDnsAnswer =
  /** A server in the address's domain (or below it): the URL to start discovery from. */
  | { kind: 'found'; url: string }
  /** DNS names a server of another domain: use it only once the user confirms it. */
  | { kind: 'elsewhere'; url: string }
  /** No record, a "." target, or DNS did not answer. */
  | { kind: 'none' };

const services = [
  { name: '_caldavs._tcp', scheme: 'https', defaultPort: 443 },
  { name: '_caldav._tcp', scheme: 'http', defaultPort: 80 },
] as const;

/** A DNS server from the configuration (TANDEM_DNS_SERVERS) or the system's, bounded in time. */
export function caldavDnsLookup(servers?: readonly string[]): CaldavDnsLookup {
  return configuredResolver(servers ? { servers: [...servers] } : {});
}

const bare = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** `target` is `domain` or a name below it. */
export function withinDomain(target: string, domain: string): boolean {
  const t = bare(target);
  const d = bare(domain);
  return t === d || t.endsWith(`.${d}`);
}

/** The record to use: lowest priority, then highest weight (one pick, so the answer is stable). */
function pick(records: readonly SrvAnswer[]): SrvAnswer | undefined {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
}

/** The context path of a TXT record set (`path=/caldav/`), or "/" (RFC 6764 §4). */
function contextPath(txt: readonly string[][]): string {
  for (const record of txt) {
    const value = record.join('');
    const m = /^path=(\/\S*)$/i.exec(value.trim());
    if (m?.[1]) return m[1];
  }
  return '/';
}

async function lookup<T>(run: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await run();
  } catch {
    // No such record (ENOTFOUND, ENODATA) or no answer at all: either way nothing to use.
    return empty;
  }
}

export async function caldavFromDns(domain: string, dns: CaldavDnsLookup): Promise<CaldavDnsAnswer> {
  for (const service of services) {
    const owner = `${service.name}.${bare(domain)}`;
    const record = pick(await lookup(() => dns.resolveSrv(owner), []));
    // "." (node reports it as an empty name): this protocol is decidedly not offered here.
    if (!record || bare(record.name) === '') continue;
    const path = contextPath(await lookup(() => dns.resolveTxt(owner), []));
    const url = new URL(`${service.scheme}://${bare(record.name)}`);
    if (record.port !== service.defaultPort) url.port = String(record.port);
    url.pathname = path;
    return { kind: withinDomain(record.name, domain) ? 'found' : 'elsewhere', url: url.toString() };
  }
  return { kind: 'none' };
}
