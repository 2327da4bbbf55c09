/** Admin controls tests use to set the scene and to act "as the user in Outlook". */
import type { Event } from '@microsoft/microsoft-graph-types';
import type { FaultInjector, RequestCounters } from '../common/faults';
import type { SimHandleBase } from '../common/sim-server';
import type { WebmailSource } from '../common/webmail-source';
import type { GraphEngine } from './graph/engine';
import { masterInstance, toGraphEvent } from './graph/event-view';
import type { DeliveryRecord, LifecycleEvent, SimSubscription, SubscriptionService } from './graph/subscriptions';
import type { SimApp, TokenStore } from './identity/token-store';
import type { AddMailboxInput, SimState, TenantConsent } from './state';
import type { RequestGate } from './throttle';
import { seedMailbox, type MicrosoftSeedOptions } from './seed';

export interface SimMailboxInfo {
  id: string;
  address: string;
  tenantId: string;
}

export interface SimMessageSummary {
  /** Immutable id (stable across moves); Graph also accepts it wherever a message id goes. */
  id: string;
  /** Current default-format id (changes on move). */
  restId: string;
  internetMessageId: string;
  subject: string;
  to: string[];
  isDraft: boolean;
}

export interface MicrosoftSimHandle extends SimHandleBase {
  addMailbox(input: AddMailboxInput): SimMailboxInfo;
  addApp(app: SimApp): void;
  /** Drops RFC 822 bytes into a folder (by display name or well-known name) as delivered mail; returns the immutable id. */
  placeMessage(mailbox: string, folderDisplayName: string, raw: Uint8Array): Promise<string>;
  listFolderMessages(mailbox: string, folderName: string): SimMessageSummary[];
  sentItems(mailbox: string): SimMessageSummary[];
  /** Singles and series masters as Graph shows them (UTC), with extended properties. */
  events(mailbox: string): (Event & { singleValueExtendedProperties?: { id: string; value: string }[] })[];
  createProviderEvent(mailbox: string, graphEvent: Record<string, unknown>): Promise<Event>;
  updateProviderEvent(mailbox: string, eventId: string, patch: Record<string, unknown>): Promise<Event>;
  deleteProviderEvent(mailbox: string, eventId: string): Promise<void>;
  revokeRefreshTokens(mailbox: string): void;
  changePassword(mailbox: string): void;
  setTenantConsent(tenant: string, consent: TenantConsent | 'admin_required' | 'granted'): void;
  requireMfa(mailbox: string, code: string): void;
  expireDeltaTokens(mailbox: string): void;
  setRefreshTokenLifetime(ms: number): void;
  subscriptions(mailbox: string): SimSubscription[];
  /** Sends a lifecycle notification (subscriptionRemoved also deletes the subscription). */
  subscriptionLifecycle(subscriptionId: string, event: LifecycleEvent): void;
  /** Waits until every notification POST started so far has been answered. */
  flushNotifications(): Promise<void>;
  notificationDeliveries(): DeliveryRecord[];
  /** Holds admitted Graph requests until released, to provoke concurrency without sleeping. */
  holdRequests(): { whenHeld(n: number): Promise<void>; release(): void };
  /** Deterministic mail (Inbox / Sent Items) and events (with series exceptions) from sim/common/seed.ts. */
  seed(mailbox: string, options: MicrosoftSeedOptions): Promise<void>;
}

export interface HandleParts {
  state: SimState;
  store: TokenStore;
  engine: GraphEngine;
  subscriptions: SubscriptionService;
  gate: RequestGate;
  faults: FaultInjector;
  counters: RequestCounters;
  webmail: WebmailSource;
  origin: () => string;
}

