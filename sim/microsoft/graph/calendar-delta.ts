/**
 * calendarView delta (delta-query-events docs): a round of pages linked by @odata.nextLink
 * ($skiptoken) ending in an @odata.deltaLink ($deltatoken) that bakes in the window. The next round
 * reports what changed since, deletions as `@removed`. Outlook sync state can be evicted at any time;
 * an evicted token answers 410 Gone with code SyncStateNotFound (observed in
 * microsoftgraph/microsoft-graph-docs#2350), and the client must start over.
 */
import { GraphError } from '../http';
import type { IdFactory } from '../ids';
import type { SimMailbox } from '../types';
import type { GraphContext, GraphResult, GraphRoute } from './context';
import { findInstance, viewInstances } from './event-view';
import { eventJson, windowParams } from './event-routes';

/** Page size when the client sends no `Prefer: odata.maxpagesize`. */
const defaultPageSize = 10;

interface SyncState {
  mailbox: string;
  epoch: number;
  from: number;
  to: number;
  /** Instance id → changeKey as of the end of the round that minted this token. */
  seen: Map<string, string>;
}

interface Round {
  state: SyncState;
  items: { id: string; removed: boolean }[];
  /** What `seen` becomes once the round completes. */
  next: Map<string, string>;
}

export class DeltaStore {
  private syncStates = new Map<string, SyncState>();
  private rounds = new Map<string, Round>();

  constructor(private readonly ids: IdFactory) {}

  mintDeltaToken(state: SyncState): string {
    const token = this.ids.chars(44);
    this.syncStates.set(token, state);
    return token;
  }

  syncState(token: string, mailbox: SimMailbox): SyncState | undefined {
    const s = this.syncStates.get(token);
    return s && s.mailbox === mailbox.address && s.epoch === mailbox.deltaEpoch ? s : undefined;
  }

  startRound(state: SyncState, mailbox: SimMailbox): string {
    const current = viewInstances(mailbox.events.values(), state.from, state.to);
    const next = new Map(current.map((i) => [i.id, i.changeKey]));
    const items: Round['items'] = [];
    for (const i of current) if (state.seen.get(i.id) !== i.changeKey) items.push({ id: i.id, removed: false });
    for (const id of state.seen.keys()) if (!next.has(id)) items.push({ id, removed: true });
    const token = this.ids.chars(44);
    this.rounds.set(token, { state, items, next });
    return token;
  }

  round(token: string, mailbox: SimMailbox): Round | undefined {
    const r = this.rounds.get(token);
    return r && r.state.mailbox === mailbox.address && r.state.epoch === mailbox.deltaEpoch ? r : undefined;
  }
}

function gone(ctx: GraphContext): GraphError {
  return new GraphError(410, 'SyncStateNotFound', 'The sync state generation is not found.', {
    Location: `${ctx.baseUrl}/me/calendarView/delta?$deltatoken=`,
  });
}

function page(ctx: GraphContext, roundToken: string, offset: number): GraphResult {
  const round = ctx.delta.round(roundToken, ctx.mailbox);
  if (!round) throw gone(ctx);
  const size = ctx.prefer.maxPageSize ?? defaultPageSize;
  const slice = round.items.slice(offset, offset + size);
  const value = slice.map((item) => {
    const inst = item.removed ? undefined : findInstance(ctx.mailbox.events, item.id);
    // Gone since the round began: report it removed rather than stale.
    if (!inst || inst.startMs >= round.state.to || inst.endMs <= round.state.from) {
      return { '@odata.type': '#microsoft.graph.event', id: item.id, '@removed': { reason: 'deleted' } };
    }
    return { '@odata.type': '#microsoft.graph.event', ...(eventJson(ctx, inst) as object) };
  });
  const base = `${ctx.baseUrl}/me/calendarView/delta`;
  const headers = ctx.prefer.maxPageSize ? { 'Preference-Applied': `odata.maxpagesize=${size}` } : undefined;
  if (offset + size < round.items.length) {
    return { status: 200, headers, json: { '@odata.nextLink': `${base}?$skiptoken=${roundToken}.${offset + size}`, value } };
  }
  const deltaToken = ctx.delta.mintDeltaToken({ ...round.state, seen: round.next });
  return { status: 200, headers, json: { '@odata.deltaLink': `${base}?$deltatoken=${deltaToken}`, value } };
}

function delta(ctx: GraphContext): GraphResult {
  const skip = ctx.query.get('$skiptoken');
  if (skip !== null) {
    const [roundToken, offset] = skip.split('.');
    const n = Number(offset);
    if (!roundToken || !Number.isInteger(n) || n < 0) throw gone(ctx);
    return page(ctx, roundToken, n);
  }
  const deltaToken = ctx.query.get('$deltatoken');
  if (deltaToken !== null) {
    const state = ctx.delta.syncState(deltaToken, ctx.mailbox);
    if (!state) throw gone(ctx);
    return page(ctx, ctx.delta.startRound(state, ctx.mailbox), 0);
  }
  const { from, to } = windowParams(ctx);
  const state: SyncState = { mailbox: ctx.mailbox.address, epoch: ctx.mailbox.deltaEpoch, from, to, seen: new Map() };
  return page(ctx, ctx.delta.startRound(state, ctx.mailbox), 0);
}

export const deltaRoutes: GraphRoute[] = [{ method: 'GET', pattern: '/me/calendarView/delta', op: 'calendarView.delta', handle: delta }];
