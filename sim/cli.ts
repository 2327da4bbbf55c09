/**
 * `npm run sim` — starts the Microsoft 365, Google and Exchange simulators with the demo company
 * and prints how to reach them and how to point Tandem at them. Ctrl-C stops them.
 *
 *   npm run sim -- [--seed N] [--messages N] [--events N] [--host H] [--ports MS,GOOGLE,EWS]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulators, type Simulators } from './index';

function parsePorts(text: string | undefined): { microsoft?: number; google?: number; exchange?: number } | undefined {
  if (!text) return undefined;
  const ports = text.split(',').map((p) => Number(p.trim()));
  if (ports.length !== 3 || ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) {
    throw new Error('--ports takes three port numbers: microsoft,google,exchange (0 = any free port)');
  }
  return { microsoft: ports[0], google: ports[1], exchange: ports[2] };
}

function count(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number`);
  return n;
}

/** The text printed at start-up; separate so it can be checked without starting servers. */
export function describeSimulators(sims: Pick<Simulators, 'microsoft' | 'google' | 'exchange' | 'mailboxes'>): string {
  const ms = sims.microsoft.url;
  const g = sims.google.url;
  const ews = sims.exchange.url;
  const lines = [
    'Tandem provider simulators are running.',
    '',
    `  Microsoft 365 (identity + Graph)  ${ms}      webmail: ${ms}/webmail`,
    `  Google (OAuth + Gmail + Calendar) ${g}      webmail: ${g}/webmail`,
    `  Exchange (EWS)                    ${ews}      webmail: ${ews}/webmail`,
    `                                    EWS URL: ${ews}/EWS/Exchange.asmx`,
    '',
    'Demo mailboxes (same password on every simulator):',
    ...sims.mailboxes.map((m) => {
      const note = m.type === 'user' ? '' : m.type === 'shared' ? '   (shared mailbox — connecting is refused)' : '   (distribution list — connecting is refused)';
      return `  ${m.address.padEnd(28)} ${m.password.padEnd(18)} Exchange user ${m.exchangeUsername}${note}`;
    }),
    '',
    'Point Tandem at them (environment variables):',
    `  MICROSOFT_AUTHORITY_HOST=${ms}`,
    `  MICROSOFT_GRAPH_URL=${ms}/v1.0`,
    `  GOOGLE_OAUTH_URL=${g}`,
    `  GOOGLE_GMAIL_URL=${g}`,
    `  GOOGLE_CALENDAR_URL=${g}`,
    'For Exchange, enter a demo address, its Exchange user name and password in User Settings → Sync;',
    `the EWS URL is found through Autodiscover at ${ews}/autodiscover/autodiscover.xml.`,
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      messages: { type: 'string' },
      events: { type: 'string' },
      host: { type: 'string' },
      ports: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('npm run sim -- [--seed N] [--messages N] [--events N] [--host H] [--ports MS,GOOGLE,EWS]\n');
    return;
  }
  const sims = await startSimulators({
    seed: count(values.seed, 'seed', 1),
    messagesPerMailbox: count(values.messages, 'messages', 20),
    eventsPerMailbox: count(values.events, 'events', 12),
    host: values.host,
    ports: parsePorts(values.ports),
  });
  process.stdout.write(`${describeSimulators(sims)}\n`);
  const stop = () => {
    void sims.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run only when executed (tsx sim/cli.ts), not when imported by a test.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
