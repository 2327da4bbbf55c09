/**
 * The Google simulator: OAuth 2.0 (accounts.google.com / oauth2.googleapis.com), Gmail v1 with
 * history, push and batch, and Calendar v3 with sync tokens, recurrence and channels — one HTTP
 * server, so the official clients work with `rootUrl` (and OAuth2Client `endpoints`) set to its URL.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import { systemClock } from '../../src/domain/clock';
import type { FetchLike } from '../../src/providers/provider';
import { FaultInjector, RequestCounters } from '../common/faults';
import type { SimHandleBase, SimOptions, SimServer } from '../common/sim-server';
import { CalendarLister } from './calendar-list';
import { CalendarRoutes } from './calendar-routes';
import { CalendarStore } from './calendar-store';
import { Dispatcher } from './dispatch';
import { handleBatch } from './gmail-batch';
import { GmailMessageRoutes } from './gmail-message-routes';
import { GmailRoutes } from './gmail-routes';
import { GmailStore } from './gmail-store';
import { sortedLabels } from './gmail-views';
import { OAuthEndpoints, type OAuthClient, type SignInChoice } from './oauth-routes';
import { OAuthStore } from './oauth-store';
import { PubSubSigner, jwksPath, type PushOidc } from './pubsub-oidc';
import { PushOutbox, type PushDelivery } from './push';
import { defaultUserQuotaPerMinute, QuotaMeter } from './quota';
import { pathPattern, type ApiRoute } from './router';
import { seedMailbox, type GoogleSeedOptions } from './seed-google';
import { listen } from './server';
import { findMailbox, IdSource, newMailbox, type SimWorld, type StoredMessage } from './state';
import { googleWebmailSource } from './webmail-source';

export type { SignInChoice, OAuthClient, PushDelivery, GoogleSeedOptions, PushOidc };

export interface GoogleSimOptions extends SimOptions {
  /** Delivers Pub/Sub pushes and calendar channel notifications (default: global fetch). */
  notificationFetch?: FetchLike;
  /** Per-user Gmail quota units per minute (default 6,000). */
  quotaUnitsPerMinute?: number;
  /** How long Gmail keeps history (default 7 days); older startHistoryIds get 404. */
  historyRetentionMs?: number;
  /** Registered OAuth clients; when absent any client id/secret is accepted. */
  clients?: OAuthClient[];
}

export interface GoogleSimMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  /** RFC 5322 Message-ID header, with angle brackets. */
  messageId?: string;
  subject: string;
  recipients: string[];
  raw: Buffer;
}

export type GoogleSimWatch =
  | { kind: 'gmail'; topicName: string; labelIds: string[]; labelFilterBehavior: string; expiration: number }
  | { kind: 'calendar'; id: string; resourceId: string; address: string; token?: string; expiration: number };

export interface GoogleSimHandle extends SimHandleBase {
  addMailbox(input: { address: string; displayName?: string; password?: string; timeZone?: string }): void;
  /** Puts a message under a label (system id or user label name; a missing user label is created). */
  placeMessage(mailbox: string, labelName: string, raw: Uint8Array | string): string;
  messagesWithLabel(mailbox: string, labelName: string): GoogleSimMessage[];
  sent(mailbox: string): GoogleSimMessage[];
  /** Stored events: singles, series masters and exceptions, cancelled ones included. */
  events(mailbox: string): calendar_v3.Schema$Event[];
  /** As if the user made it in Google Calendar (channels are notified). */
  createProviderEvent(mailbox: string, event: calendar_v3.Schema$Event): calendar_v3.Schema$Event;
  updateProviderEvent(mailbox: string, eventId: string, patch: calendar_v3.Schema$Event): calendar_v3.Schema$Event;
  deleteProviderEvent(mailbox: string, eventId: string): void;
  revokeTokens(mailbox: string): void;
  /** Kills refresh tokens issued before now (Gmail-scoped grants die on password change). */
  changePassword(mailbox: string, newPassword?: string): void;
  expireHistory(mailbox: string): void;
  expireSyncTokens(mailbox: string): void;
  setRefreshTokenLifetime(ms: number): void;
  setQuotaLimit(unitsPerMinute: number): void;
  watches(mailbox: string): GoogleSimWatch[];
  /**
   * Where pushes for a Pub/Sub topic go (stands in for a push subscription); with `oidc` each push
   * carries a token signed by the keys at `pubsubJwksUrl`, as an authenticated push subscription.
   */
  setPubSubEndpoint(topicName: string, endpoint: string, subscription?: string, oidc?: PushOidc): void;
  /** The simulator's stand-in for https://www.googleapis.com/oauth2/v3/certs. */
  readonly pubsubJwksUrl: string;
  /** Signs arbitrary claims with the Pub/Sub key (tests of token checks: wrong audience, expired…). */
  signPubSubClaims(claims: Record<string, unknown>): string;
  /** The consent page's decision without a browser: returns the redirect Location (code or error). */
  signIn(authorizeUrl: string, choice: SignInChoice): string;
  /** Waits for every notification started so far. */
  flushNotifications(): Promise<void>;
  readonly notifications: readonly PushDelivery[];
  seed(mailbox: string, options: GoogleSeedOptions): void;
}

function view(msg: StoredMessage): GoogleSimMessage {
  return {
    id: msg.id,
    threadId: msg.threadId,
    labelIds: sortedLabels(msg),
    messageId: msg.parsed.messageIdHeader,
    subject: msg.parsed.subject,
    recipients: msg.parsed.recipients,
    raw: msg.raw,
  };
}

