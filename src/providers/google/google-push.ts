/**
 * Push through Google's two mechanisms:
 * - capture: Gmail users.watch on the capture label, publishing to a Cloud Pub/Sub topic (Gmail push
 *   guide). A watch lasts 7 days and must be re-called before then (Google suggests daily); calling
 *   watch again replaces it, so renew is the same call. users.stop ends it.
 * - calendar: events.watch web-hook channels (Calendar push guide). Channels cannot be renewed: a new
 *   channel is opened, then the old one stopped (channels.stop with id + resourceId).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ProviderError } from '../errors';
import type { CaptureFolders, PushAbility, PushSubscription } from '../provider';
import type { GoogleClient } from './google-client';

export interface GooglePushOptions {
  /** Cloud Pub/Sub topic (projects/{project}/topics/{topic}) Gmail publishes to; capture push needs it. */
  gmailTopic?: string;
  /** Channel ids (≤ 64 characters, unique); injectable for tests. */
  newChannelId?: () => string;
}

const gmailData = z.object({ topic: z.string(), labelIds: z.array(z.string()), historyId: z.string().optional() });
const channelData = z.object({ resourceId: z.string(), url: z.string(), token: z.string() });

function readData<T>(schema: z.ZodType<T>, sub: PushSubscription): T {
  const parsed = schema.safeParse(sub.data ? (JSON.parse(sub.data) as unknown) : undefined);
  if (!parsed.success) throw new ProviderError('invalid_input', 'Push subscription without its Google data', { code: 'bad_subscription_data' });
  return parsed.data;
}

const notFoundIsDone = (e: unknown): void => {
  if (e instanceof ProviderError && e.kind === 'not_found') return;
  throw e;
};

export function createGooglePush(client: GoogleClient, mailbox: string, options: GooglePushOptions = {}): PushAbility {
  const newChannelId = options.newChannelId ?? (() => `tandem-${randomUUID()}`);

  async function watchGmail(topic: string, labelIds: string[]): Promise<PushSubscription> {
    const res = await client.call(() => client.gmail.users.watch({ userId: 'me', requestBody: { topicName: topic, labelIds, labelFilterBehavior: 'include' } }));
    const expiration = Number(res.expiration);
    if (!Number.isFinite(expiration)) throw new ProviderError('permanent', 'Gmail watch answer without expiration', { code: 'bad_watch' });
    return {
      id: `gmail-watch:${mailbox.toLowerCase()}`,
      resource: 'capture',
      expiresAt: new Date(expiration).toISOString(),
      data: JSON.stringify({ topic, labelIds, ...(res.historyId ? { historyId: res.historyId } : {}) }),
    };
  }

  async function openChannel(url: string, token: string): Promise<PushSubscription> {
    const channel = await client.call(() =>
      client.calendar.events.watch({ calendarId: 'primary', requestBody: { id: newChannelId(), type: 'web_hook', address: url, token } }),
    );
    const expiration = Number(channel.expiration);
    if (!channel.id || !channel.resourceId || !Number.isFinite(expiration)) throw new ProviderError('permanent', 'Calendar watch answer without id, resourceId or expiration', { code: 'bad_channel' });
    return { id: channel.id, resource: 'calendar', expiresAt: new Date(expiration).toISOString(), data: JSON.stringify({ resourceId: channel.resourceId, url, token }) };
  }

  async function stopChannel(sub: PushSubscription): Promise<void> {
    const { resourceId } = readData(channelData, sub);
    await client.call(() => client.calendar.channels.stop({ requestBody: { id: sub.id, resourceId } })).catch(notFoundIsDone);
  }

  return {
    async subscribe(resource, target, folders?: CaptureFolders) {
      if (resource === 'calendar') return openChannel(target.url, target.clientState);
      if (!folders) throw new ProviderError('invalid_input', 'Capture subscriptions need the capture label', { code: 'no_folders' });
      if (!options.gmailTopic) throw new ProviderError('permanent', 'Gmail push needs a Pub/Sub topic in the configuration', { code: 'no_pubsub_topic' });
      return watchGmail(options.gmailTopic, [folders.captureId]);
    },

    async renew(sub) {
      if (sub.resource === 'capture') {
        const { topic, labelIds } = readData(gmailData, sub);
        return watchGmail(topic, labelIds);
      }
      const { url, token } = readData(channelData, sub);
      const fresh = await openChannel(url, token);
      await stopChannel(sub);
      return fresh;
    },

    async unsubscribe(sub) {
      if (sub.resource === 'calendar') return stopChannel(sub);
      await client.call(() => client.gmail.users.stop({ userId: 'me' })).catch(notFoundIsDone);
    },
  };
}
