/**
 * Connecting a user's mailbox (no HTTP here): Save on User Settings → Sync, the OAuth callback,
 * Reconnect, Disconnect and Sync now. Every path proves the credentials with a real provider call
 * (identity) before anything is stored, and ends in attachAccount, so the refusals (shared mailbox,
 * group, mailbox of another user) and the reconnect rules are the same for every provider.
 */
import type { Clock } from '../../domain/clock';
import { isProviderError } from '../../providers/errors';
import { discoverEwsUrl } from '../../providers/exchange';
import { caldavDnsLookup, caldavFromDns, type CaldavDnsLookup } from '../../providers/imap/caldav-dns';
import { LoginCheckError } from '../../providers/imap/imap-verify';
import type { Credentials, ProviderEndpoints, ProviderKind } from '../../providers/provider';
import type { Db } from '../../store/db';
import type { ConnectedAccount } from '../../store/repos/accounts';
import type { Vault } from '../../store/vault';
import { openCredentials } from '../credentials';
import type { ProviderAccess } from '../provider-access';
import type { PushControl } from '../push/push-manager';
import { attachAccount, ensureFolders, refuseUnconnectable, type ConnectLogger } from './account-attach';
import { connectErrorFrom } from './connect-errors';
import { caldavElsewhereMessage, ConnectError, connectMessages, type ChosenOptions, type ExchangeSettings, type ImapSettings, type NextStep, type SyncSettingsInput } from './connect-types';
import { openVerifier, startOAuth, stateData } from './oauth-start';

export interface ConnectServiceDeps {
  db: Db;
  vault: Vault;
  clock: Clock;
  logger: ConnectLogger;
  providers: ProviderAccess;
  engine: { syncNow(account: Pick<ConnectedAccount, 'id' | 'companyId'>, reason: string): Promise<void> };
  /** Tandem's public base URL; redirect URIs are `${publicUrl}/api/oauth/<provider>/callback`. */
  publicUrl: string;
  randomToken(bytes: number): string;
  /** Push subscriptions: ended at the provider before a disconnect, brought in line after a settings change. */
  push?: Pick<PushControl, 'release' | 'requestEnsure'>;
  /** DNS for finding an "Other mailbox" calendar server (RFC 6764); the system's resolvers when absent. */
  caldavDns?: CaldavDnsLookup;
}

export interface ConnectCaller {
  companyId: string;
  userId: string;
  sessionId?: string;
}

