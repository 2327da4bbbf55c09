/**
 * Who is signed in. Graph's /me looks the same for every kind of mailbox; what tells a shared mailbox
 * apart is mailboxSettings.userPurpose ("shared"; mailboxSettings resource docs), and a group is found
 * with GET /groups?$filter=mail eq '…' (groupTypes contains "Unified"). The simulator lets shared
 * mailboxes and groups sign in so adapters can exercise those refusal paths.
 */
import type { Group, MailboxSettings, User } from '@microsoft/microsoft-graph-types';
import { badRequest } from '../http';
import type { SimMailbox } from '../types';
import type { GraphContext, GraphRoute } from './context';
import { parseEqFilter, selectFields } from './odata';

function userJson(m: SimMailbox): User {
  const [given, ...rest] = m.displayName.split(' ');
  return {
    id: m.id,
    displayName: m.displayName,
    givenName: given ?? null,
    surname: rest.join(' ') || null,
    mail: m.address,
    userPrincipalName: m.address,
    businessPhones: [],
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
  };
}

function purpose(m: SimMailbox): NonNullable<MailboxSettings['userPurpose']> {
  if (m.type === 'shared') return 'shared';
  return m.type === 'group' ? 'others' : 'user';
}

function settingsJson(m: SimMailbox): MailboxSettings {
  return {
    archiveFolder: '',
    timeZone: 'UTC',
    dateFormat: 'yyyy-MM-dd',
    timeFormat: 'HH:mm',
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    language: { locale: 'en-US', displayName: 'English (United States)' },
    userPurpose: purpose(m),
  };
}

function groupJson(m: SimMailbox): Group {
  return {
    id: m.id,
    displayName: m.displayName,
    mail: m.address,
    mailEnabled: true,
    securityEnabled: false,
    groupTypes: ['Unified'],
    mailNickname: m.address.split('@')[0] ?? m.address,
  };
}

function groups(ctx: GraphContext): unknown[] {
  const filter = parseEqFilter(ctx.query.get('$filter'));
  if (filter && filter.property !== 'mail') throw badRequest(`Filtering on ${filter.property} is not supported.`);
  return [...ctx.state.mailboxes.values()]
    .filter((m) => m.type === 'group' && (!filter || m.address === filter.value.toLowerCase()))
    .map((m) => selectFields(groupJson(m), ctx.query.get('$select'), ['id']));
}

export const userRoutes: GraphRoute[] = [
  { method: 'GET', pattern: '/me', op: 'me', handle: (ctx) => ({ status: 200, json: selectFields(userJson(ctx.mailbox), ctx.query.get('$select'), ['id']) }) },
  {
    method: 'GET',
    pattern: '/me/mailboxSettings',
    op: 'mailboxSettings',
    handle: (ctx) => ({ status: 200, json: selectFields(settingsJson(ctx.mailbox), ctx.query.get('$select'), []) }),
  },
  { method: 'GET', pattern: '/me/mailboxSettings/userPurpose', op: 'mailboxSettings', handle: (ctx) => ({ status: 200, json: { value: purpose(ctx.mailbox) } }) },
  { method: 'GET', pattern: '/groups', op: 'groups.list', handle: (ctx) => ({ status: 200, json: { value: groups(ctx) } }) },
];
