/**
 * The relay side of "who may send": a user without a synced mailbox sends from their own address
 * through the company relay, only when the relay is set up and the address's domain passed its last
 * check (mailauth's send gate). Otherwise the refusal names the record to fix.
 */
import { decideSendRoute, type FailingRecord, type SendGateCode } from '../../mailauth';
import type { Db } from '../../store/db';
import { domainForAddress, domainStateOf } from './relay-store';

type Scope = { companyId: string };

export interface RelayRoute {
  /** The From and envelope sender: the user's own address. */
  from: string;
  /** The sending domain whose key signs the message. */
  domain: string;
}

export class RelayRefusedError extends Error {
  override name = 'RelayRefusedError';
  constructor(
    readonly code: SendGateCode,
    message: string,
    readonly failing: FailingRecord[],
  ) {
    super(message);
  }
}

export async function relayRouteFor(db: Db, scope: Scope, userId: string, now: Date): Promise<RelayRoute> {
  const user = await db.repos.users.get(scope, userId);
  if (!user) throw new RelayRefusedError('relay_not_configured', 'Unknown user.', []);
  const from = user.email.toLowerCase();
  const [relay, domain] = await Promise.all([db.repos.mailRelays.getRelay(scope), domainForAddress(db, scope, from)]);
  const route = decideSendRoute({
    hasSyncedMailbox: false,
    fromAddress: from,
    relayConfigured: relay !== undefined,
    domainCheck: domain ? domainStateOf(domain).result : null,
    now,
  });
  if (!route.allowed) throw new RelayRefusedError(route.code, route.message, route.failing);
  if (!domain) throw new Error('send gate allowed the relay without a sending domain');
  return { from, domain: domain.domain };
}
