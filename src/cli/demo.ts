/**
 * `tandem demo`: the same server wired to the built-in simulators, so a newcomer can connect a
 * simulated Microsoft 365 / Google / Exchange mailbox and watch everything work offline.
 */
import type { Logger } from 'pino';
import { startSimulators } from '../../sim';
import { simDefaultApp } from '../../sim/microsoft';
import type { Config } from '../config';
import { printWelcome, startServer, stopOnSignals } from './start';

export async function runDemo(config: Config, logger: Logger): Promise<number> {
  const sims = await startSimulators({});
  const demoConfig: Config = {
    ...config,
    microsoft: { clientId: simDefaultApp.clientId, clientSecret: simDefaultApp.clientSecret, authorityHost: sims.microsoft.url, graphUrl: `${sims.microsoft.url}/v1.0` },
    google: {
      clientId: 'tandem-demo.apps.googleusercontent.com',
      clientSecret: 'tandem-demo-secret',
      oauthUrl: sims.google.url,
      gmailUrl: sims.google.url,
      calendarUrl: sims.google.url,
      pubsubTopic: config.google.pubsubTopic,
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
