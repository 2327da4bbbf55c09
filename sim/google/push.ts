/**
 * Outbound notifications: Gmail's Pub/Sub push (users.watch) and Calendar's web_hook channels
 * (events.watch). Deliveries go through the injected fetch; tests await `flush()` instead of sleeping.
 */
import type { FetchLike } from '../../src/providers/provider';
import type { Clock } from '../../src/domain/clock';
import type { PubSubSigner, PushOidc } from './pubsub-oidc';
import type { CalendarChannel, GoogleMailbox } from './state';

export interface PushDelivery {
  kind: 'gmail' | 'calendar';
  url: string;
  mailbox: string;
  status?: number;
  error?: string;
}

export interface PubSubEndpoint {
  endpoint: string;
  /** Full subscription name put in the push body. */
  subscription: string;
  /** An authenticated push subscription: each push carries a signed OIDC token. */
  oidc?: PushOidc;
}

export class PushOutbox {
  private pending = new Set<Promise<void>>();
  private pubsub = new Map<string, PubSubEndpoint>();
  private gmailDue = new Set<GoogleMailbox>();
  private gmailScheduled = false;
  private messageCounter = 1_000_000;
  readonly log: PushDelivery[] = [];

  constructor(
    private readonly fetchFn: FetchLike,
    private readonly clock: Clock,
    private readonly signer: PubSubSigner,
  ) {}

  /** Where a Pub/Sub topic's push subscription delivers (the simulator stands in for Pub/Sub). */
  setPubSubEndpoint(topicName: string, endpoint: string, subscription?: string, oidc?: PushOidc): void {
    const project = /^projects\/([^/]+)\//.exec(topicName)?.[1] ?? 'sim';
    this.pubsub.set(topicName, { endpoint, subscription: subscription ?? `projects/${project}/subscriptions/tandem-push`, ...(oidc ? { oidc } : {}) });
  }

  /**
   * Called on every Gmail change. Changes made in one synchronous run (a batchModify, a batch call)
   * coalesce into one push, much as Gmail coalesces notifications per user.
   */
  gmailChanged(mb: GoogleMailbox, labelIds: string[]): void {
    const watch = mb.gmail.watch;
    if (!watch || watch.expiration <= this.clock.now().getTime()) return;
    if (watch.labelIds.length > 0) {
      const hit = labelIds.some((l) => watch.labelIds.includes(l));
      // include: only changes touching those labels; exclude: every change except those (users.watch docs).
      if (watch.behavior === 'include' ? !hit : hit) return;
    }
    this.gmailDue.add(mb);
    if (this.gmailScheduled) return;
    this.gmailScheduled = true;
    queueMicrotask(() => {
      this.gmailScheduled = false;
      const due = [...this.gmailDue];
      this.gmailDue.clear();
      for (const m of due) this.pushGmail(m);
    });
  }

  private pushGmail(mb: GoogleMailbox): void {
    const watch = mb.gmail.watch;
    if (!watch) return;
    const target = this.pubsub.get(watch.topicName);
    if (!target) return;
    const data = Buffer.from(JSON.stringify({ emailAddress: mb.address, historyId: String(mb.gmail.historyId) })).toString('base64');
    const messageId = String(++this.messageCounter);
    const publishTime = this.clock.now().toISOString();
    // Pub/Sub push body: the message (with both spellings of id and time) and the subscription name.
    const body = JSON.stringify({
      message: { data, messageId, message_id: messageId, publishTime, publish_time: publishTime },
      subscription: target.subscription,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (target.oidc) headers.authorization = `Bearer ${this.signer.tokenFor(target.endpoint, target.oidc)}`;
    this.send({ kind: 'gmail', url: target.endpoint, mailbox: mb.address }, { method: 'POST', headers, body });
  }

  /** Calendar web_hook notification: no body, everything in X-Goog-* headers. */
  calendarNotify(mb: GoogleMailbox, channel: CalendarChannel, state: 'sync' | 'exists' | 'not_exists'): void {
    if (channel.expiration <= this.clock.now().getTime()) return;
    channel.messageNumber += 1;
    const headers: Record<string, string> = {
      'x-goog-channel-id': channel.id,
      'x-goog-channel-expiration': new Date(channel.expiration).toUTCString(),
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-uri': channel.resourceUri,
      'x-goog-resource-state': state,
      'x-goog-message-number': String(channel.messageNumber),
    };
    if (channel.token !== undefined) headers['x-goog-channel-token'] = channel.token;
    this.send({ kind: 'calendar', url: channel.address, mailbox: mb.address }, { method: 'POST', headers });
  }

  private send(entry: PushDelivery, init: RequestInit): void {
    this.log.push(entry);
    const p = this.fetchFn(entry.url, init)
      .then(async (res) => {
        entry.status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      })
      .catch((e: unknown) => {
        entry.error = e instanceof Error ? e.message : String(e);
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every delivery started so far has finished. */
  async flush(): Promise<void> {
    await Promise.resolve();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
