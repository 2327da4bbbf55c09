/**
 * The Google side of the capture chaos test: the Gmail simulator in the test process on the system
 * clock (the workers judge token expiry on theirs, so both must agree), one mailbox signed in through
 * the real OAuth flow, and the environment that points worker processes at it. Labels are the
 * folders: a message is "in Processed" when it carries the Processed label.
 */
import { pino } from 'pino';
import { startGoogleSim } from '../../sim/google/index';
import { FakeClock, systemClock } from '../../src/domain/clock';
import { createGoogleOAuth } from '../../src/providers/google/google-oauth';
import { createGoogleProvider } from '../../src/providers/google/google-provider';
import { connect, testClient, testMailbox, testPassword } from '../../src/providers/google/google-test-harness';
import type { FetchLike, ProviderEndpoints } from '../../src/providers/provider';
import { connectAccount } from '../capture/capture-harness';
import { addRequestFaults, type CaptureChaosSide } from './capture-chaos-side';

export async function googleCaptureSide(seed: number): Promise<CaptureChaosSide> {
  const sim = await startGoogleSim({ clock: systemClock, seed });
  const { handle } = sim;
  handle.addMailbox({ address: testMailbox, password: testPassword, displayName: 'Ava Green', timeZone: 'Europe/Berlin' });
  const endpoints: ProviderEndpoints = { gmailRootUrl: sim.url, calendarRootUrl: sim.url, googleOAuthBaseUrl: sim.url };
  const fetchImpl: FetchLike = (input, init) => fetch(input, init);
  const oauth = createGoogleOAuth(testClient, endpoints, { fetch: fetchImpl, clock: systemClock });
  // The consent decision and the code exchange; the clock field is not read by the flow.
  const credentials = await connect({ sim, clock: new FakeClock(new Date()), endpoints, oauth, fetch: fetchImpl, close: () => sim.close() });
  return {
    mailbox: testMailbox,
    port: Number(new URL(sim.url).port),
    // Decided for the batch request and for each part inside it (a part's timeout or reset becomes a 503 part).
    addFaults: (rate) => addRequestFaults(handle.faults, rate),
    faultsFired: () => handle.faults.fired(),
    workerEnv: {
      GOOGLE_CLIENT_ID: testClient.clientId,
      GOOGLE_CLIENT_SECRET: testClient.clientSecret,
      GOOGLE_OAUTH_URL: sim.url,
      GOOGLE_GMAIL_URL: sim.url,
      GOOGLE_CALENDAR_URL: sim.url,
    },
    async ensureFolders() {
      const provider = createGoogleProvider({ mailbox: testMailbox, credentials, endpoints, clock: systemClock, logger: pino({ level: 'silent' }), fetch: fetchImpl });
      await provider.mail?.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
    },
    place: async (raw) => void handle.placeMessage(testMailbox, 'Tandem', raw),
    inFolder: (folder) => handle.messagesWithLabel(testMailbox, folder).length,
    connect: (db, vault, scope, userId) => connectAccount(db, vault, scope, { userId, provider: 'google', mailboxAddress: testMailbox, endpoints, credentials, now: new Date() }),
    close: () => sim.close(),
  };
}
