/**
 * A provider that does nothing but a fixed, measured amount of "provider work" per sync run, and the
 * feature that calls it once: the engine's scheduling, status, run history and queue work around it
 * is then the only other cost, so it can be set beside the provider's own time in the same run.
 */
import type { CapturePage, ProviderFactory } from '../../src/providers/provider';
import type { SyncFeature } from '../../src/sync/feature';

export interface ProviderMeter {
  calls: number;
  /** Summed wall time spent inside provider calls (ms). */
  providerMs: number;
}

/**
 * `workMs` > 0: each call waits on a timer that long (a provider round trip does not use our CPU);
 * 0: it awaits a resolved promise.
 */
export function noopProviderFactory(meter: ProviderMeter, workMs: number): ProviderFactory {
  const work = workMs > 0 ? () => new Promise<void>((resolve) => setTimeout(resolve, workMs)) : () => Promise.resolve();
  return {
    kind: 'imap',
    create: (ctx) => ({
      kind: 'imap',
      identity: async () => ({ providerUserId: ctx.mailbox, address: ctx.mailbox, type: 'user' }),
      mail: {
        ensureCaptureFolders: async () => ({ captureId: 'c', processedId: 'p' }),
        listCaptured: async (): Promise<CapturePage> => {
          const t0 = performance.now();
          await work();
          meter.calls++;
          meter.providerMs += performance.now() - t0;
          return { refs: [] };
        },
        fetchRaw: async () => [],
        markProcessed: async () => [],
        send: async () => ({}),
        findSent: async () => null,
      },
    }),
  };
}

/** One provider call per run, nothing stored: an empty capture folder. */
export const noopCaptureFeature: SyncFeature = {
  name: 'capture',
  enabled: () => true,
  async run(ctx) {
    await ctx.provider.mail?.listCaptured({ captureId: 'c', processedId: 'p' }, { pageSize: 100 });
    return { items: 0, errors: 0 };
  },
};
