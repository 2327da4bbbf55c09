/**
 * DNS access for the domain check. Built on node:dns `Resolver` so the servers are configurable
 * (a company's own resolver, or the loopback test server), and handed to mailauth as its `resolver`
 * option, which expects the `dns.resolve(name, rrtype)` shape and its error codes.
 */
import { Resolver } from 'node:dns/promises';
import type { DNSResolver } from 'mailauth';

export interface DnsSettings {
  /** "ip" or "ip:port"; absent → the system's resolvers. */
  servers?: string[];
  /** Per-try timeout; a domain check must not hang on a silent server. */
  timeoutMs?: number;
  tries?: number;
}

/** A node:dns Resolver on the configured servers (else the system's), bounded in time. */
export function configuredResolver(settings: DnsSettings = {}): Resolver {
  const resolver = new Resolver({ timeout: settings.timeoutMs ?? 3000, tries: settings.tries ?? 2 });
  if (settings.servers && settings.servers.length > 0) resolver.setServers(settings.servers);
  return resolver;
}

export function createDnsResolver(settings: DnsSettings = {}): DNSResolver {
  const resolver = configuredResolver(settings);
  const resolve = (name: string, rrtype: string): Promise<unknown> => resolver.resolve(name, rrtype);
  // mailauth's declared type lists only string arrays, but it reads MX answers as node:dns returns
  // them ({ exchange, priority }); node's own resolve is the function it is written against.
  return resolve as DNSResolver;
}

/** Codes node:dns uses for "this name has no such record" as opposed to a failed query. */
const noRecordCodes = new Set(['ENOTFOUND', 'ENODATA']);

export type TxtLookup =
  | { kind: 'found'; values: string[] }
  | { kind: 'none' }
  /** The server failed or did not answer (ETIMEOUT, ESERVFAIL, ECONNREFUSED, EREFUSED…). */
  | { kind: 'error'; code: string };

/** TXT records of a name, each record's strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2). */
export async function lookupTxt(resolver: DNSResolver, name: string): Promise<TxtLookup> {
  try {
    const answer: unknown = await resolver(name, 'TXT');
    const values = Array.isArray(answer) ? answer.map((r: unknown) => (Array.isArray(r) ? r.join('') : String(r))) : [];
    return values.length > 0 ? { kind: 'found', values } : { kind: 'none' };
  } catch (err) {
    const code = errorCode(err);
    return noRecordCodes.has(code) ? { kind: 'none' } : { kind: 'error', code };
  }
}

export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return 'EUNKNOWN';
}
