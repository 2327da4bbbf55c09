/**
 * The `tandem` command: start (API + workers + web in one process), worker, migrate, seed-demo,
 * user add, demo. Configuration comes from the environment (src/config.ts), validated once.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { applyGcPolicy } from '../gc-policy';
import { createLogger } from '../logger';
import { DataDirLockedError } from '../store/lockfile';
import { runCheckDomain } from './check-domain';
import { runDemo } from './demo';
import { runMigrate, runSeedDemo, runUserAdd } from './admin-commands';
import { runStart, runWorker } from './start';

const usage = `Usage: tandem <command>

Commands:
  start                 API, web UI and workers in one process (embedded PGlite unless DATABASE_URL)
  worker                workers only (scale-out: run as many as you like against one PostgreSQL)
  demo                  start wired to the built-in Microsoft 365 / Google / Exchange simulators
  migrate               apply database migrations
  seed-demo             seed the demo company (Greenleaf Landscaping)
  user add --company <id> --email <e> --name <n> --password <p> [--admin]
  check-domain <domain> [--dns host:port]   records to publish and a live SPF/DKIM/DMARC check
`;

async function main(argv: string[]): Promise<number> {
  applyGcPolicy();
  const [command, ...rest] = argv;
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (command) {
    case 'start':
      return runStart(config, logger);
    case 'worker':
      return runWorker(config, logger);
    case 'demo':
      return runDemo(config, logger);
    case 'migrate':
      return runMigrate(config, logger);
    case 'seed-demo':
      return runSeedDemo(config, logger);
    case 'check-domain':
      return runCheckDomain(config, logger, rest);
    case 'user': {
      const { positionals, values } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { company: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, admin: { type: 'boolean' } },
      });
      if (positionals[0] !== 'add') break;
      return runUserAdd(config, logger, values);
    }
    default:
      break;
  }
  process.stderr.write(usage);
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      process.stderr.write(`tandem: ${err.message}\n`);
    } else {
      process.stderr.write(`tandem: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exitCode = 1;
  },
);