export function createHandle(p: HandleParts): MicrosoftSimHandle {
  const { state } = p;

  /** Runs a Graph call as the mailbox owner, bypassing limits, faults and counters. */
  async function asOwner(mailbox: string, method: string, url: string, body?: unknown): Promise<unknown> {
    const box = state.mailbox(mailbox);
    const result = await p.engine.run(
      { method, url, headers: { 'content-type': 'application/json' }, body: Buffer.from(body === undefined ? '' : JSON.stringify(body)) },
      box,
      `${p.origin()}/v1.0`,
    );
    if (result.status >= 400) throw new Error(`simulated Outlook refused ${method} ${url}: ${JSON.stringify(result.json)}`);
    return result.json;
  }

  const summary = (m: import('./types').SimMessage): SimMessageSummary => ({
    id: m.immutableId,
    restId: m.restId,
    internetMessageId: m.internetMessageId,
    subject: m.subject,
    to: m.to.map((a) => a.address ?? ''),
    isDraft: m.isDraft,
  });

  const folderMessages = (mailbox: string, folderName: string): SimMessageSummary[] => {
    const box = state.mailbox(mailbox);
    const folder = state.folderByName(box, folderName);
    if (!folder) return [];
    return state
      .messagesIn(box, folder.id)
      .sort((a, b) => a.seq - b.seq)
      .map(summary);
  };

  return {
    faults: p.faults,
    counters: p.counters,
    webmail: p.webmail,
    addMailbox: (input) => {
      const m = state.addMailbox(input);
      return { id: m.id, address: m.address, tenantId: m.tenantId };
    },
    addApp: (app) => {
      p.store.apps.set(app.clientId, app);
    },
    placeMessage: async (mailbox, folderDisplayName, raw) => {
      const box = state.mailbox(mailbox);
      const folder = state.folderByName(box, folderDisplayName);
      if (!folder) throw new Error(`no folder ${folderDisplayName} in ${mailbox}`);
      return (await state.insertMessage(box, folder.id, raw)).immutableId;
    },
    listFolderMessages: folderMessages,
    sentItems: (mailbox) => folderMessages(mailbox, 'sentitems'),
    events: (mailbox) =>
      [...state.mailbox(mailbox).events.values()].map((e) => ({
        ...toGraphEvent(masterInstance(e), undefined),
        singleValueExtendedProperties: e.extendedProperties.map((x) => ({ ...x })),
      })),
    createProviderEvent: async (mailbox, graphEvent) => (await asOwner(mailbox, 'POST', '/me/events', graphEvent)) as Event,
    updateProviderEvent: async (mailbox, eventId, patch) => (await asOwner(mailbox, 'PATCH', `/me/events/${encodeURIComponent(eventId)}`, patch)) as Event,
    deleteProviderEvent: async (mailbox, eventId) => {
      await asOwner(mailbox, 'DELETE', `/me/events/${encodeURIComponent(eventId)}`);
    },
    revokeRefreshTokens: (mailbox) => p.store.revoke(state.mailbox(mailbox).address),
    changePassword: (mailbox) => p.store.changePassword(state.mailbox(mailbox).address),
    setTenantConsent: (tenant, consent) => {
      state.tenant(tenant).consent = consent;
    },
    requireMfa: (mailbox, code) => {
      state.mailbox(mailbox).mfaCode = code;
    },
    expireDeltaTokens: (mailbox) => {
      state.mailbox(mailbox).deltaEpoch++;
    },
    setRefreshTokenLifetime: (ms) => {
      p.store.refreshLifetimeMs = ms;
    },
    subscriptions: (mailbox) => p.subscriptions.forMailbox(mailbox),
    subscriptionLifecycle: (id, event) => p.subscriptions.lifecycle(id, event),
    flushNotifications: () => p.subscriptions.flush(),
    notificationDeliveries: () => [...p.subscriptions.deliveries],
    seed: (mailbox, options) => seedMailbox(state, asOwner, mailbox, options),
    holdRequests: () => {
      p.gate.close();
      return { whenHeld: (n) => p.gate.whenHeld(n), release: () => p.gate.open() };
    },
  };
}