export async function startGoogleSim(options: GoogleSimOptions = {}): Promise<SimServer<GoogleSimHandle>> {
  const clock = options.clock ?? systemClock;
  const world: SimWorld = { clock, ids: new IdSource(options.seed ?? 1), mailboxes: new Map() };
  const faults = new FaultInjector(options.seed ?? 1);
  const counters = new RequestCounters();
  const quota = new QuotaMeter(options.quotaUnitsPerMinute ?? defaultUserQuotaPerMinute);
  const signer = new PubSubSigner(clock);
  const push = new PushOutbox(options.notificationFetch ?? ((input, init) => fetch(input, init)), clock, signer);
  const gmail = new GmailStore(world, (mb, labels) => push.gmailChanged(mb, labels), options.historyRetentionMs ?? 7 * 24 * 3600_000);
  const calendar = new CalendarStore(world, (mb) => {
    for (const ch of mb.calendar.channels.values()) push.calendarNotify(mb, ch, 'exists');
  });
  const lister = new CalendarLister(calendar);
  const oauth = new OAuthStore(world);
  const oauthEndpoints = new OAuthEndpoints(world, oauth, options.clients);
  let baseUrl = '';
  const routes: ApiRoute[] = [
    ...oauthEndpoints.routes(),
    ...signer.routes(),
    ...new GmailRoutes(gmail, clock).routes(),
    ...new GmailMessageRoutes(world, gmail, clock).routes(),
    ...new CalendarRoutes(world, calendar, lister, push, clock, world.ids, () => baseUrl).routes(),
  ];
  const dispatcher = new Dispatcher({ world, routes, oauth, faults, counters, quota });
  for (const p of ['/batch/gmail/v1', '/batch']) {
    routes.push({ method: 'POST', pattern: pathPattern(p), operation: 'batch', auth: 'none', handle: ({ req }) => handleBatch(req, dispatcher, world.ids) });
  }
  const webmail = googleWebmailSource(world, gmail, calendar);
  const { server, url } = await listen(dispatcher, webmail, options.host ?? '127.0.0.1', options.port ?? 0);
  baseUrl = url;

  const labelFor = (address: string, labelName: string): string => {
    const mb = findMailbox(world, address);
    return (gmail.findLabel(mb, labelName) ?? gmail.createLabel(mb, { name: labelName })).id;
  };

  const handle: GoogleSimHandle = {
    faults,
    counters,
    webmail,
    addMailbox(input) {
      const mb = newMailbox(world, input);
      if (input.timeZone) mb.calendar.timeZone = input.timeZone;
      world.mailboxes.set(mb.address, mb);
    },
    placeMessage(mailbox, labelName, raw) {
      const bytes = typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw);
      return gmail.addMessage(findMailbox(world, mailbox), bytes, { labelIds: [labelFor(mailbox, labelName)] }).id;
    },
    messagesWithLabel(mailbox, labelName) {
      const mb = findMailbox(world, mailbox);
      const id = gmail.findLabel(mb, labelName)?.id;
      return id ? [...mb.gmail.messages.values()].filter((m) => m.labelIds.has(id)).map(view) : [];
    },
    sent(mailbox) {
      return [...findMailbox(world, mailbox).gmail.messages.values()].filter((m) => m.labelIds.has('SENT')).map(view);
    },
    events: (mailbox) => [...findMailbox(world, mailbox).calendar.events.values()].map((s) => s.event),
    createProviderEvent: (mailbox, event) => calendar.insert(findMailbox(world, mailbox), event),
    updateProviderEvent: (mailbox, id, patch) => calendar.patch(findMailbox(world, mailbox), id, patch),
    deleteProviderEvent: (mailbox, id) => calendar.delete(findMailbox(world, mailbox), id),
    revokeTokens: (mailbox) => oauth.revokeMailbox(findMailbox(world, mailbox).address),
    changePassword(mailbox, newPassword) {
      const mb = findMailbox(world, mailbox);
      mb.passwordChangedAt = clock.now().getTime();
      if (newPassword !== undefined) mb.password = newPassword;
    },
    expireHistory: (mailbox) => gmail.expireHistory(findMailbox(world, mailbox)),
    expireSyncTokens: (mailbox) => calendar.expireSyncTokens(findMailbox(world, mailbox)),
    setRefreshTokenLifetime(ms) {
      oauth.refreshTokenLifetimeMs = ms;
    },
    setQuotaLimit(units) {
      quota.limitPerMinute = units;
    },
    watches(mailbox) {
      const mb = findMailbox(world, mailbox);
      const out: GoogleSimWatch[] = [];
      const w = mb.gmail.watch;
      if (w) out.push({ kind: 'gmail', topicName: w.topicName, labelIds: w.labelIds, labelFilterBehavior: w.behavior, expiration: w.expiration });
      for (const c of mb.calendar.channels.values()) out.push({ kind: 'calendar', id: c.id, resourceId: c.resourceId, address: c.address, token: c.token, expiration: c.expiration });
      return out;
    },
    setPubSubEndpoint: (topic, endpoint, subscription, oidc) => push.setPubSubEndpoint(topic, endpoint, subscription, oidc),
    pubsubJwksUrl: `${url}${jwksPath}`,
    signPubSubClaims: (claims) => signer.sign(claims),
    signIn(authorizeUrl, choice) {
      const answer = oauthEndpoints.decide(new URL(authorizeUrl).searchParams, choice);
      const location = answer.headers?.location;
      if (!location) throw new Error(`Sign-in did not redirect (HTTP ${answer.status})`);
      return location;
    },
    flushNotifications: () => push.flush(),
    get notifications() {
      return push.log;
    },
    seed: (mailbox, opts) => seedMailbox(findMailbox(world, mailbox), gmail, calendar, clock.now(), opts),
  };

  return {
    url,
    handle,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
