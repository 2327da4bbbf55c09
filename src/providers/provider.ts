/**
 * The one provider interface. A provider exposes capabilities, not a lowest common denominator:
 * `identity()` is required; mail, calendar, push and OAuth are optional abilities. An ability a
 * provider lacks is absent (never a method that silently returns null). Providers never touch the
 * store: credentials, cursors, clock, logger and fetch are passed in; every failure is a ProviderError.
 */
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock';
import type { ProviderError } from './errors';

export const providerKinds = ['microsoft', 'google', 'exchange', 'imap'] as const;
export type ProviderKind = (typeof providerKinds)[number];

// ---------------------------------------------------------------- credentials

export interface OAuthCredentials {
  kind: 'oauth';
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working (ISO 8601). */
  accessTokenExpiresAt: string;
  scope?: string;
  /** Microsoft: the tenant the user signed in to; used for admin-consent links. */
  tenantId?: string;
}

export interface PasswordCredentials {
  kind: 'password';
  username: string;
  password: string;
}

export type Credentials = OAuthCredentials | PasswordCredentials;

/** Where a provider's endpoints live. Configurable so the same adapters run against the simulators. */
export interface ProviderEndpoints {
  /** Microsoft: Graph root, e.g. https://graph.microsoft.com/v1.0 */
  graphBaseUrl?: string;
  /** Microsoft: identity authority host, e.g. https://login.microsoftonline.com */
  microsoftAuthorityHost?: string;
  /** Google: API root, e.g. https://gmail.googleapis.com (Gmail) and https://www.googleapis.com (Calendar) */
  gmailRootUrl?: string;
  calendarRootUrl?: string;
  googleOAuthBaseUrl?: string;
  /** Exchange: the EWS URL (from settings or Autodiscover). */
  ewsUrl?: string;
  /** IMAP / SMTP / CalDAV servers (other providers). */
  imap?: { host: string; port: number; secure: boolean };
  smtp?: { host: string; port: number; secure: boolean };
  caldavUrl?: string;
}

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Everything a provider instance may use. It owns nothing else. */
export interface ProviderContext {
  /** The mailbox address as connected (the account's primary SMTP address). */
  mailbox: string;
  credentials: Credentials;
  endpoints: ProviderEndpoints;
  clock: Clock;
  logger: Logger;
  fetch: FetchLike;
  /** Aborts in-flight requests on shutdown. */
  signal?: AbortSignal;
}

// ---------------------------------------------------------------- identity

export type MailboxType = 'user' | 'shared' | 'group';

export interface MailboxIdentity {
  /** Stable id of the mailbox at the provider (Graph user id, Google sub / email, EWS SMTP address). */
  providerUserId: string;
  address: string;
  displayName?: string;
  /** Shared mailboxes and groups / distribution lists are refused by the connect flow. */
  type: MailboxType;
}

// ---------------------------------------------------------------- mail

export interface CaptureFolderNames {
  capture: string; // default "Tandem"
  processed: string; // default "Processed"
}

/** Provider ids of the two folders (Gmail: label ids). Stored with the account, passed back in. */
export interface CaptureFolders {
  captureId: string;
  processedId: string;
}

/** One message waiting in the capture folder. `id` is immutable across moves where the API allows. */
export interface CapturedRef {
  id: string;
  /** RFC 5322 Message-ID when the listing gives it cheaply; the pipeline dedupes on both. */
  messageId?: string;
  receivedAt?: string;
}

export interface CapturePage {
  refs: CapturedRef[];
  /** Absent on the last page. */
  nextPageToken?: string;
  /**
   * Providers that track the folder with a cursor (IMAP: {uidValidity, uid, modseq}) return the
   * cursor covering this page; the engine stores it only after the page's activities are committed.
   */
  cursor?: string;
}

/** Per-item outcome of a batched call: one bad message never fails its neighbours. */
export type ItemResult<T> = { ref: CapturedRef; ok: true; value: T } | { ref: CapturedRef; ok: false; error: ProviderError };

