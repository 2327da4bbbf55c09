import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../domain/clock';
import { GraphClient } from './graph-client';
import { runBatch } from './graph-batch';

/** A Graph client whose every $batch is answered with `text` (the wire text as sent). */
function clientAnswering(text: string): { client: GraphClient } {
  const client = new GraphClient({
    baseUrl: 'http://graph.test/v1.0',
    accessToken: 'token',
    clock: new FakeClock(),
    retry: { maxAttempts: 2, sleep: async () => {}, random: () => 0 },
    fetch: async () => new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }),
  });
  return { client };
}

const movedMessage = (id: string) => ({ id, subject: 'Moved', body: { contentType: 'html', content: `<p>${'x'.repeat(5_000)}</p>` } });
const moves = (ids: string[], ignoreAnswer: boolean) => ids.map((id) => ({ method: 'POST', url: `/me/messages/${id}/move`, body: { destinationId: 'processed' }, ignoreAnswer }));

describe('runBatch', () => {
  it('leaves out the answer of a successful item whose caller ignores it, and reads it otherwise', async () => {
    const text = JSON.stringify({ responses: [1, 2].map((n) => ({ id: String(n), status: 201, headers: { 'Content-Type': 'application/json' }, body: movedMessage(`m${n}`) })) });
    const ignored = await runBatch(clientAnswering(text).client, moves(['m1', 'm2'], true));
    expect(ignored.map((o) => o.ok && o.body)).toEqual([undefined, undefined]);
    const read = await runBatch(clientAnswering(text).client, moves(['m1', 'm2'], false));
    expect(read.map((o) => o.ok && o.body)).toEqual([movedMessage('m1'), movedMessage('m2')]);
  });

  it('still maps a long error answer of an item whose success would be ignored', async () => {
    const error = { error: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.', details: 'd'.repeat(3_000) } };
    const text = JSON.stringify({ responses: [{ id: '1', status: 404, headers: { 'Content-Type': 'application/json' }, body: error }] });
    const [outcome] = await runBatch(clientAnswering(text).client, moves(['m1'], true));
    expect(outcome?.ok).toBe(false);
    if (outcome && !outcome.ok) expect(outcome.error).toMatchObject({ kind: 'not_found', code: 'ErrorItemNotFound' });
  });

  it('fails the batch as transient when a long answer it must read is not JSON, not when that answer is ignored', async () => {
    const broken = `{"responses":[{"id":"1","status":201,"headers":{"Content-Type":"application/json"},"body":{"content":"${'y'.repeat(2_000)}", nope}}]}`;
    await expect(runBatch(clientAnswering(broken).client, moves(['m1'], false))).rejects.toMatchObject({ kind: 'transient', code: 'bad_batch_answer' });
    const [ignored] = await runBatch(clientAnswering(broken).client, moves(['m1'], true));
    expect(ignored?.ok).toBe(true);
  });
});
