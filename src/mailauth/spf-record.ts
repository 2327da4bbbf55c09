/**
 * Pure SPF record handling (RFC 7208): recognising SPF records among a domain's TXT records,
 * splitting them into terms, and merging the relay's mechanism into an existing record. A domain
 * must publish exactly one SPF record (RFC 7208 3.2: two give permerror), so we always merge.
 */
import { isIP } from 'node:net';

/** How the SMTP relay is authorised: an include of the relay's own SPF, or its addresses. */
export type RelaySpf =
  | { kind: 'include'; domain: string }
  /** IPv4 / IPv6 addresses or CIDR ranges the relay sends from. */
  | { kind: 'ip'; addresses: string[] };

export type SpfQualifier = '+' | '-' | '~' | '?';

export interface SpfTerm {
  /** The term as written. */
  raw: string;
  /** Mechanism or modifier name, lower case ("include", "ip4", "all", "redirect"…). */
  name: string;
  qualifier: SpfQualifier;
  /** Text after ":" (mechanism) or "=" (modifier). */
  value?: string;
  modifier: boolean;
}

/** "v=spf1" alone or followed by a space, case-insensitive (RFC 7208 4.5). */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1(\s|$)/i.test(txt.trim());
}

export function parseSpf(record: string): SpfTerm[] {
  const words = record.trim().split(/\s+/).slice(1);
  return words
    .filter((w) => w.length > 0)
    .map((raw) => {
      const modifierMatch = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(raw);
      if (modifierMatch) {
        return { raw, name: (modifierMatch[1] ?? '').toLowerCase(), qualifier: '+' as const, value: modifierMatch[2] ?? '', modifier: true };
      }
      const first = raw.charAt(0);
      const qualifier: SpfQualifier = first === '+' || first === '-' || first === '~' || first === '?' ? first : '+';
      const body = qualifier === first ? raw.slice(1) : raw;
      const sep = body.search(/[:/]/);
      const name = (sep === -1 ? body : body.slice(0, sep)).toLowerCase();
      const value = sep === -1 ? undefined : body.charAt(sep) === ':' ? body.slice(sep + 1) : body.slice(sep);
      return value === undefined ? { raw, name, qualifier, modifier: false } : { raw, name, qualifier, value, modifier: false };
    });
}

/** The mechanisms that authorise the relay: `include:<domain>` or `ip4:` / `ip6:` per address. */
export function relayMechanisms(relay: RelaySpf): string[] {
  if (relay.kind === 'include') return [`include:${relay.domain.toLowerCase()}`];
  return relay.addresses.map((a) => {
    const host = a.split('/')[0] ?? a;
    const family = isIP(host);
    if (family === 0) throw new Error(`not an IP address or range: ${a}`);
    return `ip${family}:${a.toLowerCase()}`;
  });
}

/** The `all` term of a record, if any (it ends evaluation, RFC 7208 5.1). */
export function allTerm(terms: readonly SpfTerm[]): SpfTerm | undefined {
  return terms.find((t) => !t.modifier && t.name === 'all');
}

export interface SpfMerge {
  value: string;
  /** create: no record yet; update: one record changed; replace: several records folded into one; none: already fine. */
  action: 'create' | 'update' | 'replace' | 'none';
  /** What changed, in plain words. */
  notes: string[];
}

/**
 * Merges the relay's mechanisms into the domain's SPF record(s). Mechanisms go before `all` (and
 * before a `redirect=`, which only applies when nothing matched, RFC 7208 6.1). A `+all` (which lets
 * anyone send as the domain) is tightened to `~all`; a missing `all` gets `~all`. `~all` rather than
 * `-all` for a new record: while DMARC is `p=none`, a soft fail cannot bounce mail from a sender the
 * domain owner forgot to list.
 */
export function mergeSpf(existing: readonly string[], relay: RelaySpf): SpfMerge {
  const wanted = relayMechanisms(relay);
  const notes: string[] = [];
  if (existing.length === 0) {
    return { value: ['v=spf1', ...wanted, '~all'].join(' '), action: 'create', notes: ['No SPF record exists yet; this creates one.'] };
  }
  const records = existing.map(parseSpf);
  if (records.length > 1) notes.push(`The domain has ${records.length} SPF records; receivers reject all of them, so they are folded into one.`);

  const mechanisms: SpfTerm[] = [];
  const modifiers: SpfTerm[] = [];
  let all: SpfTerm | undefined;
  const seen = new Set<string>();
  for (const terms of records) {
    for (const term of terms) {
      if (term.name === 'all' && !term.modifier) {
        all ??= term;
        continue;
      }
      const key = term.raw.toLowerCase().replace(/^\+/, '');
      if (seen.has(key)) continue;
      seen.add(key);
      (term.modifier ? modifiers : mechanisms).push(term);
    }
  }
  const missing = wanted.filter((m) => !seen.has(m));
  for (const m of missing) notes.push(`Adds ${m} so the relay may send for the domain.`);

  let allRaw = all?.raw;
  if (all && all.qualifier === '+') {
    allRaw = '~all';
    notes.push(`Changes ${all.raw} to ~all: ${all.raw} lets any server on the internet send as the domain.`);
  } else if (!all && !modifiers.some((m) => m.name === 'redirect')) {
    allRaw = '~all';
    notes.push('Adds ~all so mail from servers not listed is marked as suspicious.');
  }

  const value = ['v=spf1', ...mechanisms.map((t) => t.raw), ...missing, ...(allRaw ? [allRaw] : []), ...modifiers.map((t) => t.raw)].join(' ');
  if (records.length === 1 && notes.length === 0) {
    return { value: existing[0]?.trim() ?? value, action: 'none', notes: ['The SPF record already authorises the relay.'] };
  }
  return { value, action: records.length > 1 ? 'replace' : 'update', notes };
}