export interface OutgoingMail {
  /** Complete RFC 822 message, including our stable Message-ID header. */
  mime: Uint8Array;
  /** Our Message-ID (with angle brackets), the idempotency key of the send. */
  messageId: string;
  /** Envelope recipients (To + Cc + Bcc); Bcc is not in the MIME headers. */
  recipients: string[];
}

export interface SentRef {
  providerId?: string;
}

export interface MailAbility {
  /** Creates the capture and processed folders (labels) if missing; reuses existing ones. */
  ensureCaptureFolders(names: CaptureFolderNames): Promise<CaptureFolders>;
  listCaptured(folders: CaptureFolders, page: { pageToken?: string; cursor?: string; pageSize: number }): Promise<CapturePage>;
  /** Raw RFC 822 bytes, batched ($batch, Gmail batch, EWS GetItem with many ids). */
  fetchRaw(refs: CapturedRef[]): Promise<ItemResult<Uint8Array>[]>;
  /** Batched move (Graph $batch move, Gmail batchModify, EWS MoveItem, IMAP MOVE). */
  markProcessed(folders: CaptureFolders, refs: CapturedRef[]): Promise<ItemResult<void>[]>;
  /**
   * Set when a move is charged per call, not per message (Gmail batchModify: 50 quota units for up to
   * 1,000 ids): the capture run then moves a whole listing page in calls of up to this many refs,
   * after every batch of the page is stored, instead of one call per batch.
   */
  readonly moveGroupSize?: number;
  /**
   * Set when a listing's nextPageToken stays valid while the page's messages are moved away (IMAP: the
   * token is "after UID n"). The capture run may then list the next page while the current one is
   * still being stored and moved; offset-based tokens (Graph's $skip, EWS offsets) would skip mail.
   */
  readonly pageTokensSurviveMoves?: boolean;
  /** Sends so that the message sits in the user's Sent folder. */
  send(mail: OutgoingMail): Promise<SentRef>;
  /** Looks in Sent for our Message-ID (after an ambiguous failure, before resending). */
  findSent(messageId: string): Promise<SentRef | null>;
}

// ---------------------------------------------------------------- calendar

export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';

/** A point in time as the provider states it: a local date-time in an IANA zone, or a date for all-day. */
export interface EventTime {
  /** ISO local date-time without offset ("2026-11-03T09:00:00"), or date ("2026-11-03") when all-day. */
  local: string;
  /** IANA zone (providers' Windows names are mapped by the adapter). */
  timeZone: string;
}

export interface EventAttendee {
  email: string;
  name?: string;
  response?: 'none' | 'accepted' | 'tentative' | 'declined';
}

export interface ProviderEvent {
  providerId: string;
  /** Graph @odata.etag / changeKey, Google etag, EWS ChangeKey, CalDAV ETag. */
  etag: string;
  iCalUid?: string;
  kind: 'single' | 'seriesMaster' | 'occurrence' | 'exception';
  /** For occurrences and exceptions: the master's providerId. */
  seriesMasterId?: string;
  /** For occurrences and exceptions: the start the instance had in the series pattern (ISO UTC). */
  originalStart?: string;
  subject: string;
  bodyText?: string;
  location?: string;
  start: EventTime;
  end: EventTime;
  allDay: boolean;
  sensitivity: Sensitivity;
  showAs?: 'free' | 'busy' | 'tentative' | 'oof' | 'workingElsewhere';
  organizer?: EventAttendee;
  attendees: EventAttendee[];
  /** Series masters: RFC 5545 RRULE (without "RRULE:"), and EXDATEs as ISO UTC starts. */
  recurrence?: { rrule: string; exdates: string[] };
  /** Tandem's appointment id when Tandem made the event (extended property / X- property). */
  tandemId?: string;
  cancelled?: boolean;
}

export interface CalendarWindow {
  start: Date;
  end: Date;
}

