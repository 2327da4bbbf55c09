/**
 * Fresh, migrated databases for tests, on both drivers.
 * - PGlite: initdb + migrations once per test process, dumped to a tarball; each test loads a copy
 *   (PGlite's first initdb takes seconds, a load is much cheaper).
 * - PostgreSQL (TANDEM_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres): a template
 *   database named after a hash of the migration files is built once (under an advisory lock, so
 *   parallel vitest workers do not race) and each test gets CREATE DATABASE … TEMPLATE it.
 * TANDEM_TEST_DRIVERS=pglite (comma list) restricts the drivers, e.g. on a machine without PostgreSQL.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { createPglite, dbFromPglite, dbFromPool, type Db } from '../../src/store/db';
import { migrate, migrationsFolder } from '../../src/store/migrate';

export type TestDriver = 'pglite' | 'postgres';

/** PGlite's version (its package.json is not exported, so read it beside the resolved entry point). */
const pgliteVersion = (
  JSON.parse(readFileSync(join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string }
).version;

export interface TestDb {
  db: Db;
  cleanup(): Promise<void>;
}

const allDrivers: readonly TestDriver[] = ['pglite', 'postgres'];

export function testDrivers(): TestDriver[] {
  const only = process.env.TANDEM_TEST_DRIVERS;
  if (!only) return [...allDrivers];
  const wanted = only.split(',').map((s) => s.trim());
  return allDrivers.filter((d) => wanted.includes(d));
}

export function testPgUrl(): string {
  return process.env.TANDEM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export async function createTestDb(driver: TestDriver): Promise<TestDb> {
  const db = driver === 'pglite' ? dbFromPglite(await createPglite({ loadDataDir: await pgliteSnapshot() })) : await createPostgresDb();
  return { db, cleanup: () => db.close() };
}

// ---------------------------------------------------------------- PGlite

let snapshot: Promise<Blob> | undefined;

/**
 * A migrated PGlite data folder as a tarball. Cached on disk (keyed by PGlite version + migrations)
 * so only the first test process of a run pays initdb; the others just read the file. Written to a
 * temporary name and renamed, so a reader never sees half a file; two first processes may both build.
 */
export function pgliteSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const path = join(tmpdir(), `tandem-test-pglite-${pgliteVersion}-${migrationsHash()}.tar`);
    if (existsSync(path)) return new Blob([readFileSync(path)]);
    const base = await createPglite();
    try {
      await migrate(dbFromPglite(base));
      const dump = await base.dumpDataDir('none');
      const partial = `${path}.${process.pid}.partial`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, path);
      return dump;
    } finally {
      await base.close();
    }
  })();
  return snapshot;
}

// ---------------------------------------------------------------- PostgreSQL

function migrationsHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(entry.name).update(readFileSync(path));
    }
  };
  walk(migrationsFolder);
  return hash.digest('hex').slice(0, 12);
}

function urlFor(database: string): string {
  const url = new URL(testPgUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

let template: Promise<string> | undefined;

async function ensureTemplate(): Promise<string> {
  const name = `tandem_tpl_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: testPgUrl() });
  await admin.connect();
  try {
    // Same key in every vitest worker: the first builds the template, the others wait and reuse it.
    await admin.query('select pg_advisory_lock(hashtext($1))', ['tandem-test-template']);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      // Build under a scratch name and rename when complete, so a crash never leaves a half-built template.
      const building = `${name}_building`;
      await admin.query(`drop database if exists ${quoteIdent(building)}`);
      await admin.query(`create database ${quoteIdent(building)}`);
      const db = dbFromPool(new pg.Pool({ connectionString: urlFor(building), max: 2 }));
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
      await admin.query(`alter database ${quoteIdent(building)} rename to ${quoteIdent(name)}`);
      // Templates of older migration sets are dead weight now; drop those nobody is using.
      const stale = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'tandem\\_tpl\\_%' and datname <> $1`, [name]);
      for (const row of stale.rows) await admin.query(`drop database if exists ${quoteIdent(row.datname)}`).catch(() => undefined);
    }
    await admin.query('select pg_advisory_unlock(hashtext($1))', ['tandem-test-template']);
  } finally {
    await admin.end();
  }
  return name;
}

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testPgUrl() });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

async function createPostgresDb(): Promise<Db> {
  template ??= ensureTemplate();
  const tpl = await template;
  const name = `tandem_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${quoteIdent(name)} template ${quoteIdent(tpl)}`);
  const pool = new pg.Pool({ connectionString: urlFor(name), max: 4 });
  pool.on('error', () => undefined);
  return dbFromPool(pool, () => dropWhenIdle(name));
}

/** How long a dropped test database's connections get to close on their own before they are forced. */
const DROP_GRACE_MS = 5_000;

/**
 * Drops a test database once its connections are gone, forcing only what is left after the grace.
 * A pool's end() resolves when its clients are told to end, not when their sockets have closed: a
 * forced drop at that moment sends those clients FATAL 57P01 while they no longer listen for errors,
 * which the test process then throws as an uncaught exception (seen after the capture chaos file).
 */
async function dropWhenIdle(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testPgUrl() });
  await admin.connect();
  try {
    const deadline = Date.now() + DROP_GRACE_MS;
    for (;;) {
      const open = await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
      if (Number(open.rows[0]?.n ?? 0) === 0 || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await admin.query(`drop database if exists ${quoteIdent(name)} with (force)`);
  } finally {
    await admin.end();
  }
}

// ---------------------------------------------------------------- fixtures

let companySeq = 0;

/** A company with one admin user, for tests that need a tenant. */
export async function createTestCompany(db: Db, name = `Test Co ${++companySeq}`): Promise<{ scope: { companyId: string }; userId: string }> {
  const company = await db.repos.companies.create({ name });
  const scope = { companyId: company.id };
  const user = await db.repos.users.create(scope, { email: `admin${companySeq}@test.example`, name: 'Admin', role: 'admin' });
  return { scope, userId: user.id };
}