const oauthKinds = new Set<ProviderKind>(['microsoft', 'google']);
const appNames: Record<string, { portal: string; env: string }> = {
  microsoft: { portal: 'a Microsoft Entra ID app registration (Web platform)', env: 'MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET' },
  google: { portal: 'a Google Cloud OAuth client (Web application)', env: 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET' },
};

export const optionsOf = (a: Pick<ConnectedAccount, 'syncEmail' | 'syncCalendar' | 'syncCaptureFolder'>): ChosenOptions => ({
  syncEmail: a.syncEmail,
  syncCalendar: a.syncCalendar,
  syncCaptureFolder: a.syncCaptureFolder,
});

export class ConnectService {
  constructor(private readonly deps: ConnectServiceDeps) {}

  redirectUri(kind: ProviderKind): string {
    return `${this.deps.publicUrl.replace(/\/+$/, '')}/api/oauth/${kind}/callback`;
  }

  /** The user's connected account (one mailbox per user), if any. */
  async current(caller: ConnectCaller): Promise<ConnectedAccount | undefined> {
    const [first] = await this.deps.db.repos.accounts.listForUser({ companyId: caller.companyId }, caller.userId);
    return first;
  }

  /** Save: privacy, then disconnect (all boxes cleared), a settings change, or the provider's connect step. */
  async save(caller: ConnectCaller, input: SyncSettingsInput): Promise<NextStep> {
    const scope = { companyId: caller.companyId };
    await this.deps.db.repos.users.update(scope, caller.userId, { calendarPrivacy: input.calendarPrivacy });
    const options: ChosenOptions = { syncEmail: input.syncEmail, syncCalendar: input.syncCalendar, syncCaptureFolder: input.syncCaptureFolder };
    if (!options.syncEmail && !options.syncCalendar && !options.syncCaptureFolder) {
      await this.disconnect(caller);
      return { type: 'done' };
    }
    if (!input.provider) return new ConnectError('not_connected', 'Choose a provider.').toStep();
    const current = await this.current(caller);
    const newPassword = input.exchange ?? input.imap;
    if (current && current.provider === input.provider && current.status !== 'needs_reconnect' && !newPassword) {
      const changed = (Object.keys(options) as (keyof ChosenOptions)[]).some((k) => options[k] !== current[k]);
      if (changed) {
        const updated = await this.deps.db.repos.accounts.update(scope, current.id, options, this.deps.clock.now());
        await this.deps.engine.syncNow(updated, 'settings');
        // Sync Email / Sync Calendar turned off: unsubscribe now, while the credentials work.
        await this.deps.push?.requestEnsure(updated);
      }
      return { type: 'done' };
    }
    return this.connect(caller, input.provider, options, input, current);
  }

  /** Reconnect: the same flow on the existing account (its options, mailbox as login hint). */
  async reconnect(caller: ConnectCaller): Promise<NextStep> {
    const current = await this.current(caller);
    if (!current) return new ConnectError('not_connected', connectMessages.not_connected).toStep();
    if (oauthKinds.has(current.provider)) return this.connect(caller, current.provider, optionsOf(current), {}, current);
    return this.recheckStored(current);
  }

  /** Stops sync and deletes the stored credentials; activities, appointments and runs stay. */
  async disconnect(caller: ConnectCaller): Promise<number> {
    const scope = { companyId: caller.companyId };
    const accounts = await this.deps.db.repos.accounts.listForUser(scope, caller.userId);
    // Unsubscribing needs the credentials the disconnect deletes; release never throws or hangs.
    for (const a of accounts) await this.deps.push?.release(a);
    const now = this.deps.clock.now();
    for (const a of accounts) await this.deps.db.repos.accounts.disconnect(scope, a.id, now);
    for (const a of accounts) this.deps.logger.info({ accountId: a.id, provider: a.provider }, 'mailbox disconnected');
    // The worker holding an IMAP IDLE or EWS pull watcher for it lets go now, not at its next refresh.
    for (const a of accounts) await this.deps.push?.requestEnsure(a);
    return accounts.length;
  }

  async syncNow(caller: ConnectCaller): Promise<ConnectedAccount> {
    const current = await this.current(caller);
    if (!current) throw new ConnectError('not_connected', connectMessages.not_connected);
    await this.deps.engine.syncNow(current, 'user');
    return current;
  }

  /**
   * The OAuth callback. The state is taken (single use) before anything else, so a replayed or
   * foreign redirect does nothing; it must come back in the browser session that started it.
   */
  async completeOAuth(kind: ProviderKind, query: URLSearchParams, sessionId: string | undefined): Promise<NextStep> {
    const state = query.get('state');
    const row = state ? await this.deps.db.repos.oauthStates.takeForSystem(state, this.deps.clock.now()) : undefined;
    const data = row ? stateData(row) : undefined;
    if (!row || !data || row.provider !== kind || !sessionId || data.sessionId !== sessionId) {
      return new ConnectError('invalid_state', connectMessages.invalid_state).toStep();
    }
    const caller = { companyId: row.companyId, userId: row.userId };
    return this.guard(async () => {
      const oauth = this.deps.providers.oauthFor({ provider: kind, endpoints: {} });
      if (!oauth) throw new ConnectError('not_configured', this.notConfiguredMessage(kind));
      const code = oauth.parseRedirect ? oauth.parseRedirect(query).code : (query.get('code') ?? '');
      const credentials = await oauth.exchangeCode({ code, codeVerifier: openVerifier(this.deps.vault, row), redirectUri: this.redirectUri(kind) });
      await this.verifyAndAttach(caller, kind, credentials, {}, '', data);
      return { type: 'done' };
    });
  }

  private async connect(
    caller: ConnectCaller,
    kind: ProviderKind,
    options: ChosenOptions,
    input: Pick<SyncSettingsInput, 'exchange' | 'imap'>,
    current: ConnectedAccount | undefined,
  ): Promise<NextStep> {
    if (oauthKinds.has(kind)) {
      const oauth = this.deps.providers.hasOAuthClient(kind) ? this.deps.providers.oauthFor({ provider: kind, endpoints: {} }) : undefined;
      if (!oauth) return new ConnectError('not_configured', this.notConfiguredMessage(kind)).toStep();
      const user = await this.deps.db.repos.users.get({ companyId: caller.companyId }, caller.userId);
      const loginHint = current?.provider === kind ? current.mailboxAddress : user?.email;
      const url = await startOAuth(
        { db: this.deps.db, vault: this.deps.vault, clock: this.deps.clock, randomToken: this.deps.randomToken },
        oauth,
        { ...caller, provider: kind, options, redirectUri: this.redirectUri(kind), ...(loginHint ? { loginHint } : {}) },
      );
      return { type: 'redirect', url };
    }
    if (kind === 'exchange' && input.exchange) return this.guard(() => this.connectExchange(caller, input.exchange as ExchangeSettings, options));
    if (kind === 'imap' && input.imap) return this.guard(() => this.connectImap(caller, input.imap as ImapSettings, options));
    return new ConnectError('password_required', connectMessages.password_required).toStep();
  }

  /** Exchange: Autodiscover when no EWS URL is given, then a real EWS call, before anything is saved. */
  private async connectExchange(caller: ConnectCaller, s: ExchangeSettings, options: ChosenOptions): Promise<NextStep> {
    const credentials: Credentials = { kind: 'password', username: s.username, password: s.password };
    const ewsUrl =
      s.ewsUrl ?? (await discoverEwsUrl(s.email, { fetch: this.deps.providers.discoveryFetch(), username: s.username, password: s.password, clock: this.deps.clock }));
    await this.verifyAndAttach(caller, 'exchange', credentials, { ewsUrl }, s.email, options);
    return { type: 'done' };
  }

  /**
   * IMAP + SMTP (+ CalDAV): identity() proves every login (providers/imap/imap-verify.ts). Sync
   * Calendar without a CalDAV URL looks for the calendar server of the address's domain: its DNS SRV
   * records (RFC 6764), else https://<domain>/.well-known/caldav. Finding none is a refusal, not a
   * mailbox whose calendar silently never syncs; a server DNS names at another domain is offered to
   * the user to confirm, never sent the password on DNS's word alone.
   */
  private async connectImap(caller: ConnectCaller, s: ImapSettings, options: ChosenOptions): Promise<NextStep> {
    const credentials: Credentials = { kind: 'password', username: s.username, password: s.password };
    const domain = s.email.slice(s.email.lastIndexOf('@') + 1);
    const lookUp = !s.caldavUrl && options.syncCalendar && domain !== '';
    const fromDns = lookUp ? await caldavFromDns(domain, this.deps.caldavDns ?? caldavDnsLookup()) : { kind: 'none' as const };
    if (fromDns.kind === 'elsewhere') throw new ConnectError('caldav_elsewhere', caldavElsewhereMessage(domain, fromDns.url));
    const guessed = lookUp && fromDns.kind === 'none' ? `https://${domain}/` : undefined;
    const caldavUrl = s.caldavUrl ?? (fromDns.kind === 'found' ? fromDns.url : guessed);
    const endpoints: ProviderEndpoints = { imap: s.imap, smtp: s.smtp, ...(caldavUrl ? { caldavUrl } : {}) };
    try {
      await this.verifyAndAttach(caller, 'imap', credentials, endpoints, s.email, options);
    } catch (e) {
      if (guessed && e instanceof LoginCheckError && e.server === 'caldav' && e.reason !== 'credentials') {
        throw new ConnectError('caldav_not_found', connectMessages.caldav_not_found);
      }
      throw e;
    }
    return { type: 'done' };
  }

  /** identity() with the new credentials → refusals → account → capture folders → first run. */
  private async verifyAndAttach(
    caller: ConnectCaller,
    kind: ProviderKind,
    credentials: Credentials,
    endpoints: ProviderEndpoints,
    mailbox: string,
    options: ChosenOptions,
  ): Promise<ConnectedAccount> {
    const probe = this.deps.providers.create({ id: 'connect', provider: kind, mailboxAddress: mailbox, endpoints }, credentials);
    const identity = await probe.identity();
    const attachDeps = {
      db: this.deps.db,
      vault: this.deps.vault,
      clock: this.deps.clock,
      logger: this.deps.logger,
      // Another mailbox or provider replaces the connected one: end its subscriptions while its
      // credentials still work, as a disconnect does (release never throws or hangs).
      beforeReplace: async (replaced: readonly ConnectedAccount[]) => {
        for (const a of replaced) await this.deps.push?.release(a);
      },
    };
    const attached = await attachAccount(attachDeps, { ...caller, provider: kind, identity, credentials, endpoints, options });
    const account = await ensureFolders(attachDeps, attached, this.deps.providers.create(attached, credentials));
    this.deps.logger.info({ accountId: account.id, provider: kind }, 'mailbox connected');
    await this.deps.engine.syncNow(account, 'connect');
    // Push from the start (Graph subscriptions, Gmail watch), not from the next sweep up to a minute later.
    await this.deps.push?.requestEnsure(account);
    return account;
  }

  /** Password providers reconnect with what is stored when it still works; otherwise the user re-enters it. */
  private async recheckStored(account: ConnectedAccount): Promise<NextStep> {
    if (!account.credentialsSecret) return new ConnectError('password_required', connectMessages.password_required).toStep();
    return this.guard(async () => {
      const credentials = openCredentials(this.deps.vault, account);
      const identity = await this.deps.providers.create(account, credentials).identity();
      await refuseUnconnectable(this.deps.db, { userId: account.userId, provider: account.provider, identity });
      const updated = await this.deps.db.repos.accounts.update(
        { companyId: account.companyId },
        account.id,
        { status: 'active', statusReason: null, nextRunAt: null },
        this.deps.clock.now(),
      );
      await this.deps.engine.syncNow(updated, 'reconnect');
      return { type: 'done' };
    }, 'password_required');
  }

  private notConfiguredMessage(kind: ProviderKind): string {
    const app = appNames[kind];
    if (!app) return connectMessages.not_configured;
    return `${connectMessages.not_configured} An administrator must create ${app.portal} with the redirect URI ${this.redirectUri(kind)} and set ${app.env}.`;
  }

  /** Provider failures and refusals become an error step; anything else is our bug and propagates. */
  private async guard(run: () => Promise<NextStep>, credentialsCode?: 'password_required'): Promise<NextStep> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof ConnectError) return e.toStep();
      if (!isProviderError(e)) throw e;
      const mapped = connectErrorFrom(e);
      this.deps.logger.warn({ kind: e.kind, code: e.code, status: e.status, outcome: mapped.code }, 'connect refused by the provider');
      if (credentialsCode && mapped.code === 'invalid_credentials') return new ConnectError(credentialsCode, connectMessages[credentialsCode]).toStep();
      return mapped.toStep();
    }
  }
}
