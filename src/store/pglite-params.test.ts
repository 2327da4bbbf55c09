import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDrivers, type TestDb } from '../../test/support/test-db';
import { queryRows } from './db';
import { JsonParam } from './json-param';
import { jsonbBinary } from './pglite-params';

// Text a jsonb parameter must carry unchanged: escapes, quotes, non-Latin scripts, astral characters.
const tricky = ['plain', 'quote " backslash \\ slash / tab \t newline \n', '田中 太郎 · Größe · Muñoz', 'emoji 🌳🌲 and \u2028 separators', '</script><!-- -->'];

describe('jsonbBinary', () => {
  it('is the jsonb binary format: version byte 1, then the UTF-8 JSON text', () => {
    const bytes = jsonbBinary({ a: '田中', n: 1n });
    expect(bytes[0]).toBe(1);
    expect(Buffer.from(bytes.subarray(1)).toString('utf8')).toBe('{"a":"田中","n":"1"}');
    expect(Buffer.from(jsonbBinary('[1,"x"]').subarray(1)).toString('utf8')).toBe('[1,"x"]');
    expect(Buffer.from(jsonbBinary(new JsonParam([{ a: 1 }])).subarray(1)).toString('utf8')).toBe('[{"a":1}]');
  });
});

describe.each(testDrivers())('jsonb parameters (%s)', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t.cleanup());

  it('reach PostgreSQL unchanged, as a string and as a large batch', async () => {
    const rows = tricky.map((text, i) => ({ i, text }));
    const back = await queryRows<{ i: number; text: string }>(t.db.orm, sql`select i, text from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(i int, text text) order by i`);
    expect(back).toEqual(rows);
    const big = Array.from({ length: 200 }, (_, i) => ({ i, text: tricky.join(' ').repeat(40) }));
    const [sum] = await queryRows<{ n: number; chars: number }>(t.db.orm, sql`select count(*)::int as n, sum(length(text))::int as chars from jsonb_to_recordset(${JSON.stringify(big)}::jsonb) as x(i int, text text)`);
    expect(sum).toEqual({ n: 200, chars: big.reduce((n, r) => n + [...r.text].length, 0) });
  });

  it('reach PostgreSQL unchanged as a JsonParam, whose text the driver writes when it binds', async () => {
    const rows = tricky.map((text, i) => ({ i, text }));
    const back = await queryRows<{ i: number; text: string }>(t.db.orm, sql`select i, text from jsonb_to_recordset(${sql.param(new JsonParam(rows))}::jsonb) as x(i int, text text) order by i`);
    expect(back).toEqual(rows);
  });
});
