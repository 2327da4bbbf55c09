/**
 * The garbage-collection policy of a Tandem process, set once at start-up (src/cli/main.ts) before
 * it does any work.
 *
 * Capture moves most of its bytes through ArrayBuffers, which V8 calls external memory: socket
 * reads, decoded raw MIME, attachment bytes, parser buffers — about 300 KB per captured message.
 * By default V8 starts a full mark-compact each time external memory has grown by a fixed 64 MB
 * since the last one, however small that is next to the heap. That was a full collection every
 * ~200 messages (about 20 per 2,000 in `bench/capture.ts`), each marking the whole heap: V8's
 * helper threads spent 0.9–1.0 ms of CPU per message, on a machine that has two cores for everything.
 *
 * With `--external-memory-accounted-in-global-limit`, external memory counts toward the same limit
 * as the heap, which grows with what survives each collection: 4–5 full collections per 2,000
 * messages and ~0.4 ms per message on the helper threads, at 100–200 MiB more RSS while mail is
 * captured; buffers are still reclaimed (the limit is still a limit; peak RSS is printed by the
 * bench). V8 reads the flag when it next computes its limits, so setting it at run time takes
 * effect; gc-policy.test.ts checks that in a fresh process. Flags are process-wide: the embedded
 * store's thread gets the same policy.
 */
import { setFlagsFromString } from 'node:v8';

export const gcFlags: readonly string[] = ['--external-memory-accounted-in-global-limit'];

let applied = false;

/** Applies gcFlags to this process; later calls do nothing. */
export function applyGcPolicy(): void {
  if (applied) return;
  for (const flag of gcFlags) setFlagsFromString(flag);
  applied = true;
}
