/**
 * User Settings → Sync: the user's options and connected mailbox, Save (which runs the provider's
 * connect step and answers with the next step for the UI), Reconnect, Disconnect and Sync now.
 * Credentials go in, never out: the view carries status and dates only.
 */
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { connectionHealth } from '../../domain/token-lifecycle';
import { caldavDnsLookup } from '../../providers/imap/caldav-dns';
import { providerKinds } from '../../providers/provider';
import type { ConnectedAccount } from '../../store/repos/accounts';
import { ConnectError } from '../../sync/connect/connect-types';
import { ConnectService } from '../../sync/connect/connect-service';
import type { RouteDeps } from '../deps';
import { ApiError } from '../errors';
import { imapPresetRoutes } from './imap-presets';
import { route, type RouteDef } from '../route';
import type { RouteServices } from './index';

const serverSetting = z.object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535), secure: z.boolean() });
const secretText = z.string().min(1).max(1024);

export const syncSettingsBody = z.object({
  syncEmail: z.boolean(),
  syncCalendar: z.boolean(),
  syncCaptureFolder: z.boolean(),
  calendarPrivacy: z.enum(['public', 'private']),
  provider: z.enum(providerKinds).nullable(),
  exchange: z
    .object({ email: z.email().max(320), username: z.string().min(1).max(320), password: secretText, ewsUrl: z.url().max(2000).optional() })
    .optional(),
  imap: z
    .object({ email: z.email().max(320), username: z.string().min(1).max(320), password: secretText, imap: serverSetting, smtp: serverSetting, caldavUrl: z.url().max(2000).optional() })
    .optional(),
}).superRefine((body, ctx) => {
  const wantsSync = body.syncEmail || body.syncCalendar || body.syncCaptureFolder;
  if (wantsSync && !body.provider) ctx.addIssue({ code: 'custom', path: ['provider'], message: 'Choose the provider of your mailbox.' });
});

export const nextStepView = z.object({
  next: z.discriminatedUnion('type', [
    z.object({ type: z.literal('redirect'), url: z.string() }),
    z.object({ type: z.literal('done') }),
    z.object({ type: z.literal('error'), code: z.string(), message: z.string(), adminConsentUrl: z.string().optional() }),
  ]),
});

export const accountView = z.object({
  id: z.string(),
  provider: z.enum(providerKinds),
  mailboxAddress: z.string(),
  status: z.string(),
  statusReason: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  expiryWarning: z.enum(['none', '14d', '3d']),
});

const settingsView = z.object({
  syncEmail: z.boolean(),
  syncCalendar: z.boolean(),
  syncCaptureFolder: z.boolean(),
  calendarPrivacy: z.enum(['public', 'private']),
  provider: z.enum(providerKinds).nullable(),
  account: accountView.nullable(),
});

const warningOf = { ok: 'none', warn_14d: '14d', warn_3d: '3d', expired: '3d' } as const;

export function toAccountView(a: ConnectedAccount, now: Date): z.infer<typeof accountView> {
  const health = connectionHealth({ connectedAt: a.connectedAt.toISOString(), renewedAt: a.renewedAt?.toISOString() ?? null }, now);
  return {
    id: a.id,
    provider: a.provider,
    mailboxAddress: a.mailboxAddress,
    status: a.status,
    statusReason: a.statusReason,
    lastSuccessAt: a.lastSuccessAt?.toISOString() ?? null,
    nextRunAt: a.nextRunAt?.toISOString() ?? null,
    expiresAt: a.expiresAt.toISOString(),
    expiryWarning: warningOf[health],
  };
}

/** One connect service per request, logging through the request's logger (bound to its id). */
export function connectServiceFor(deps: RouteDeps, services: RouteServices, log: FastifyBaseLogger): ConnectService {
  return new ConnectService({
    db: deps.db,
    vault: services.vault,
    clock: deps.clock,
    logger: log,
    providers: services.providers,
    engine: services.engine,
    publicUrl: deps.config.publicUrl,
    randomToken: deps.randomToken,
    ...(services.push ? { push: services.push } : {}),
    caldavDns: caldavDnsLookup(deps.config.dnsServers),
  });
}

export function settingsRoutes(deps: RouteDeps, services: RouteServices): RouteDef[] {
  const { db, clock } = deps;
  return [
    ...imapPresetRoutes(),
    route({
      method: 'GET',
      url: '/api/settings/sync',
      summary: 'Sync settings and the connected mailbox (status, last / next sync, expiry warning)',
      tags: ['settings'],
      auth: 'session',
      response: settingsView,
      async handler({ caller, request }) {
        const scope = { companyId: caller.companyId };
        const [user, account] = await Promise.all([db.repos.users.get(scope, caller.userId), connectServiceFor(deps, services, request.log).current(caller)]);
        if (!user) throw new ApiError('unauthenticated');
        return {
          syncEmail: account?.syncEmail ?? false,
          syncCalendar: account?.syncCalendar ?? false,
          syncCaptureFolder: account?.syncCaptureFolder ?? false,
          calendarPrivacy: user.calendarPrivacy,
          provider: account?.provider ?? null,
          account: account ? toAccountView(account, clock.now()) : null,
        };
      },
    }),
    route({
      method: 'PUT',
      url: '/api/settings/sync',
      summary: "Save sync settings; answers with the connect flow's next step (redirect to the provider, done, or an error)",
      tags: ['settings'],
      auth: 'session',
      body: syncSettingsBody,
      response: nextStepView,
      async handler({ caller, body, request }) {
        return { next: await connectServiceFor(deps, services, request.log).save(caller, body) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/settings/sync/reconnect',
      summary: 'Reconnect the mailbox (keeps its history and resumes from the stored cursors)',
      tags: ['settings'],
      auth: 'session',
      response: nextStepView,
      async handler({ caller, request }) {
        return { next: await connectServiceFor(deps, services, request.log).reconnect(caller) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/settings/sync/disconnect',
      summary: 'Disconnect: stop sync and delete the stored credentials; every activity stays',
      tags: ['settings'],
      auth: 'session',
      async handler({ caller, request }) {
        await connectServiceFor(deps, services, request.log).disconnect(caller);
        return undefined;
      },
    }),
    route({
      method: 'POST',
      url: '/api/settings/sync/sync-now',
      summary: 'Run a sync of the connected mailbox as soon as a worker is free',
      tags: ['settings'],
      auth: 'session',
      status: 202,
      response: z.object({ account: accountView }),
      async handler({ caller, request }) {
        try {
          const account = await connectServiceFor(deps, services, request.log).syncNow(caller);
          return { account: toAccountView(account, clock.now()) };
        } catch (e) {
          if (e instanceof ConnectError && e.code === 'not_connected') throw new ApiError('not_connected', e.message);
          throw e;
        }
      },
    }),
  ];
}
