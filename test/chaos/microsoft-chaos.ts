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
import { connectMicrosoftAccount } from '../capture/capture-harness';
import { addRequestFaults, type CaptureChaosSide } from './capture-chaos-side';

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

/** The capture chaos test's view of the Microsoft 365 simulator. */
export async function microsoftCaptureSide(seed: number): Promise<CaptureChaosSide> {
  const ms = await startMicrosoftChaos(seed);
  const { handle, mailbox } = ms;
  return {
    mailbox,
    port: Number(new URL(ms.sim.url).port),
    // Graph decides for the $batch request and for each request inside it.
    addFaults: (rate) => addRequestFaults(handle.faults, rate),
    faultsFired: () => handle.faults.fired(),
    workerEnv: ms.workerEnv,
    ensureFolders: ms.ensureFolders,
    place: async (raw) => void (await handle.placeMessage(mailbox, 'Tandem', raw)),
    inFolder: (folder) => handle.listFolderMessages(mailbox, folder).length,
    connect: (db, vault, scope, userId) => connectMicrosoftAccount(db, vault, scope, userId, mailbox, ms.credentials, ms.endpoints, new Date()),
    close: () => ms.sim.close(),
  };
}
