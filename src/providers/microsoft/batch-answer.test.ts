import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LiftedBody, LiftedObject, readBatchAnswer } from './batch-answer';
import { batchBodyBytes } from './graph-batch';

const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const mime = (n: number) => randomBytes(n);

interface Item {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}
const answer = (responses: Item[]) => JSON.stringify({ responses });

function responsesOf(parsed: unknown): Item[] {
  expect(parsed).toMatchObject({ responses: expect.any(Array) });
  return (parsed as { responses: Item[] }).responses;
}

/** Items with each lifted object body parsed, as a caller that reads it sees them. */
const read = (items: Item[]): Item[] => items.map((i) => (i.body instanceof LiftedObject ? { ...i, body: i.body.value() } : i));

/** What each item's bytes are once read, whichever way the answer was read. */
const itemBytes = (items: Item[]) => items.map((i) => Buffer.from(batchBodyBytes({ headers: i.headers ?? {}, body: i.body })).toString('hex'));

describe('readBatchAnswer', () => {
  it('hands long base64 bodies on as bytes and parses the rest as JSON', () => {
    const raws = [mime(40_000), mime(2_000), mime(100)];
    const text = answer([
      { id: '1', status: 200, headers: { 'Content-Type': 'text/plain' }, body: raws[0]?.toString('base64') },
      { id: '2', status: 200, headers: { 'Content-Type': 'text/plain' }, body: raws[1]?.toString('base64') },
      { id: '3', status: 200, headers: { 'Content-Type': 'text/plain' }, body: raws[2]?.toString('base64') },
      { id: '4', status: 404, headers: { 'Content-Type': 'application/json' }, body: { error: { code: 'ErrorItemNotFound', message: 'gone' } } },
      { id: '5', status: 201, headers: { 'Content-Type': 'application/json' }, body: { id: 'AAMk', body: { contentType: 'html', content: '<p>x</p>'.repeat(300) } } },
    ]);
    const items = responsesOf(readBatchAnswer(bytesOf(text)));
    expect(items.map((i) => i.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(items[0]?.body).toBeInstanceOf(LiftedBody);
    expect(items[1]?.body).toBeInstanceOf(LiftedBody);
    expect(typeof items[2]?.body).toBe('string'); // short: left in the JSON
    expect(items[3]?.body).toEqual({ error: { code: 'ErrorItemNotFound', message: 'gone' } }); // short: left in the JSON
    expect(items[4]?.body).toBeInstanceOf(LiftedObject);
    expect(read(items)[4]?.body).toMatchObject({ id: 'AAMk', body: { contentType: 'html' } });
    expect(itemBytes(items).slice(0, 3)).toEqual(raws.map((r) => r.toString('hex')));
  });

  it('reads the same as JSON.parse, whatever the spacing and key order', () => {
    const raw = mime(30_000);
    const b64 = raw.toString('base64');
    const spaced = `{ "responses" : [ { "body" : "${b64}" , "status" : 200, "id" : "1", "headers" : { "Content-Type" : "text/plain" } },\n  {"id":"2","status":200,"headers":{"Content-Type":"text/plain"},\t"body":\r\n"${b64}"} ] }`;
    const items = responsesOf(readBatchAnswer(bytesOf(spaced)));
    expect(items[0]?.body).toBeInstanceOf(LiftedBody);
    expect(items[1]?.body).toBeInstanceOf(LiftedBody);
    expect(itemBytes(items)).toEqual(itemBytes(responsesOf(JSON.parse(spaced))));
  });

  it('leaves a body with escapes in the JSON, where JSON.parse reads them', () => {
    const b64 = mime(20_000).toString('base64');
    // A server may escape "/" as "\/"; the next body must still be found after it.
    const escaped = b64.replaceAll('/', '\\/');
    const text = `{"responses":[{"id":"1","status":200,"headers":{"Content-Type":"text/plain"},"body":"${escaped}"},{"id":"2","status":200,"headers":{"Content-Type":"text/plain"},"body":"${b64}"}]}`;
    const items = responsesOf(readBatchAnswer(bytesOf(text)));
    expect(items[0]?.body).toBe(b64);
    expect(items[1]?.body).toBeInstanceOf(LiftedBody);
    expect(itemBytes(items)).toEqual(itemBytes(responsesOf(JSON.parse(text))));
  });

  it('decodes long base64 bodies in steps to the same bytes as one decode, padded or not', () => {
    // 64 KB of base64 per step: bodies of 1, 2 and 5 steps, ending with none, one or two "=".
    const raws = [49_152, 49_153, 49_154, 96_000, 250_001].map((n) => mime(n));
    const text = answer(raws.map((r, i) => ({ id: String(i + 1), status: 200, headers: { 'Content-Type': 'text/plain' }, body: r.toString('base64') })));
    const items = responsesOf(readBatchAnswer(bytesOf(text)));
    expect(items.every((i) => i.body instanceof LiftedBody)).toBe(true);
    expect(itemBytes(items)).toEqual(raws.map((r) => r.toString('hex')));
  });

  it('decodes a long body that is not plain base64 as Node decodes it whole', () => {
    const b64 = mime(120_000).toString('base64');
    const odd = [
      `${b64.slice(0, 70_000)}!!!!${b64.slice(70_004)}`, // characters outside the alphabet
      `${b64.slice(0, 100_000)}==${b64.slice(100_002)}`, // padding in the middle
      `${b64.slice(0, 80_000)}-_${b64.slice(80_002)}`, // the URL-safe alphabet
      b64.slice(0, 90_001), // a length that is not a whole number of quanta
    ];
    const text = answer(odd.map((body, i) => ({ id: String(i + 1), status: 200, headers: { 'Content-Type': 'text/plain' }, body })));
    const items = responsesOf(readBatchAnswer(bytesOf(text)));
    expect(items.every((i) => i.body instanceof LiftedBody)).toBe(true);
    expect(itemBytes(items)).toEqual(odd.map((body) => Buffer.from(body, 'base64').toString('hex')));
  });

  it('keeps UTF-8 text of a JSON-typed string body intact', () => {
    const text = `Grüße aus 東京 ${'·'.repeat(2_000)}`;
    const items = responsesOf(readBatchAnswer(bytesOf(answer([{ id: '1', status: 200, headers: { 'content-type': 'application/json' }, body: text }]))));
    expect(items[0]?.body).toBeInstanceOf(LiftedBody);
    expect(Buffer.from(itemBytes(items)[0] ?? '', 'hex').toString('utf8')).toBe(text);
  });

  it('parses the whole answer when a long "body" string sits deeper than an item', () => {
    const nested = 'n'.repeat(5_000);
    const b64 = mime(10_000).toString('base64');
    const text = answer([
      { id: '1', status: 200, headers: { 'Content-Type': 'application/json' }, body: { body: nested } },
      { id: '2', status: 200, headers: { 'Content-Type': 'text/plain' }, body: b64 },
    ]);
    const items = responsesOf(readBatchAnswer(bytesOf(text)));
    expect(items[0]?.body).toBeInstanceOf(LiftedObject);
    expect(read(items)[0]?.body).toEqual({ body: nested });
    expect(items[1]?.body).toBeInstanceOf(LiftedBody);
    expect(itemBytes(items)[1]).toBe(Buffer.from(b64, 'base64').toString('hex'));
  });

  it('does not take a "body" inside a string for a key', () => {
    const inner = `,"body":"${'x'.repeat(3_000)}`;
    const text = answer([{ id: '1', status: 200, headers: { 'Content-Type': 'application/json' }, body: { note: inner, body: { content: inner } } }]);
    expect(read(responsesOf(readBatchAnswer(bytesOf(text))))).toEqual(responsesOf(JSON.parse(text)));
  });

  it('lifts long object bodies whole, escapes, nesting and all, and reads them as JSON.parse does', () => {
    const message = (n: number) => ({
      id: `AAMk${n}`,
      subject: 'Quote "spring" \\ cleanup }{ ][',
      body: { contentType: 'html', content: `<p class="x">${'Grüße } { " \\ '.repeat(200)}</p>` },
      toRecipients: [{ emailAddress: { address: 'a@b.example', name: 'A [B]' } }],
      flag: { flagStatus: 'notFlagged' },
      isRead: false,
      importance: null,
    });
    const text = answer([
      { id: '1', status: 201, headers: { 'Content-Type': 'application/json' }, body: message(1) },
      { id: '2', status: 404, headers: { 'Content-Type': 'application/json' }, body: { error: { code: 'ErrorItemNotFound', message: 'gone' } } },
      { id: '3', status: 201, headers: { 'Content-Type': 'application/json' }, body: message(3) },
    ]);
    const items = responsesOf(readBatchAnswer(bytesOf(text)));
    expect(items.map((i) => i.body instanceof LiftedObject)).toEqual([true, false, true]);
    expect(read(items)).toEqual(responsesOf(JSON.parse(text)));
  });

  it('lifts an object body whose JSON inside is broken, and parses it to undefined', () => {
    const text = `{"responses":[{"id":"1","status":201,"body":{"content":"${'y'.repeat(2_000)}", nope}}]}`;
    const items = responsesOf(readBatchAnswer(bytesOf(text)));
    expect(items[0]?.body).toBeInstanceOf(LiftedObject);
    expect(read(items)[0]?.body).toBeUndefined();
  });

  it('returns undefined for an answer that is not JSON, cut or not', () => {
    const b64 = mime(5_000).toString('base64');
    expect(readBatchAnswer(bytesOf(`{"responses":[{"id":"1","status":200,"body":"${b64}"}`))).toBeUndefined();
    expect(readBatchAnswer(bytesOf('<html>gateway timeout</html>'))).toBeUndefined();
    expect(readBatchAnswer(new Uint8Array(0))).toBeUndefined();
  });

  it('cannot be fooled by an answer that carries text shaped like a placeholder', () => {
    const b64 = mime(5_000).toString('base64');
    const text = answer([
      { id: '1', status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'tandem-batch-body-0000-0' },
      { id: '2', status: 200, headers: { 'Content-Type': 'text/plain' }, body: b64 },
    ]);
    const items = responsesOf(readBatchAnswer(bytesOf(text)));
    expect(items[0]?.body).toBe('tandem-batch-body-0000-0');
    expect(itemBytes(items)[1]).toBe(Buffer.from(b64, 'base64').toString('hex'));
  });
});
