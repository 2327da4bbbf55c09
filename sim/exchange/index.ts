/**
 * The Exchange (EWS) simulator: SOAP 1.1 at /EWS/Exchange.asmx, POX Autodiscover at
 * /autodiscover/autodiscover.xml and SOAP Autodiscover at /autodiscover/autodiscover.svc, Basic
 * sign-in, stateful mailboxes and calendars, throttling and fault injection.
 */
import { systemClock } from '../../src/domain/clock';
import { FaultInjector, RequestCounters } from '../common/faults';
import { seededRandom } from '../common/random';
import type { SimHandleBase, SimOptions, SimServer } from '../common/sim-server';
import { ExchangeAdmin } from './admin';
import { createEwsServer, EWS_PATH, listen } from './server';
import { ExchangeStore } from './store';
import { ExchangeWebmail } from './webmail';

export type { EventView, MessageView, ProviderEventSpec } from './admin';
export type { AddMailboxInput } from './store';
export type { SeedOptions, SeedResult } from './seed';
export type { Recurrence, Pattern, Range } from './recurrence';
export { EWS_PATH } from './server';

/** The administrator / Outlook-side controls tests use. */
export type ExchangeAdminControls = Pick<
  ExchangeAdmin,
  | 'addMailbox'
  | 'placeMessage'
  | 'folderMessages'
  | 'sentItems'
  | 'events'
  | 'createProviderEvent'
  | 'updateProviderEvent'
  | 'deleteProviderEvent'
  | 'changePassword'
  | 'expireSyncState'
  | 'seed'
>;

export interface ExchangeSimHandle extends SimHandleBase, ExchangeAdminControls {
  /** Full EWS endpoint URL, e.g. http://127.0.0.1:40123/EWS/Exchange.asmx */
  readonly ewsUrl: string;
  /** SOAP Autodiscover endpoint (what ews-javascript-api's AutodiscoverService calls). */
  readonly autodiscoverSvcUrl: string;
}

class Handle extends ExchangeAdmin implements ExchangeSimHandle {
  readonly faults: FaultInjector;
  readonly counters = new RequestCounters();
  readonly webmail: ExchangeWebmail;

  constructor(
    store: ExchangeStore,
    seed: number,
    private readonly base: () => string,
  ) {
    super(store);
    this.faults = new FaultInjector(seed);
    this.webmail = new ExchangeWebmail(store);
  }

  get ewsUrl(): string {
    return `${this.base()}${EWS_PATH}`;
  }

  get autodiscoverSvcUrl(): string {
    return `${this.base()}/autodiscover/autodiscover.svc`;
  }
}

export async function startExchangeSim(options: SimOptions = {}): Promise<SimServer<ExchangeSimHandle>> {
  const seed = options.seed ?? 1;
  const store = new ExchangeStore(options.clock ?? systemClock, seededRandom(seed));
  let url = '';
  const handle = new Handle(store, seed, () => url);
  const server = createEwsServer({ store, faults: handle.faults, counters: handle.counters, webmail: handle.webmail, baseUrl: () => url });
  const host = options.host ?? '127.0.0.1';
  const addr = await listen(server, options.port ?? 0, host);
  url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  return {
    url,
    handle,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
