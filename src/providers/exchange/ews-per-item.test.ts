/**
 * Per-item answers of a multi-item EWS call: the items that failed with a kind worth repeating are
 * sent again together inside the run, the others keep their error, and items that worked are never
 * asked for twice. The call is a script of EWS answers (the per-item codes real servers send).
 */
import { describe, expect, it } from 'vitest';
import type { CapturedRef } from '../provider';
import { retrySettings } from '../retry';
import type { ResponseMessage } from './ews-client';
import { perRef } from './ews-per-item';
import { mapEwsError } from './map-ews-error';

const node = { name: 'GetItemResponseMessage', attrs: {}, children: [], text: '' };
const ok = (): ResponseMessage => ({ ok: true, node });
const failed = (code: string, backOffMs?: number): ResponseMessage => ({
  ok: false,
  node,
  error: mapEwsError({ type: 'response', code, ...(backOffMs !== undefined ? { backOffMs } : {}) }, new Date()),
});
const refs = (...ids: string[]): CapturedRef[] => ids.map((id) => ({ id }));
const fast = retrySettings({ baseDelayMs: 1, maxDelayMs: 50, random: () => 0 });

/** An EWS call that answers each id from a queue of answers per id (the last one repeats). */
function scripted(answers: Record<string, ResponseMessage[]>) {
  const calls: string[][] = [];
  const run = async (chunk: CapturedRef[]): Promise<ResponseMessage[]> => {
    calls.push(chunk.map((r) => r.id));
    return chunk.map((r) => {
      const queue = answers[r.id] ?? [ok()];
      return (queue.length > 1 ? queue.shift() : queue[0]) ?? ok();
    });
  };
  return { run, calls };
}

describe('per-item answers of a multi-item EWS call', () => {
  it('sends only the items that failed transiently again, together, until they work', async () => {
    const call = scripted({ b: [failed('ErrorInternalServerTransientError'), ok()], d: [failed('ErrorServerBusy', 5), failed('ErrorTimeoutExpired'), ok()] });
    const out = await perRef(fast, refs('a', 'b', 'c', 'd'), 10, call.run, () => 'read');
    expect(out.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(call.calls).toEqual([['a', 'b', 'c', 'd'], ['b', 'd'], ['d']]);
  });

  it('keeps the error of items a repeat cannot help, without asking for them again', async () => {
    const call = scripted({ b: [failed('ErrorItemNotFound')], c: [failed('ErrorAccessDenied')] });
    const out = await perRef(fast, refs('a', 'b', 'c'), 10, call.run, () => 'read');
    expect(out.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ErrorItemNotFound', 'ErrorAccessDenied']);
    expect(call.calls).toEqual([['a', 'b', 'c']]);
  });

  it('stops after the allowed attempts and reports the last error', async () => {
    const call = scripted({ a: [failed('ErrorInternalServerTransientError')] });
    const out = await perRef(retrySettings({ baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3, random: () => 0 }), refs('a'), 10, call.run, () => 'read');
    expect(out[0]).toMatchObject({ ok: false, error: { kind: 'transient', code: 'ErrorInternalServerTransientError' } });
    expect(call.calls).toHaveLength(3);
  });

  it('keeps chunks apart and the answers in the order of the refs', async () => {
    const call = scripted({ c: [failed('ErrorServerBusy', 1), ok()] });
    const out = await perRef(fast, refs('a', 'b', 'c', 'd', 'e'), 2, call.run, (m) => m.node.name);
    expect(out.map((r) => r.ref.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(call.calls).toEqual([['a', 'b'], ['c', 'd'], ['c'], ['e']]);
  });

  it('a recovered failure counts as done (a repeated move finds the item already gone)', async () => {
    const call = scripted({ a: [failed('ErrorItemNotFound')] });
    const out = await perRef<void>(fast, refs('a'), 10, call.run, () => undefined, (e) => (e.code === 'ErrorItemNotFound' ? { value: undefined } : undefined));
    expect(out).toEqual([{ ref: { id: 'a' }, ok: true, value: undefined }]);
  });
});
