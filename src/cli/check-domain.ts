/**
 * `tandem check-domain <domain> [--dns 127.0.0.1:5353] [--company <id>]`: prints the records to
 * publish for a sending domain and the live check of what DNS answers, in the same words the admin
 * page shows. Exit code 0 when the domain passes, 1 when it does not, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { systemClock, type Clock } from '../domain/clock';
import { createDnsResolver, type DomainCheckResult, type RecordCheck } from '../mailauth';
import { openDb, type Db } from '../store/db';
import { migrate } from '../store/migrate';
import { sendingDomains } from '../store/schema';
import { openVault, type Vault } from '../store/vault';
import { checkSendingDomain, describeDomain, RelayNotConfiguredError, type DomainView } from '../sync/relay/sending-domains';

export interface CheckDomainArgs {
  domain: string;
  dns: string[] | undefined;
  company: string | undefined;
}

export function parseCheckDomainArgs(args: string[]): CheckDomainArgs | string {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { dns: { type: 'string' }, company: { type: 'string' } } });
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const [domain, ...extra] = parsed.positionals;
  if (!domain || extra.length > 0) return 'usage: tandem check-domain <domain> [--dns <ip[:port]>[,…]] [--company <id>]';
  const dns = parsed.values.dns?.split(',').map((s) => s.trim()).filter(Boolean);
  return { domain: domain.toLowerCase().replace(/\.$/, ''), dns: dns && dns.length > 0 ? dns : undefined, company: parsed.values.company };
}

const mark = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

/** The report as printed: records first (what to publish), then the check (what DNS says now). */
export function formatDomainReport(view: DomainView, check: DomainCheckResult | null, checkError?: string): string {
  const lines = [`Sending domain ${view.domain} (DKIM selector ${view.selector})`, '', 'Records to publish:'];
  for (const r of view.records) {
    lines.push(`  ${r.purpose.toUpperCase()}  ${r.host}  ${r.type}  (${r.action})`, `    ${r.value}`, `    ${r.explanation}`);
    for (const old of r.replaces) lines.push(`    delete: ${old}`);
  }
  if (view.spfUnknown) lines.push('  SPF  cannot be worked out until the SMTP relay is set up.');
  lines.push('');
  if (!check) {
    lines.push(`Live check: not run. ${checkError ?? ''}`.trim());
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Live check at ${check.checkedAt}: ${check.overall === 'pass' ? 'PASS' : 'FAIL'}`);
  const line = (c: RecordCheck) => [`  ${mark[c.status]}  ${c.record.toUpperCase()} at ${c.host}: ${c.explanation}`, ...c.found.map((f) => `        found: ${f}`)];
  for (const c of [check.spf, check.dkim, check.dmarc, check.alignment]) {
    lines.push(...line(c));
    for (const i of c.issues.slice(1)) lines.push(`        also (${i.status}): ${i.explanation}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface CheckDomainDeps {
  db: Db;
  vault: Vault;
  clock?: Clock;
  /** Servers from the configuration (TANDEM_DNS_SERVERS); --dns wins. */
  dnsServers?: string[] | undefined;
  out: (text: string) => void;
}

/** Finds the domain (in any company: an operator command), checks it, prints. Returns the exit code. */
export async function checkDomainCommand(args: CheckDomainArgs, deps: CheckDomainDeps): Promise<number> {
  const rows = await deps.db.orm
    .select()
    .from(sendingDomains)
    .where(sql`lower(${sendingDomains.domain}) = ${args.domain}`);
  const matching = args.company ? rows.filter((r) => r.companyId === args.company) : rows;
  const row = matching[0];
  if (!row) {
    deps.out(`${args.domain} is not a sending domain${args.company ? ` of company ${args.company}` : ''}; add it in Admin → Email domains first.\n`);
    return 2;
  }
  if (matching.length > 1) {
    deps.out(`${args.domain} is a sending domain of several companies; pick one with --company (${matching.map((r) => r.companyId).join(', ')}).\n`);
    return 2;
  }
  const servers = args.dns ?? deps.dnsServers;
  const domainDeps = { db: deps.db, vault: deps.vault, clock: deps.clock ?? systemClock, resolver: createDnsResolver(servers ? { servers } : {}) };
  const view = await describeDomain(domainDeps, row, { live: true });
  try {
    const check = await checkSendingDomain(domainDeps, row);
    deps.out(formatDomainReport(view, check));
    return check.overall === 'pass' ? 0 : 1;
  } catch (e) {
    if (!(e instanceof RelayNotConfiguredError)) throw e;
    deps.out(formatDomainReport(view, null, e.message));
    return 1;
  }
}

export async function runCheckDomain(config: Config, logger: Logger, argv: string[]): Promise<number> {
  const args = parseCheckDomainArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    return 2;
  }
  const db = await openDb({ dataDir: config.dataDir, logger, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    await migrate(db);
    const vault = openVault({ dataDir: config.dataDir, ...(config.secretKey ? { secretKey: config.secretKey } : {}) });
    return await checkDomainCommand(args, { db, vault, dnsServers: config.dnsServers, out: (t) => process.stdout.write(t) });
  } finally {
    await db.close();
  }
}
