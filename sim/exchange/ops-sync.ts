/**
 * SyncFolderItems (SyncState, MaxChangesReturned 1–512, IncludesLastItemInRange; a bad, foreign or
 * expired state → ErrorInvalidSyncStateData) and pull notifications (Subscribe with
 * PullSubscriptionRequest → SubscriptionId + Watermark, GetEvents, Unsubscribe).
 */
import { SchemaError } from './calendar';
import { itemXml, parseShape } from './item-xml';
import type { EventKind, Mailbox, MailboxEvent, PullSubscription } from './model';
import { folderRefs, perItem, resolveFolderRef, type OpContext } from './request';
import { ok, type MessageResult } from './soap';
import { EwsError } from './store';
import { formatUtc } from './timezones';
import { child, children, el, textOf, tx } from './xml';

function encode(parts: (string | number)[]): string {
  return Buffer.from(parts.join(':')).toString('base64');
}

function decode(value: string, prefix: string): string[] | null {
  if (!/^[A-Za-z0-9+/]+=*$/.test(value)) return null;
  const parts = Buffer.from(value, 'base64').toString('latin1').split(':');
  return parts[0] === prefix ? parts.slice(1) : null;
}

function invalidState(): never {
  throw new EwsError('ErrorInvalidSyncStateData', 'Synchronization state data is corrupt or otherwise invalid.');
}

function sinceFromState(mb: Mailbox, folderId: string, state: string | undefined): number {
  if (!state) return 0;
  const parts = decode(state, 'SS');
  if (!parts || parts.length !== 4) invalidState();
  const [mailbox, folder, epoch, seq] = parts;
  if (Number(mailbox) !== mb.index || folder !== folderId || Number(epoch) !== mb.syncEpoch) invalidState();
  const n = Number(seq);
  if (!Number.isInteger(n) || n < 0 || n > mb.seq) invalidState();
  return n;
}

type Change = { seq: number; xml: string };

export function syncFolderItems(ctx: OpContext): MessageResult[] {
  const max = Number(textOf(ctx.op, 'MaxChangesReturned'));
  if (!Number.isInteger(max) || max < 1 || max > 512) throw new SchemaError('MaxChangesReturned must be between 1 and 512.');
  const ref = folderRefs(child(ctx.op, 'SyncFolderId'))[0];
  if (!ref) throw new SchemaError('SyncFolderId is required.');
  const shape = parseShape(child(ctx.op, 'ItemShape'));
  const ignore = new Set(children(child(ctx.op, 'Ignore'), 'ItemId').map((i) => i.attrs.Id ?? ''));
  return [
    perItem(() => {
      let folder;
      try {
        folder = resolveFolderRef(ctx, ref);
      } catch (e) {
        if (e instanceof EwsError && e.code === 'ErrorFolderNotFound') throw new EwsError('ErrorSyncFolderNotFound', 'The specified folder could not be found.');
        throw e;
      }
      const mb = ctx.mb;
      const since = sinceFromState(mb, folder.id, textOf(ctx.op, 'SyncState'));
      const changes: Change[] = [];
      for (const item of ctx.store.itemsIn(mb, folder.id)) {
        if (item.changedSeq <= since || ignore.has(item.id)) continue;
        const tag = item.createdSeq > since ? 't:Create' : 't:Update';
        changes.push({ seq: item.changedSeq, xml: el(tag, null, itemXml(mb, item, shape)) });
      }
      for (const t of mb.tombstones) {
        if (t.folderId !== folder.id || t.seq <= since || t.createdSeq > since) continue;
        changes.push({ seq: t.seq, xml: el('t:Delete', null, el('t:ItemId', { Id: t.id })) });
      }
      changes.sort((a, b) => a.seq - b.seq);
      const page = changes.slice(0, max);
      const last = page.length === changes.length;
      const upTo = last ? mb.seq : (page[page.length - 1]?.seq ?? since);
      return ok(
        tx('m:SyncState', encode(['SS', mb.index, folder.id, mb.syncEpoch, upTo])) +
          tx('m:IncludesLastItemInRange', last) +
          el('m:Changes', null, page.map((c) => c.xml)),
      );
    }),
  ];
}

// ---------------------------------------------------------------- pull notifications

const eventKinds: readonly EventKind[] = ['CreatedEvent', 'DeletedEvent', 'ModifiedEvent', 'MovedEvent', 'CopiedEvent', 'NewMailEvent'];
const MAX_EVENTS_PER_CALL = 50;

function watermark(mb: Mailbox, seq: number): string {
  return encode(['WM', mb.index, seq]);
}

function watermarkSeq(mb: Mailbox, value: string): number {
  const parts = decode(value, 'WM');
  const seq = Number(parts?.[1]);
  if (!parts || Number(parts[0]) !== mb.index || !Number.isInteger(seq) || seq > mb.seq) {
    throw new EwsError('ErrorInvalidWatermark', 'The watermark used for creating this subscription was not recognized.');
  }
  return seq;
}

