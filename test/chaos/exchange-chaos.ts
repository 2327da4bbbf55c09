/**
 * The Exchange side of the capture chaos test: the EWS simulator in the test process on the system
 * clock, one user mailbox signed in with a password (Basic, as the adapter sends it), the EWS URL
 * stored on the account as the connect flow stores it, so the workers need no environment of their own.
 */
import { pino } from 'pino';
import { startExchangeSim } from '../../sim/exchange/index';
import { systemClock } from '../../src/domain/clock';
import { createExchangeProvider } from '../../src/providers/exchange/exchange-provider';
import { ALICE, ALICE_LOGIN, ALICE_PASSWORD } from '../../src/providers/exchange/exchange-test-harness';
import type { Credentials, ProviderEndpoints } from '../../src/providers/provider';
import { connectAccount } from '../capture/capture-harness';
import { addRequestFaults, type CaptureChaosSide } from './capture-chaos-side';

export async function exchangeCaptureSide(seed: number): Promise<CaptureChaosSide> {
  const sim = await startExchangeSim({ clock: systemClock, seed });
  const { handle } = sim;
  handle.addMailbox({ address: ALICE, username: ALICE_LOGIN, password: ALICE_PASSWORD, type: 'user', displayName: 'Alice Archer' });
  const endpoints: ProviderEndpoints = { ewsUrl: handle.ewsUrl };
  const credentials: Credentials = { kind: 'password', username: ALICE_LOGIN, password: ALICE_PASSWORD };
  return {
    mailbox: ALICE,
    port: Number(new URL(sim.url).port),
    // Whole requests fail (ErrorServerBusy with BackOffMilliseconds, IIS 503, ErrorInternalServerError,
    // timeouts, resets); the test captures one message a round here, so each message's GetItem and
    // MoveItem is a request of its own.
    addFaults: (rate) => addRequestFaults(handle.faults, rate),
    faultsFired: () => handle.faults.fired(),
    workerEnv: {},
    async ensureFolders() {
      const provider = createExchangeProvider({ mailbox: ALICE, credentials, endpoints, clock: systemClock, logger: pino({ level: 'silent' }), fetch: (input, init) => fetch(input, init) });
      await provider.mail?.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
    },
    place: async (raw) => void handle.placeMessage(ALICE, 'Tandem', raw),
    inFolder: (folder) => handle.folderMessages(ALICE, folder).length,
    connect: (db, vault, scope, userId) => connectAccount(db, vault, scope, { userId, provider: 'exchange', mailboxAddress: ALICE, endpoints, credentials, now: new Date() }),
    close: () => sim.close(),
  };
}
