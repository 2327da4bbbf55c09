/**
 * Who is connected. GET /me looks alike for every kind of mailbox; the documented signal is
 * mailboxSettings.userPurpose (mailboxSettings resource docs: user, linked, shared, room, equipment,
 * others). Anything not a person's own mailbox is refused by the connect flow; for "others" a
 * GET /groups?$filter=mail eq '…' tells a Microsoft 365 group / distribution list apart (group docs).
 */
import type { Group, MailboxSettings, User } from '@microsoft/microsoft-graph-types';
import { ProviderError } from '../errors';
import type { MailboxIdentity, MailboxType } from '../provider';
import { odataString, type GraphClient } from './graph-client';

type Purpose = NonNullable<MailboxSettings['userPurpose']>;

export function mailboxTypeOf(purpose: Purpose | undefined): MailboxType | 'lookup_group' {
  switch (purpose) {
    case 'user':
    case 'linked':
    case undefined:
      return 'user';
    case 'shared':
    case 'room':
    case 'equipment':
      return 'shared';
    default:
      return 'lookup_group';
  }
}

async function isGroup(graph: GraphClient, address: string): Promise<boolean> {
  try {
    const body = (await graph.get('/groups', { $filter: `mail eq ${odataString(address)}`, $select: 'id,mail,groupTypes,mailEnabled' })) as { value?: Group[] } | undefined;
    return (body?.value ?? []).some((g) => g.mailEnabled === true || (g.groupTypes ?? []).includes('Unified'));
  } catch (e) {
    // Reading groups may need a scope this app lacks; the mailbox is refused either way.
    if (e instanceof ProviderError && e.kind === 'permission') return false;
    throw e;
  }
}

export async function graphIdentity(graph: GraphClient): Promise<MailboxIdentity> {
  const me = (await graph.get('/me', { $select: 'id,mail,userPrincipalName,displayName' })) as User | undefined;
  const address = me?.mail ?? me?.userPrincipalName;
  if (!me?.id || !address) throw new ProviderError('permanent', 'Graph /me answered without id or address', { code: 'bad_me' });
  let purpose: Purpose | undefined;
  try {
    const settings = (await graph.get('/me/mailboxSettings', { $select: 'userPurpose' })) as MailboxSettings | undefined;
    purpose = settings?.userPurpose ?? undefined;
  } catch (e) {
    // Mailbox settings need MailboxSettings.Read; without it we cannot tell, and treat the mailbox as a user's.
    if (!(e instanceof ProviderError && e.kind === 'permission')) throw e;
  }
  const mapped = mailboxTypeOf(purpose);
  const type: MailboxType = mapped === 'lookup_group' ? ((await isGroup(graph, address)) ? 'group' : 'shared') : mapped;
  return { providerUserId: me.id, address, ...(me.displayName ? { displayName: me.displayName } : {}), type };
}
