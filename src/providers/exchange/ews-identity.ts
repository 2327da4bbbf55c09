/**
 * Who is connecting. EWS has no shared-mailbox flag: ResolveNames reports MailboxType "Mailbox" for
 * user, shared and room mailboxes alike (MailboxType reference). What can be checked is ownership:
 * resolving the sign-in name yields the account that signed in. A shared mailbox's own AD account is
 * disabled, so people reach one with a delegate's credentials — the resolved own mailbox then differs
 * from the address entered, and the mailbox is reported as shared (the connect flow refuses it).
 * PublicDL / PrivateDL / GroupMailbox are distribution lists and groups.
 *
 * ResolveNames matches names, alias and primary SMTP address (UnresolvedEntry reference), not
 * DOMAIN\user, so a down-level sign-in name is retried as its bare user name (usually the alias).
 * When the sign-in name resolves to nothing unambiguous, ownership cannot be shown and the entered
 * address decides alone (a group is still refused).
 */
import { isProviderError } from '../errors';
import type { MailboxIdentity, MailboxType } from '../provider';
import type { EwsClient } from './ews-client';
import { children, el, path, textOf, tx } from './ews-xml';

interface Resolution {
  email: string;
  name?: string;
  mailboxType: string;
}

const groupTypes = new Set(['PublicDL', 'PrivateDL', 'GroupMailbox']);

async function resolve(client: EwsClient, entry: string): Promise<Resolution[]> {
  const body = el('m:ResolveNames', { ReturnFullContactData: false, SearchScope: 'ActiveDirectory' }, tx('m:UnresolvedEntry', entry));
  const [answer] = await client.call('ResolveNames', body);
  if (!answer) return [];
  // ErrorNameResolutionNoResults is an Error; MultipleResults a Warning that still lists candidates.
  if (!answer.ok) {
    if (answer.error.code === 'ErrorNameResolutionNoResults') return [];
    throw answer.error;
  }
  return children(path(answer.node, 'ResolutionSet'), 'Resolution').map((r) => {
    const email = (textOf(r, 'Mailbox', 'EmailAddress') ?? '').toLowerCase();
    const name = textOf(r, 'Mailbox', 'Name');
    return { email, mailboxType: textOf(r, 'Mailbox', 'MailboxType') ?? 'Unknown', ...(name ? { name } : {}) };
  });
}

function pick(found: Resolution[], prefer: string): Resolution | undefined {
  return found.find((r) => r.email === prefer) ?? (found.length === 1 ? found[0] : undefined);
}

/** The sign-in name's own mailbox; DOMAIN\user falls back to the bare user name (ANR matches it). */
async function ownMailbox(client: EwsClient, username: string, address: string): Promise<Resolution | undefined> {
  const direct = pick(await resolve(client, username), address);
  if (direct) return direct;
  const bare = username.includes('\\') ? username.slice(username.indexOf('\\') + 1) : undefined;
  return bare ? pick(await resolve(client, bare), address) : undefined;
}

export async function resolveIdentity(client: EwsClient, mailbox: string, username: string): Promise<MailboxIdentity> {
  const address = mailbox.trim().toLowerCase();
  let own: Resolution | undefined;
  try {
    own = await ownMailbox(client, username, address);
  } catch (e) {
    // A mailbox-less account (a distribution list's) cannot even be asked; fall through to the address.
    if (!isProviderError(e) || e.kind !== 'unsupported_mailbox') throw e;
  }
  const entered = own?.email === address ? own : pick(await resolve(client, `smtp:${address}`), address);
  let type: MailboxType = 'user';
  if ((own && groupTypes.has(own.mailboxType)) || (entered && groupTypes.has(entered.mailboxType))) type = 'group';
  else if (own && own.email !== address) type = 'shared';
  return {
    providerUserId: entered?.email ?? address,
    address: entered?.email ?? address,
    type,
    ...(entered?.name ? { displayName: entered.name } : {}),
  };
}
