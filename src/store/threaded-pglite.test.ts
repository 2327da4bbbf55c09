import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbFromPglite, openDb, queryRows, type Db } from './db';
import { JsonParam } from './json-param';
import { migrate } from './migrate';
import { ThreadedPglite } from './threaded-pglite';
import { createTestCompany } from '../../test/support/test-db';

let dir: string;
let client: ThreadedPglite;
let db: Db;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tandem-threaded-'));
  client = await ThreadedPglite.start({ dataDir: join(dir, 'pglite') });
  db = dbFromPglite(client);
  await migrate(db);
  await client.exec('create table t (id int primary key, note text)');
}, 60_000);

afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the embedded database on its own thread', () => {
  it('carries parameters and results across as an in-process PGlite does', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const [row] = await queryRows<{ b: Uint8Array; j: unknown; n: number; at: string; big: bigint | string }>(
      db.orm,
      sql`select ${bytes}::bytea as b, ${JSON.stringify({ a: [1, 'x'] })}::jsonb as j, ${41}::int + 1 as n, '2026-11-28 10:00:00+00'::timestamptz as at, 9007199254740993::int8 as big`,
    );
    expect(Buffer.from(row?.b ?? [])).toEqual(bytes);
    expect(row?.j).toEqual({ a: [1, 'x'] });
    expect(row?.n).toBe(42);
    // drizzle keeps timestamps as text: its parsers run on this side, on the text the thread returned.
    expect(row?.at).toBe('2026-11-28 10:00:00+00');
    expect(String(row?.big)).toBe('9007199254740993');
  });

  it('carries a JsonParam as its value and writes its JSON text on the store thread', async () => {
    const rows = [{ i: 1, text: 'quote " and 田中' }, { i: 2, text: 'emoji 🌳' }];
    const back = await queryRows<{ i: number; text: string }>(db.orm, sql`select i, text from jsonb_to_recordset(${sql.param(new JsonParam(rows))}::jsonb) as x(i int, text text) order by i`);
    expect(back).toEqual(rows);
  });

  it('runs the repositories: a company, a contact, a search by address', async () => {
    const { scope } = await createTestCompany(db, 'Threaded');
    const contact = await db.repos.contacts.create(scope, { name: 'Ada', emails: ['Ada@Example.com'] });
    const found = await db.repos.contacts.matchAddresses(scope, ['ada@example.com']);
    expect(found.map((m) => m.contactId)).toEqual([contact.id]);
  });

  it('passes PostgreSQL errors back with their code and constraint', async () => {
    await client.query('insert into t values (1, $1)', ['one']);
    const error: unknown = await client.query('insert into t values (1, $1)', ['again']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 't_pkey', message: expect.stringContaining('duplicate key') });
    // The connection is usable after the error.
    expect((await client.query<{ n: number }>('select count(*)::int as n from t')).rows).toEqual([{ n: 1 }]);
  });

  it('commits a transaction, rolls one back on a throw, and on rollback()', async () => {
    await client.transaction(async (tx) => {
      await tx.query('insert into t values (10, $1)', ['kept']);
    });
    await expect(
      client.transaction(async (tx) => {
        await tx.query('insert into t values (11, $1)', ['lost']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await client.transaction(async (tx) => {
      await tx.query('insert into t values (12, $1)', ['rolled back']);
      await tx.rollback();
    });
    const ids = (await client.query<{ id: number }>('select id from t where id >= 10 order by id')).rows.map((r) => r.id);
    expect(ids).toEqual([10]);
  });

  it('makes a statement from outside wait until the open transaction has ended', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = client.transaction(async (t) => {
      await t.query('insert into t values (20, $1)', ['inside']);
      seen.push('inside');
      await held;
      seen.push('commit');
    });
    await new Promise((r) => setTimeout(r, 20));
    const outside = client.query<{ note: string }>('select note from t where id = 20').then((r) => {
      seen.push('outside');
      return r.rows;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['inside']);
    release();
    await tx;
    // The outside read ran after the commit and sees the row.
    expect(await outside).toEqual([{ note: 'inside' }]);
    expect(seen).toEqual(['inside', 'commit', 'outside']);
    await expect(
      client.transaction(async (t) => {
        await t.query('select 1');
        return t;
      }).then((t) => t.query('select 1')),
    ).rejects.toThrow('this transaction has ended');
  });

  it('refuses query options it cannot carry across, and keeps serving the statements queued with it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = client.transaction(async (t) => {
      await t.query('select 1');
      await held;
    });
    await new Promise((r) => setTimeout(r, 20));
    const refused = client.query('select 1', [], { onNotice: () => undefined });
    const after = client.query<{ n: number }>('select 2 as n');
    release();
    await tx;
    await expect(refused).rejects.toThrow('not carried to the database thread');
    expect((await after).rows).toEqual([{ n: 2 }]);
  });

  it('delivers NOTIFY to a listener until it unlistens', async () => {
    const heard: string[] = [];
    const unlisten = await client.listen('tandem_test', (payload) => heard.push(payload));
    await client.query("select pg_notify('tandem_test', 'first')");
    await expect.poll(() => heard).toEqual(['first']);
    await unlisten();
    await client.query("select pg_notify('tandem_test', 'second')");
    await new Promise((r) => setTimeout(r, 50));
    expect(heard).toEqual(['first']);
  });
});

describe('opening and closing the embedded store (openDb)', () => {
  it('keeps what was written across a close and a reopen, and refuses statements once closed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tandem-reopen-'));
    try {
      const first = await openDb({ dataDir });
      await first.orm.execute(sql`create table kept (v text)`);
      await first.orm.execute(sql`insert into kept values ('still here')`);
      await first.close();
      expect(first.kind === 'pglite' && first.pglite.closed).toBe(true);
      await expect(first.orm.execute(sql`select 1`)).rejects.toThrow();
      const second = await openDb({ dataDir });
      try {
        expect(await queryRows(second.orm, sql`select v from kept`)).toEqual([{ v: 'still here' }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('says why when the database cannot be opened, and releases the folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tandem-broken-'));
    try {
      // A file where the database folder should be.
      await writeFile(join(dataDir, 'pglite'), 'not a database');
      await expect(openDb({ dataDir })).rejects.toThrow(/could not open the embedded database in .*tandem-broken-.*: \w+/);
      await expect(openDb({ dataDir })).rejects.not.toThrow(/in use by process/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