export function subscribe(ctx: OpContext): MessageResult[] {
  const req = child(ctx.op, 'PullSubscriptionRequest');
  if (!req) {
    // Streaming and push subscriptions are not simulated; pull covers the adapter's needs.
    throw new EwsError('ErrorInvalidSubscriptionRequest', 'Only pull subscriptions are supported by the simulator.');
  }
  return [
    perItem(() => {
      const timeout = Number(textOf(req, 'Timeout'));
      if (!Number.isInteger(timeout) || timeout < 1 || timeout > 1440) throw new EwsError('ErrorInvalidPullSubscriptionTimeout', 'Timeout must be 1 to 1440 minutes.');
      const kinds = new Set(children(child(req, 'EventTypes'), 'EventType').map((e) => e.text.trim()));
      const chosen = new Set(eventKinds.filter((k) => kinds.has(k)));
      if (chosen.size === 0) throw new SchemaError('EventTypes must name at least one event type.');
      const all = req.attrs.SubscribeToAllFolders === 'true';
      const folders = all ? 'all' : new Set(folderRefs(child(req, 'FolderIds')).map((r) => resolveFolderRef(ctx, r).id));
      const start = textOf(req, 'Watermark');
      const sub: PullSubscription = {
        id: encode(['SUB', ctx.mb.index, ctx.store.hex(8)]),
        folderIds: folders,
        eventKinds: chosen,
        timeoutMinutes: timeout,
        lastPolled: ctx.store.now(),
        watermarkSeq: start ? watermarkSeq(ctx.mb, start) : ctx.mb.seq,
      };
      ctx.mb.subscriptions.set(sub.id, sub);
      return ok(tx('m:SubscriptionId', sub.id) + tx('m:Watermark', watermark(ctx.mb, sub.watermarkSeq)));
    }),
  ];
}

function eventXml(ctx: OpContext, e: MailboxEvent): string {
  const item = ctx.mb.items.get(e.itemId);
  const folder = ctx.mb.folders.get(e.folderId);
  return el(
    `t:${e.kind}`,
    null,
    tx('t:Watermark', watermark(ctx.mb, e.seq)),
    tx('t:TimeStamp', formatUtc(e.at)),
    el('t:ItemId', { Id: e.itemId, ChangeKey: item?.changeKey }),
    el('t:ParentFolderId', { Id: e.folderId, ChangeKey: folder?.changeKey }),
    e.oldItemId && el('t:OldItemId', { Id: e.oldItemId }),
    e.oldFolderId && el('t:OldParentFolderId', { Id: e.oldFolderId, ChangeKey: ctx.mb.folders.get(e.oldFolderId)?.changeKey }),
  );
}

export function getEvents(ctx: OpContext): MessageResult[] {
  return [
    perItem(() => {
      const id = textOf(ctx.op, 'SubscriptionId') ?? '';
      const sub = ctx.mb.subscriptions.get(id);
      if (!sub) throw new EwsError('ErrorSubscriptionNotFound', 'The specified subscription was not found.');
      const now = ctx.store.now();
      // A pull subscription lapses when not polled within its Timeout.
      if (now - sub.lastPolled > sub.timeoutMinutes * 60_000) {
        ctx.mb.subscriptions.delete(id);
        throw new EwsError('ErrorExpiredSubscription', 'The subscription has expired.');
      }
      const from = watermarkSeq(ctx.mb, textOf(ctx.op, 'Watermark') ?? '');
      sub.lastPolled = now;
      const matching = ctx.mb.events.filter(
        (e) =>
          e.seq > from &&
          sub.eventKinds.has(e.kind) &&
          (sub.folderIds === 'all' || sub.folderIds.has(e.folderId) || (e.oldFolderId !== undefined && sub.folderIds.has(e.oldFolderId))),
      );
      const page = matching.slice(0, MAX_EVENTS_PER_CALL);
      const more = matching.length > page.length;
      const lastSeq = more ? (page[page.length - 1]?.seq ?? from) : ctx.mb.seq;
      sub.watermarkSeq = lastSeq;
      const events = page.length ? page.map((e) => eventXml(ctx, e)) : [el('t:StatusEvent', null, tx('t:Watermark', watermark(ctx.mb, lastSeq)))];
      return ok(
        el('m:Notification', null, tx('t:SubscriptionId', id), tx('t:PreviousWatermark', watermark(ctx.mb, from)), tx('t:MoreEvents', more), events),
      );
    }),
  ];
}

export function unsubscribe(ctx: OpContext): MessageResult[] {
  return [
    perItem(() => {
      const id = textOf(ctx.op, 'SubscriptionId') ?? '';
      if (!ctx.mb.subscriptions.delete(id)) throw new EwsError('ErrorSubscriptionNotFound', 'The specified subscription was not found.');
      return ok();
    }),
  ];
}
