/** Every repository bound to one drizzle handle (the database, or one transaction). */
import type { Orm } from '../db';
import { AccountsRepo } from './accounts';
import { ActivitiesRepo } from './activities';
import { AppointmentsRepo } from './appointments';
import { BlobsRepo } from './blobs';
import { CalendarSharesRepo } from './calendar-shares';
import { CapturedMessagesRepo } from './captured-messages';
import { CompaniesRepo } from './companies';
import { ContactsRepo } from './contacts';
import { MailRelaysRepo } from './mail-relays';
import { OAuthStatesRepo } from './oauth-states';
import { OutboxRepo } from './outbox';
import { PushSubscriptionsRepo } from './push-subscriptions';
import { RecordsRepo } from './records';
import { SessionsRepo } from './sessions';
import { SyncStateRepo } from './sync-state';
import { UsersRepo } from './users';

export interface Repos {
  companies: CompaniesRepo;
  users: UsersRepo;
  sessions: SessionsRepo;
  contacts: ContactsRepo;
  records: RecordsRepo;
  activities: ActivitiesRepo;
  capturedMessages: CapturedMessagesRepo;
  blobs: BlobsRepo;
  appointments: AppointmentsRepo;
  calendarShares: CalendarSharesRepo;
  accounts: AccountsRepo;
  syncState: SyncStateRepo;
  pushSubscriptions: PushSubscriptionsRepo;
  outbox: OutboxRepo;
  oauthStates: OAuthStatesRepo;
  mailRelays: MailRelaysRepo;
}

export function createRepos(orm: Orm): Repos {
  return {
    companies: new CompaniesRepo(orm),
    users: new UsersRepo(orm),
    sessions: new SessionsRepo(orm),
    contacts: new ContactsRepo(orm),
    records: new RecordsRepo(orm),
    activities: new ActivitiesRepo(orm),
    capturedMessages: new CapturedMessagesRepo(orm),
    blobs: new BlobsRepo(orm),
    appointments: new AppointmentsRepo(orm),
    calendarShares: new CalendarSharesRepo(orm),
    accounts: new AccountsRepo(orm),
    syncState: new SyncStateRepo(orm),
    pushSubscriptions: new PushSubscriptionsRepo(orm),
    outbox: new OutboxRepo(orm),
    oauthStates: new OAuthStatesRepo(orm),
    mailRelays: new MailRelaysRepo(orm),
  };
}

export type { Scope, Page, Keyset, StoreErrorCode } from './common';
export { StoreError, isUuid } from './common';
export type { BlobStore } from './blobs';
