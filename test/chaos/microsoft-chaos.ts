/**
 * The Microsoft 365 side of the chaos tests: the simulator in the test process on the system clock
 * (the workers judge token expiry on theirs, so both must agree), one mailbox signed in through the
 * real OAuth flow, and the environment that points worker processes at it.
 */
import { simDefaultApp, startMicrosoftSim, type MicrosoftSimHandle } from '../../sim/microsoft/index';
import type { SimServer } from '../../sim/common/sim-server';
import { FakeClock, systemClock } from '../../src/domain/clock';
import { createMicrosoftOAuth } from '../../src/providers/microsoft/microsoft-oauth';
import { connect, providerFor, testMailbox, testPassword } from '../../src/providers/microsoft/microsoft-test-harness';
import type { OAuthCredentials, ProviderEndpoints } from '../../src/providers/provider';

export interface MicrosoftChaos {
  sim: SimServer<MicrosoftSimHandle>;
  handle: MicrosoftSimHandle;
  mailbox: string;
  endpoints: ProviderEndpoints;
  credentials: OAuthCredentials;
  /** Environment for worker processes (client app and base URLs of the simulator). */
  workerEnv: Record<string, string>;
  /** Creates Tandem and Processed, as the account's first run would. */
  ensureFolders(): Promise<void>;
}

export async function startMicrosoftChaos(seed: number): Promise<MicrosoftChaos> {
  const sim = await startMicrosoftSim({ clock: systemClock, seed });
  sim.handle.addMailbox({ address: testMailbox, type: 'user', password: testPassword, displayName: 'Ava' });
  const endpoints: ProviderEndpoints = { graphBaseUrl: `${sim.url}/v1.0`, microsoftAuthorityHost: sim.url };
  const oauth = createMicrosoftOAuth({ clientId: simDefaultApp.clientId, clientSecret: simDefaultApp.clientSecret }, endpoints, { fetch: (i, init) => fetch(i, init), clock: systemClock });
  const env = { sim, clock: new FakeClock(new Date()), endpoints, oauth, close: () => sim.close() };
  const credentials = await connect(env);
  return {
    sim,
    handle: sim.handle,
    mailbox: testMailbox,
    endpoints,
    credentials,
    workerEnv: {
      MICROSOFT_CLIENT_ID: simDefaultApp.clientId,
      MICROSOFT_CLIENT_SECRET: simDefaultApp.clientSecret,
      MICROSOFT_GRAPH_URL: `${sim.url}/v1.0`,
      MICROSOFT_AUTHORITY_HOST: sim.url,
    },
    ensureFolders: async () => {
      await providerFor(env, credentials).mail?.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
    },
  };
}
