/**
 * A scriptable provider for engine tests: each call takes the next scripted outcome for its mailbox
 * (succeed, or throw a given ProviderError), and every call, refresh and credential used is recorded.
 * It stands in for a cloud API only where the engine — not an adapter — is under test.
 */
import { ProviderError } from '../../src/providers/errors';
import type { CapturePage, OAuthAbility, OAuthCredentials, Provider, ProviderFactory, ProviderKind } from '../../src/providers/provider';
import type { SyncFeature } from '../../src/sync/feature';

export type Outcome = 'ok' | ProviderError;

export class FakeProviderState {
  /** Scripted outcomes per mailbox, consumed one per provider call; empty → 'ok'. */
  readonly script = new Map<string, Outcome[]>();
  readonly calls: { mailbox: string; accessToken: string; fullResync: boolean }[] = [];
  refreshes = 0;
  refreshScript: Outcome[] = [];
  /** Lifetime of refreshed access tokens. */
  accessTokenLifetimeMs = 3600_000;
  now: () => Date = () => new Date();

  plan(mailbox: string, ...outcomes: Outcome[]): void {
    this.script.set(mailbox, [...(this.script.get(mailbox) ?? []), ...outcomes]);
  }

  next(mailbox: string): Outcome {
    return this.script.get(mailbox)?.shift() ?? 'ok';
  }

  callsFor(mailbox: string): number {
    return this.calls.filter((c) => c.mailbox === mailbox).length;
  }
}

export function fakeFactory(state: FakeProviderState, kind: ProviderKind = 'microsoft'): ProviderFactory {
  const oauth = (): OAuthAbility => ({
    authorizeUrl: () => 'http://fake/authorize',
    exchangeCode: async () => {
      throw new ProviderError('permanent', 'not used');
    },
    refresh: async (creds: OAuthCredentials) => {
      state.refreshes++;
      const outcome = state.refreshScript.shift() ?? 'ok';
      if (outcome !== 'ok') throw outcome;
      return {
        ...creds,
        accessToken: `access-${state.refreshes}`,
        refreshToken: `refresh-${state.refreshes}`,
        accessTokenExpiresAt: new Date(state.now().getTime() + state.accessTokenLifetimeMs).toISOString(),
      };
    },
  });
  return {
    kind,
    oauth,
    create(ctx): Provider {
      const accessToken = ctx.credentials.kind === 'oauth' ? ctx.credentials.accessToken : ctx.credentials.password;
      return {
        kind,
        identity: async () => ({ providerUserId: ctx.mailbox, address: ctx.mailbox, type: 'user' }),
        mail: {
          ensureCaptureFolders: async () => ({ captureId: 'c', processedId: 'p' }),
          listCaptured: async (): Promise<CapturePage> => {
            state.calls.push({ mailbox: ctx.mailbox, accessToken, fullResync: false });
            const outcome = state.next(ctx.mailbox);
            if (outcome !== 'ok') throw outcome;
            return { refs: [] };
          },
          fetchRaw: async () => [],
          markProcessed: async () => [],
          send: async () => ({}),
          findSent: async () => null,
        },
      };
    },
  };
}

/** A feature that makes one provider call per run and reports one item. */
export function fakeCaptureFeature(state: FakeProviderState): SyncFeature {
  return {
    name: 'capture',
    enabled: () => true,
    async run(ctx) {
      await ctx.provider.mail?.listCaptured({ captureId: 'c', processedId: 'p' }, { pageSize: 10 });
      const last = state.calls.at(-1);
      if (last) last.fullResync = ctx.fullResync;
      return { items: 1, errors: 0 };
    },
  };
}
