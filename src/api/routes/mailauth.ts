/**
 * Admin: the company's SMTP relay (the password is write-only: answers say only whether one is set)
 * and its sending domains — the SPF / DKIM / DMARC records to publish and the live check that the
 * send gate relies on.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createDnsResolver, relayTlsModes, testSend } from '../../mailauth';
import type { Vault } from '../../store/vault';
import { domainCheckResultSchema } from '../../sync/relay/domain-state';
import { domainForAddress, loadRelaySettings, relayView, saveRelay, signingKeyOf } from '../../sync/relay/relay-store';
import { addSendingDomain, checkSendingDomain, describeDomain, RelayNotConfiguredError, type SendingDomainDeps } from '../../sync/relay/sending-domains';
import type { RouteDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { idParams, route, type RouteDef } from '../route';
import { storeCall } from './contacts';

export interface MailauthRouteDeps extends RouteDeps {
  vault: Vault;
  /** DNS servers for the live check ("ip" or "ip:port"); the system's when absent. */
  dnsServers?: string[] | undefined;
  /** Unique part of test messages' Message-IDs. */
  newId?: () => string;
}

const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/, 'not a domain name');

const relayBody = z.object({
  host: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  tls: z.enum(relayTlsModes),
  username: z.string().min(1).max(320).optional(),
  /** Write-only. Absent keeps the stored one; null removes it. */
  password: z.string().min(1).max(1000).nullable().optional(),
});

const relayResponse = z.object({ host: z.string(), port: z.number(), tls: z.enum(relayTlsModes), username: z.string().nullable(), passwordSet: z.boolean(), updatedAt: z.string() });

const testBody = z.object({ to: z.email(), from: z.email().optional() });
const testResponse = z.union([
  z.object({ ok: z.literal(true), messageId: z.string(), response: z.string(), signed: z.boolean() }),
  z.object({ ok: z.literal(false), kind: z.string(), code: z.string(), message: z.string(), relayResponse: z.string().optional() }),
]);

const domainBody = z.object({ domain: hostName, dmarcReportAddress: z.email(), spfInclude: hostName.optional() });

const recordView = z.object({ purpose: z.string(), host: z.string(), type: z.string(), value: z.string(), chunks: z.array(z.string()), action: z.string(), replaces: z.array(z.string()), explanation: z.string() });
const domainView = z.object({
  id: z.string(),
  domain: z.string(),
  selector: z.string(),
  dmarcReportAddress: z.string(),
  spfInclude: z.string().nullable(),
  records: z.array(recordView),
  check: domainCheckResultSchema.nullable(),
  spfUnknown: z.boolean(),
});

export function mailauthRoutes(deps: MailauthRouteDeps): RouteDef[] {
  const { db, vault } = deps;
  const domainDeps: SendingDomainDeps = { db, vault, clock: deps.clock, resolver: createDnsResolver(deps.dnsServers ? { servers: deps.dnsServers } : {}) };
  const findDomain = async (companyId: string, id: string) => {
    const row = (await db.repos.mailRelays.listDomains({ companyId })).find((d) => d.id === id);
    if (!row) throw notFound();
    return row;
  };

  return [
    route({
      method: 'GET',
      url: '/api/admin/relay',
      summary: "The company's SMTP relay settings (never the password)",
      tags: ['admin'],
      auth: 'admin',
      response: z.object({ relay: relayResponse.nullable() }),
      async handler({ caller }) {
        const row = await db.repos.mailRelays.getRelay({ companyId: caller.companyId });
        return { relay: row ? relayView(row) : null };
      },
    }),
    route({
      method: 'PUT',
      url: '/api/admin/relay',
      summary: 'Set the SMTP relay (the password is stored encrypted and never returned)',
      tags: ['admin'],
      auth: 'admin',
      body: relayBody,
      response: relayResponse,
      async handler({ caller, body }) {
        return relayView(await storeCall(() => saveRelay(db, vault, { companyId: caller.companyId }, body)));
      },
    }),
    route({
      method: 'POST',
      url: '/api/admin/relay/test',
      summary: "Send a test message through the relay: ok, or the relay's answer",
      tags: ['admin'],
      auth: 'admin',
      body: testBody,
      response: testResponse,
      async handler({ caller, body }) {
        const scope = { companyId: caller.companyId };
        const settings = await loadRelaySettings(db, vault, scope);
        if (!settings) throw new ApiError('bad_request', 'Set up the SMTP relay first.');
        const user = await db.repos.users.get(scope, caller.userId);
        const from = body.from ?? user?.email ?? body.to;
        const domain = await domainForAddress(db, scope, from);
        return testSend(settings, { from, to: body.to, ...(domain ? { key: signingKeyOf(vault, domain) } : {}) }, { clock: deps.clock, newId: deps.newId ?? randomUUID });
      },
    }),
    route({
      method: 'GET',
      url: '/api/admin/domains',
      summary: 'Sending domains with their records to publish and last check',
      tags: ['admin'],
      auth: 'admin',
      response: z.object({ items: z.array(domainView) }),
      async handler({ caller }) {
        const rows = await db.repos.mailRelays.listDomains({ companyId: caller.companyId });
        return { items: await Promise.all(rows.map((row) => describeDomain(domainDeps, row, { live: false }))) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/admin/domains',
      summary: 'Add a sending domain: generates its 2048-bit DKIM key and selector',
      tags: ['admin'],
      auth: 'admin',
      status: 201,
      body: domainBody,
      response: domainView,
      async handler({ caller, body }) {
        const row = await storeCall(() => addSendingDomain(domainDeps, { companyId: caller.companyId }, body));
        return describeDomain(domainDeps, row, { live: false });
      },
    }),
    route({
      method: 'GET',
      url: '/api/admin/domains/:id',
      summary: 'The SPF, DKIM and DMARC records to publish (merged with what DNS holds now)',
      tags: ['admin'],
      auth: 'admin',
      params: idParams,
      response: domainView,
      async handler({ caller, params }) {
        return describeDomain(domainDeps, await findDomain(caller.companyId, params.id), { live: true });
      },
    }),
    route({
      method: 'POST',
      url: '/api/admin/domains/:id/check',
      summary: 'Check the domain live in DNS; explains each problem in plain words',
      tags: ['admin'],
      auth: 'admin',
      params: idParams,
      response: domainCheckResultSchema,
      async handler({ caller, params }) {
        const row = await findDomain(caller.companyId, params.id);
        try {
          return await checkSendingDomain(domainDeps, row);
        } catch (e) {
          if (e instanceof RelayNotConfiguredError) throw new ApiError('bad_request', e.message);
          throw e;
        }
      },
    }),
  ];
}
