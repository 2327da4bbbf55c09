/** `tandem start` and `tandem worker`: boot, print where to go, stop cleanly on SIGTERM / SIGINT. */
import type { Logger } from 'pino';
import { boot, type BootOptions, type Runtime } from '../boot';
import type { Config } from '../config';
import { seedDemo, type DemoSignIn } from '../store/seed-demo';

/** Waits for SIGTERM / SIGINT, then finishes or releases in-flight jobs and closes. */
export function stopOnSignals(runtime: Pick<Runtime, 'close'>, logger: Logger, extra: () => Promise<void> = async () => {}): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: finishing in-flight jobs');
      void runtime
        .close()
        .then(extra)
        .then(
          () => resolve(0),
          (err: unknown) => {
            logger.error({ err }, 'error while stopping');
            resolve(1);
          },
        );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

export function printWelcome(config: Config, signIn: DemoSignIn | undefined, lines: string[] = []): void {
  const out = [`\nTandem is running at ${config.publicUrl}`];
  if (!config.databaseUrl) out.push(`  embedded database in ${config.dataDir}`);
  if (signIn) {
    const first = signIn.users[0];
    out.push(`  demo company: sign in as ${first?.email ?? '(none)'} / ${signIn.password}`);
  }
  out.push(...lines, '');
  process.stdout.write(out.join('\n') + '\n');
}

export async function startServer(config: Config, logger: Logger, overrides: Partial<BootOptions> = {}): Promise<{ runtime: Runtime; signIn: DemoSignIn | undefined }> {
  const runtime = await boot({ config, logger, workers: config.runWorkers, api: true, ...overrides });
  // The embedded default is for trying Tandem: seed the demo company on first run (idempotent).
  const signIn = config.databaseUrl ? undefined : await seedDemo(runtime.db);
  return { runtime, signIn };
}

export async function runStart(config: Config, logger: Logger): Promise<number> {
  const { runtime, signIn } = await startServer(config, logger);
  printWelcome(config, signIn);
  return stopOnSignals(runtime, logger);
}

export async function runWorker(config: Config, logger: Logger): Promise<number> {
  const runtime = await boot({ config, logger, workers: true, api: false });
  logger.info('worker started');
  return stopOnSignals(runtime, logger);
}
