/**
 * EWS pull notifications ("Notification subscriptions, mailbox events, and EWS"): Subscribe with a
 * PullSubscriptionRequest returns a SubscriptionId and a Watermark; GetEvents from that watermark lists
 * what happened since (MoreEvents = call again) and moves the watermark; a subscription not polled
 * within its Timeout (1–1440 minutes) lapses (ErrorExpiredSubscription → not_found: subscribe again).
 * Pull needs no public callback URL, so it works for on-premises servers behind a firewall, unlike
 * EWS push subscriptions. A poll tells the engine "something changed, sync now"; the sync itself
 * stays SyncFolderItems / FindItem, and plain polling remains the fallback.
 */
import type { CaptureFolders, PushResource, PushSubscription } from '../provider';
import type { EwsClient } from './ews-client';
import { child, children, el, textOf, tx } from './ews-xml';
import { folderIdXml } from './ews-requests';

export interface PullPoll {
  /** Events other than the keep-alive StatusEvent arrived. */
  changed: boolean;
  /** Same subscription with the advanced watermark (in `data`) and expiry. */
  subscription: PushSubscription;
}

const eventTypes = ['NewMailEvent', 'CreatedEvent', 'ModifiedEvent', 'MovedEvent', 'DeletedEvent'];

export class EwsPull {
  constructor(
    private readonly ews: EwsClient,
    private readonly timeoutMinutes = 30,
  ) {}

  private expiry(): string {
    return new Date(this.ews.clock.now().getTime() + this.timeoutMinutes * 60_000).toISOString();
  }

  async subscribe(resource: PushResource, folders?: CaptureFolders): Promise<PushSubscription> {
    if (resource === 'capture' && !folders) throw new TypeError('capture subscriptions need the capture folder');
    const folder = resource === 'capture' && folders ? folderIdXml(folders.captureId) : this.ews.folder('calendar');
    const body = el(
      'm:Subscribe',
      null,
      el(
        'm:PullSubscriptionRequest',
        null,
        el('t:FolderIds', null, folder),
        el('t:EventTypes', null, eventTypes.map((e) => tx('t:EventType', e))),
        tx('t:Timeout', this.timeoutMinutes),
      ),
    );
    const node = await this.ews.callOne('Subscribe', body);
    return { id: textOf(node, 'SubscriptionId') ?? '', resource, expiresAt: this.expiry(), data: textOf(node, 'Watermark') ?? '' };
  }

  async poll(sub: PushSubscription): Promise<PullPoll> {
    let watermark = sub.data ?? '';
    let changed = false;
    for (let round = 0; round < 20; round++) {
      const node = await this.ews.callOne('GetEvents', el('m:GetEvents', null, tx('m:SubscriptionId', sub.id), tx('m:Watermark', watermark)));
      const notification = child(node, 'Notification');
      for (const e of children(notification)) {
        const mark = textOf(e, 'Watermark');
        if (mark) watermark = mark;
        if (eventTypes.includes(e.name)) changed = true;
      }
      if (textOf(notification, 'MoreEvents') !== 'true') break;
    }
    return { changed, subscription: { ...sub, data: watermark, expiresAt: this.expiry() } };
  }

  async unsubscribe(sub: PushSubscription): Promise<void> {
    await this.ews.callOne('Unsubscribe', el('m:Unsubscribe', null, tx('m:SubscriptionId', sub.id)));
  }
}
