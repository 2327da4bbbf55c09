/**
 * Microsoft 365 simulator: Entra ID v2.0 identity (authorize pages, token endpoint, metadata) and
 * Microsoft Graph v1.0 mail, calendar, $batch and change notifications, with Outlook's throttling and
 * injected faults. One node:http server; state in memory; time from the injected clock.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/domain/clock';
import type { FetchLike } from '../../src/providers/provider';
import { FaultInjector, RequestCounters } from '../common/faults';
import { seededRandom } from '../common/random';
import type { SimOptions, SimServer } from '../common/sim-server';
import { DeltaStore } from './graph/calendar-delta';
import type { GraphRoute } from './graph/context';
import { deltaRoutes } from './graph/calendar-delta';
import { GraphEngine } from './graph/engine';
import { eventRoutes } from './graph/event-routes';
import { mailRoutes } from './graph/mail-routes';
import { sendRoutes } from './graph/send-routes';
import { SubscriptionService, subscriptionRoutes } from './graph/subscriptions';
import { userRoutes } from './graph/user-routes';
import { createHandle, type MicrosoftSimHandle } from './handle';
import { AuthorizeFlows } from './identity/authorize';
import { TokenStore } from './identity/token-store';
import { createHandler } from './server';
import { SimState } from './state';
import { MailboxThrottle, RequestGate } from './throttle';
import { microsoftWebmail } from './webmail';

export type { MicrosoftSimHandle, SimMessageSummary, SimMailboxInfo } from './handle';
export { simDefaultApp, type SimApp } from './identity/token-store';
export { msalAuthOptions, msalNetworkClient, simAuthorityHost, toSimUrl } from './identity/metadata';
export { signIn, type SignInOptions } from './sign-in-driver';
export { maxSubscriptionMinutes } from './graph/subscriptions';

export interface MicrosoftSimOptions extends SimOptions {
  /** Used to POST validation requests and notifications to subscribers (default: global fetch). */
  notificationFetch?: FetchLike;
}

export async function startMicrosoftSim(options: MicrosoftSimOptions = {}): Promise<SimServer<MicrosoftSimHandle>> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const state = new SimState(clock, seededRandom(seed));
  const store = new TokenStore(clock, state.ids);
  const delta = new DeltaStore(state.ids);
  const subscriptions = new SubscriptionService(state, options.notificationFetch ?? ((input, init) => fetch(input, init)));
  let origin = '';
  const getOrigin = () => origin;
  const routes: GraphRoute[] = [
    ...userRoutes,
    ...deltaRoutes,
    ...mailRoutes,
    ...sendRoutes,
    ...eventRoutes,
    ...subscriptionRoutes(() => [...store.apps.keys()][0] ?? ''),
  ];
  const engine = new GraphEngine({ state, delta, subscriptions }, routes, clock, state.ids);
  const throttle = new MailboxThrottle(clock);
  const gate = new RequestGate();
  const faults = new FaultInjector(seed);
  const counters = new RequestCounters();
  const webmail = microsoftWebmail(state);
  const handler = createHandler({ state, store, flows: new AuthorizeFlows(state, store), engine, throttle, gate, faults, counters, webmail, origin: getOrigin });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const handle = createHandle({ state, store, engine, subscriptions, gate, faults, counters, webmail, origin: getOrigin });
  return {
    url: origin,
    handle,
    close: () =>
      new Promise<void>((resolve, reject) => {
        gate.open();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
