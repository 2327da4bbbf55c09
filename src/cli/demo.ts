/**
 * `tandem demo`: the same server wired to the built-in simulators, so a newcomer can connect a
 * simulated Microsoft 365 / Google / Exchange mailbox and watch everything work offline.
 */
import type { Logger } from 'pino';
import { startSimulators } from '../../sim';
import { simDefaultApp } from '../../sim/microsoft';
import type { Config } from '../config';
import { printWelcome, startServer, stopOnSignals } from './start';

/**
 * Gmail push as a deployment sets it up: a Pub/Sub topic whose push subscription authenticates with a
 * service account and delivers to Tandem's Gmail webhook (here the simulator's Pub/Sub, signing with
 * its own keys), so mail labelled Tandem in the demo lands without waiting for the next poll.
 */
const demoPubSub = { topic: 'projects/tandem-demo/topics/gmail-push', serviceAccountEmail: 'gmail-push@tandem-demo.iam.gserviceaccount.com' };

export async function runDemo(config: Config, logger: Logger): Promise<number> {
  const sims = await startSimulators({});
  const gmailHook = `${config.publicUrl.replace(/\/+$/, '')}/api/webhooks/google/gmail`;
  sims.google.handle.setPubSubEndpoint(demoPubSub.topic, gmailHook, undefined, { serviceAccountEmail: demoPubSub.serviceAccountEmail, audience: gmailHook });
  const demoConfig: Config = {
    ...config,
    microsoft: { clientId: simDefaultApp.clientId, clientSecret: simDefaultApp.clientSecret, authorityHost: sims.microsoft.url, graphUrl: `${sims.microsoft.url}/v1.0` },
    google: {
      clientId: 'tandem-demo.apps.googleusercontent.com',
      clientSecret: 'tandem-demo-secret',
      oauthUrl: sims.google.url,
      gmailUrl: sims.google.url,
      calendarUrl: sims.google.url,
      pubsubTopic: demoPubSub.topic,
      pubsubAuth: { audience: gmailHook, serviceAccountEmail: demoPubSub.serviceAccountEmail, jwksUrl: sims.google.handle.pubsubJwksUrl },
    },
  };
  try {
    const { runtime, signIn } = await startServer(demoConfig, logger);
    printWelcome(demoConfig, signIn, [
      '  simulated providers (webmail pages let you drop mail into the Tandem folder):',
      `    Microsoft 365  ${sims.microsoft.url}/webmail`,
      `    Google         ${sims.google.url}/webmail`,
      `    Exchange       ${sims.exchange.url}/webmail   (EWS ${sims.exchange.handle.ewsUrl})`,
      `  demo mailboxes: ${sims.mailboxes.map((m) => `${m.address} / ${m.password}`).join(', ')}`,
    ]);
    return await stopOnSignals(runtime, logger, () => sims.close());
  } catch (e) {
    await sims.close();
    throw e;
  }
}
