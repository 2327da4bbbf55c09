/**
 * The company's SMTP relay and sending domains as the mailauth core needs them: rows from
 * repos.mailRelays with their secrets opened from the vault. Secrets are sealed with a vault context
 * naming their row, so an envelope copied onto another row (or company) fails to open.
 */
import { z } from 'zod';
import { parseRelaySettings, type RelaySettings, type RelayTlsMode, type SigningKey } from '../../mailauth';
import { ProviderError } from '../../providers/errors';
import type { Db } from '../../store/db';
import type { SendingDomain, SmtpRelay } from '../../store/repos/mail-relays';
import { VaultError, type Vault } from '../../store/vault';
import { domainStateSchema, type DomainState } from './domain-state';

type Scope = { companyId: string };

export const relayPasswordContext = (relayId: string): string => `smtp_relay:${relayId}:password`;
/**
 * The domain row's id is made by the insert, after the key must already be sealed; company and
 * domain are unique together (sending_domains_company_domain_uq), so they name the row as well.
 */
export const dkimKeyContext = (companyId: string, domain: string): string => `sending_domain:${companyId}:${domain.toLowerCase()}:dkim`;

export interface RelayInput {
  host: string;
  port: number;
  tls: RelayTlsMode;
  username?: string | undefined;
  /** Absent: keep the stored password. null: remove it. */
  password?: string | null | undefined;
}

/** What the API shows: everything but the password, of which only its presence is told. */
export interface RelayView {
  host: string;
  port: number;
  tls: RelayTlsMode;
  username: string | null;
  passwordSet: boolean;
  updatedAt: string;
}

export function relayView(row: SmtpRelay): RelayView {
  return { host: row.host, port: row.port, tls: row.tlsMode, username: row.username, passwordSet: row.passwordSecret !== null, updatedAt: row.updatedAt.toISOString() };
}

export async function saveRelay(db: Db, vault: Vault, scope: Scope, input: RelayInput): Promise<SmtpRelay> {
  const repo = db.repos.mailRelays;
  const existing = await repo.getRelay(scope);
  const fields = { host: input.host, port: input.port, tlsMode: input.tls, username: input.username ?? null };
  // The row id binds the sealed password; a first save makes the row before sealing into it.
  const row = existing ?? (await repo.saveRelay(scope, { ...fields, passwordSecret: null }));
  const passwordSecret = input.password === undefined ? (existing?.passwordSecret ?? null) : input.password === null ? null : vault.seal(input.password, relayPasswordContext(row.id));
  return repo.saveRelay(scope, { ...fields, passwordSecret });
}

/** Settings ready for the mailauth relay sender, or null when the company has no relay. */
export async function loadRelaySettings(db: Db, vault: Vault, scope: Scope): Promise<RelaySettings | null> {
  const row = await db.repos.mailRelays.getRelay(scope);
  if (!row) return null;
  const password = row.passwordSecret === null ? undefined : openSecret(vault, row.passwordSecret, relayPasswordContext(row.id), 'relay password');
  return parseRelaySettings({
    host: row.host,
    port: row.port,
    tls: row.tlsMode,
    ...(row.username ? { username: row.username } : {}),
    ...(password !== undefined ? { password } : {}),
  });
}

export function sealDkimKey(vault: Vault, scope: Scope, domain: string, privateKeyPem: string): string {
  return vault.seal(privateKeyPem, dkimKeyContext(scope.companyId, domain));
}

export function signingKeyOf(vault: Vault, row: SendingDomain): SigningKey {
  return { domain: row.domain, selector: row.dkimSelector, privateKeyPem: openSecret(vault, row.dkimPrivateKeySecret, dkimKeyContext(row.companyId, row.domain), 'DKIM key') };
}

export function domainStateOf(row: SendingDomain): DomainState {
  const parsed = domainStateSchema.safeParse(row.lastCheck ?? {});
  return parsed.success ? parsed.data : { dmarcReportAddress: `dmarc-reports@${row.domain}`, result: null };
}

/** The sending domain covering an address: the same domain, else the closest parent (relaxed alignment). */
export async function domainForAddress(db: Db, scope: Scope, address: string): Promise<SendingDomain | undefined> {
  const domain = (address.split('@').pop() ?? '').toLowerCase();
  const rows = await db.repos.mailRelays.listDomains(scope);
  return rows
    .filter((r) => domain === r.domain || domain.endsWith(`.${r.domain}`))
    .sort((a, b) => b.domain.length - a.domain.length)[0];
}

function openSecret(vault: Vault, envelope: string, context: string, what: string): string {
  try {
    return z.string().parse(vault.open(envelope, context));
  } catch (e) {
    // Unreadable secrets do not heal by retrying: an administrator enters them again.
    if (e instanceof VaultError || e instanceof z.ZodError) {
      throw new ProviderError('permission', `The stored ${what} cannot be read (was TANDEM_SECRET_KEY changed?); an administrator must enter the relay settings or add the domain again.`, {
        code: 'relay_secret_unreadable',
        cause: e,
      });
    }
    throw e;
  }
}
