/**
 * A multi-item EWS call (GetItem, MoveItem over many ids) answers one ResponseMessage per id, in
 * order, and each can fail on its own (ErrorServerBusy, ErrorInternalServerTransientError, a missing
 * answer). The items that failed with a kind worth repeating are sent again, together, inside the run
 * (retry.ts: backoff, BackOffMilliseconds honoured up to the cap), as Graph's $batch items are; the
 * others keep their error. Callers use it only for calls that are safe to repeat.
 */
import { ProviderError } from '../errors';
import type { CapturedRef, ItemResult } from '../provider';
import { retryEach, type RetrySettings } from '../retry';
import type { ResponseMessage } from './ews-client';

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function missingAnswer(): ProviderError {
  return new ProviderError('transient', 'EWS gave no answer for this item', { code: 'missing_response_message' });
}

/** Runs a per-item EWS call over refs in chunks of `size`; each ref gets its own answer. */
export async function perRef<T>(
  retry: RetrySettings,
  refs: readonly CapturedRef[],
  size: number,
  run: (chunk: CapturedRef[]) => Promise<ResponseMessage[]>,
  read: (m: Extract<ResponseMessage, { ok: true }>) => T,
  recover?: (e: ProviderError) => { value: T } | undefined,
): Promise<ItemResult<T>[]> {
  const answer = async (chunk: CapturedRef[]): Promise<ItemResult<T>[]> => {
    const answers = await run(chunk);
    return chunk.map((ref, i): ItemResult<T> => {
      const a = answers[i];
      if (!a) return { ref, ok: false, error: missingAnswer() };
      if (a.ok) return { ref, ok: true, value: read(a) };
      const recovered = recover?.(a.error);
      return recovered ? { ref, ok: true, value: recovered.value } : { ref, ok: false, error: a.error };
    });
  };
  const out: ItemResult<T>[] = [];
  for (const chunk of chunks(refs, size)) out.push(...(await retryEach(chunk, answer, (r) => (r.ok ? undefined : r.error), retry)));
  return out;
}
