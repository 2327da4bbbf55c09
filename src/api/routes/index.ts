/** All API routes, in one list for the app and the OpenAPI document. */
import type { ProviderAccess } from '../../sync/provider-access';
import type { SyncEngine } from '../../sync/engine';
import type { PushControl } from '../../sync/push/push-manager';
import type { PubSubPushVerifier } from '../../providers/google/pubsub-push';
import type { Vault } from '../../store/vault';
import type { BlobStore } from '../../store/repos/blobs';
import type { SessionLookup } from '../app';
import type { RouteDeps } from '../deps';
import type { RouteDef } from '../route';
import { activityRoutes } from './activities';
import { adminSyncRoutes } from './admin';
import { appointmentRoutes } from './appointments';
import { authRoutes, sessionLookup } from './auth';
import { contactRoutes } from './contacts';
import { emailRoutes } from './emails';
import { mailauthRoutes } from './mailauth';
import { oauthRoutes } from './oauth';
import { peopleRoutes } from './people';
import { recordRoutes } from './records';
import { relayStatusRoutes } from './relay-status';
import { settingsRoutes } from './settings';
import { webhookRoutes } from './webhooks';

export interface RouteServices {
  engine: Pick<SyncEngine, 'wakeOutbox' | 'syncNow'>;
  vault: Vault;
  providers: ProviderAccess;
  /** Where attachment bytes live (the same store capture writes to); default the database. */
  blobs?: BlobStore;
  /** Push subscriptions: re-subscribe at once on a Graph lifecycle event, release before a disconnect. */
  push?: PushControl;
  /** Checks the OIDC token of Gmail's Pub/Sub pushes (configured with GOOGLE_PUBSUB_TOPIC). */
  gmailPushAuth?: Pick<PubSubPushVerifier, 'verify'>;
}

export function buildRoutes(deps: RouteDeps, services: RouteServices): { routes: RouteDef[]; sessions: SessionLookup } {
  const wakeOutbox = () => services.engine.wakeOutbox();
  const push = services.push;
  // Each sign-in to Tandem renews the user's mailbox connections for another 90 days.
  const renewConnections = async (caller: { companyId: string; userId: string }, now: Date) => {
    await deps.db.repos.accounts.renewForUser({ companyId: caller.companyId }, caller.userId, now);
  };
  const routes = [
    ...authRoutes(deps, [renewConnections]),
    ...contactRoutes(deps),
    ...recordRoutes(deps),
    ...activityRoutes(deps, services.blobs ?? deps.db.repos.blobs),
    ...appointmentRoutes({ ...deps, wakeOutbox }),
    ...emailRoutes({ ...deps, wakeOutbox }),
    ...peopleRoutes(deps),
    ...mailauthRoutes({ ...deps, vault: services.vault, dnsServers: deps.config.dnsServers }),
    ...settingsRoutes(deps, services),
    ...relayStatusRoutes(deps),
    ...oauthRoutes(deps, services),
    ...adminSyncRoutes(deps, services),
    ...webhookRoutes({
      ...deps,
      syncNow: (account, reason) => services.engine.syncNow(account, reason),
      ...(push ? { requestEnsure: (account: { id: string; companyId: string }) => push.requestEnsure(account) } : {}),
      ...(services.gmailPushAuth ? { gmailAuth: services.gmailPushAuth } : {}),
    }),
  ];
  return { routes, sessions: sessionLookup(deps) };
}
