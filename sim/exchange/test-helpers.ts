/**
 * Test wiring: a simulator with two mailboxes and an ews-javascript-api ExchangeService signed in
 * with WebCredentials (Basic, sent preemptively by the library's default axios-based XHR).
 */
import util from 'node:util';
import * as ews from 'ews-javascript-api';
import { FakeClock } from '../../src/domain/clock';
import type { SimServer } from '../common/sim-server';
import { startExchangeSim, type ExchangeSimHandle } from './index';

// ews-javascript-api 0.15.3 calls util.isNullOrUndefined when writing an ExtendedFieldURI; Node 23+
// removed that function (DEP0051), so extended properties fail on Node 24 without it.
const nodeUtil = util as unknown as Record<string, unknown>;
if (typeof nodeUtil.isNullOrUndefined !== 'function') nodeUtil.isNullOrUndefined = (v: unknown) => v === null || v === undefined;

export { ews };

export const ALICE = 'alice@contoso.com';
export const BOB = 'bob@contoso.com';

export interface SimFixture {
  sim: SimServer<ExchangeSimHandle>;
  clock: FakeClock;
  service(username?: string, password?: string): ews.ExchangeService;
}

export async function startFixture(): Promise<SimFixture> {
  const clock = new FakeClock('2026-11-02T09:00:00Z');
  const sim = await startExchangeSim({ clock, seed: 7 });
  sim.handle.addMailbox({ address: ALICE, username: 'CONTOSO\\alice', password: 'alice-pw', type: 'user', displayName: 'Alice Archer' });
  sim.handle.addMailbox({ address: BOB, username: 'bob@contoso.com', password: 'bob-pw', type: 'user', displayName: 'Bob Baker' });
  return {
    sim,
    clock,
    service(username = 'CONTOSO\\alice', password = 'alice-pw') {
      // Requests carry this zone in TimeZoneContext; UTC keeps assertions independent of the host.
      const s = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013_SP1, ews.TimeZoneInfo.Utc);
      s.Credentials = new ews.WebCredentials(username, password);
      s.Url = new ews.Uri(sim.handle.ewsUrl);
      return s;
    },
  };
}

export function mime(opts: { subject: string; messageId: string; from?: string; to?: string; body?: string }): string {
  return [
    `From: ${opts.from ?? 'Carol <carol@example.net>'}`,
    `To: ${opts.to ?? ALICE}`,
    `Subject: ${opts.subject}`,
    `Message-ID: ${opts.messageId}`,
    'Date: Mon, 02 Nov 2026 08:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? `Body of ${opts.subject}`,
    '',
  ].join('\r\n');
}

/** Raw SOAP through fetch, for the parts checked on the wire rather than through the library. */
export async function soap(url: string, body: string, auth = 'CONTOSO\\alice:alice-pw', header = ''): Promise<{ status: number; text: string; headers: Headers }> {
  const envelope =
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">` +
    `<soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/>${header}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', Authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
    body: envelope,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