export interface CalendarChanges {
  upserts: ProviderEvent[];
  /** providerIds removed at the provider (or fallen out of the window). */
  deletions: string[];
  /** Cursor to pass next time; store it only after these changes are committed. */
  nextCursor: string;
  /** True when this page began a full sync (no cursor): the engine deletes what it did not see. */
  fullSync: boolean;
  /** More pages follow for this round: call again with nextCursor. */
  more: boolean;
}

export interface EventInput {
  tandemId: string;
  subject: string;
  bodyText?: string;
  location?: string;
  start: EventTime;
  end: EventTime;
  allDay: boolean;
  sensitivity: Sensitivity;
  attendees: EventAttendee[];
}

export interface CalendarAbility {
  /** Throws ProviderError('cursor_expired') when the cursor aged out: the engine restarts with null. */
  fetchChanges(cursor: string | null, window: CalendarWindow): Promise<CalendarChanges>;
  /**
   * Makes the event, or hands back the one an earlier attempt made (its answer lost) when the
   * provider recognises it (CalDAV's resource name, Google's event id, Graph's transactionId).
   * `existing` marks one found that way where the adapter can tell: its fields are the provider's
   * current ones, not necessarily the input's.
   */
  createEvent(input: EventInput): Promise<ProviderEvent & { existing?: boolean }>;
  /** Precondition on etag; a mismatch is ProviderError('conflict'). */
  updateEvent(providerId: string, etag: string, input: EventInput): Promise<ProviderEvent>;
  deleteEvent(providerId: string, etag?: string): Promise<void>;
  /** Looks up a Tandem-made event by its tandemId (after an ambiguous create). */
  findByTandemId?(tandemId: string, window: CalendarWindow): Promise<ProviderEvent | null>;
}

// ---------------------------------------------------------------- push

export type PushResource = 'capture' | 'calendar';

export interface PushSubscription {
  id: string;
  resource: PushResource;
  expiresAt: string;
  /** Opaque provider data needed to renew or stop (Google channel resourceId, EWS watermark…). */
  data?: string;
}

export interface PushAbility {
  subscribe(resource: PushResource, target: { url: string; clientState: string }, folders?: CaptureFolders): Promise<PushSubscription>;
  renew(sub: PushSubscription): Promise<PushSubscription>;
  unsubscribe(sub: PushSubscription): Promise<void>;
}

// ---------------------------------------------------------------- oauth (connect flow)

export interface OAuthStart {
  state: string;
  codeChallenge: string;
  redirectUri: string;
  loginHint?: string;
}

export interface OAuthAbility {
  authorizeUrl(start: OAuthStart): string;
  exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<OAuthCredentials>;
  /** Uses the refresh token; providers rotate refresh tokens, so store what comes back. */
  refresh(credentials: OAuthCredentials): Promise<OAuthCredentials>;
  /** Microsoft: the tenant's admin-consent link. */
  adminConsentUrl?(tenantId: string): string;
  /**
   * Reads the authorize redirect's query: the code and echoed state, or throws the provider's mapped
   * ProviderError (e.g. Microsoft "admin approval required" → consent_required with adminConsentUrl).
   */
  parseRedirect?(query: URLSearchParams): { code: string; state: string | null };
}

// ---------------------------------------------------------------- the provider

export interface Provider {
  readonly kind: ProviderKind;
  identity(): Promise<MailboxIdentity>;
  readonly mail?: MailAbility;
  readonly calendar?: CalendarAbility;
  readonly push?: PushAbility;
}

/** OAuth settings from configuration (client ids, secrets) handed to the flow. */
export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
}

/**
 * Registry entry: every provider kind must have one, so a missing provider fails to compile
 * (see `providers/registry.ts`).
 */
export interface ProviderFactory {
  readonly kind: ProviderKind;
  create(ctx: ProviderContext): Provider;
  /** Present for OAuth providers (Microsoft, Google). */
  oauth?(client: OAuthClientConfig, endpoints: ProviderEndpoints, deps: { fetch: FetchLike; clock: Clock }): OAuthAbility;
}
