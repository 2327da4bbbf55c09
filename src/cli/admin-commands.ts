/** One-shot commands: migrate, seed-demo, user add. */
import type { Logger } from 'pino';
import type { Config } from '../config';
import { openDb, type Db } from '../store/db';
import { migrate } from '../store/migrate';
import { seedDemo } from '../store/seed-demo';

async function withDb<T>(config: Config, logger: Logger, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir: config.dataDir, logger, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

export async function runMigrate(config: Config, logger: Logger): Promise<number> {
  await withDb(config, logger, async () => undefined);
  process.stdout.write('migrations applied\n');
  return 0;
}

export async function runSeedDemo(config: Config, logger: Logger): Promise<number> {
  const signIn = await withDb(config, logger, (db) => seedDemo(db));
  process.stdout.write(`${signIn.created ? 'seeded' : 'already seeded'}: company ${signIn.companyId}; users ${signIn.users.map((u) => u.email).join(', ')} / ${signIn.password}\n`);
  return 0;
}

export async function runUserAdd(
  config: Config,
  logger: Logger,
  values: { company?: string; email?: string; name?: string; password?: string; admin?: boolean },
): Promise<number> {
  const { company, email, name, password } = values;
  if (!company || !email || !name || !password) {
    process.stderr.write('tandem user add needs --company <id> --email <address> --name <name> --password <password> [--admin]\n');
    return 2;
  }
  const user = await withDb(config, logger, async (db) => {
    const scope = { companyId: company };
    if (!(await db.repos.companies.get(scope))) throw new Error(`no company ${company}`);
    return db.repos.users.create(scope, { email, name, password, role: values.admin ? 'admin' : 'member' });
  });
  process.stdout.write(`added ${user.email} (${user.role}) with id ${user.id}\n`);
  return 0;
}
