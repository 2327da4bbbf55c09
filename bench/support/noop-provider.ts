/**
 * A provider that does nothing but a fixed, measured amount of "provider work" per sync run, and the
 * feature that calls it once: the engine's scheduling, status, run history and queue work around it
 * is then the only other cost, so it can be set beside the provider's own time in the same run.
 */
import type { CapturePage, ProviderFactory } from '../../src/providers/provider';
import type { SyncFeature } from '../../src/sync/feature';

export interface ProviderMeter {
  calls: number;
  /**
   * Summed wall time observed inside provider calls (ms). It exceeds calls × workMs by the event-loop
   * lag when the timer fires late: that lag is our process being busy (or starved), not the provider.
   */
  observedMs: number;
}

/** Each call waits on a `workMs` timer, like a provider round trip that costs us no CPU. */
export function noopProviderFactory(meter: ProviderMeter, workMs: number): ProviderFactory {
  const work = () => new Promise<void>((resolve) => setTimeout(resolve, workMs));
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
          meter.observedMs += performance.now() - t0;
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
