import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../errors';
import type { FetchLike, OAuthCredentials, Provider, PushAbility } from '../provider';
import { testMessage } from '../contract/contract-fixtures';
import { parseCalendarChannelHeaders, parseGmailPush, type CalendarChannelNotification, type GmailPush } from './google-notifications';
import { connect, providerFor, startGoogleTestEnv, testMailbox, type GoogleTestEnv } from './google-test-harness';

const topic = 'projects/tandem-test/topics/gmail-push';
const hookUrl = 'https://tandem.example/hooks/google';

describe('google push on the simulator', () => {
  let env: GoogleTestEnv;
  let provider: Provider;
  let push: PushAbility;
  const gmailPushes: Array<GmailPush | null> = [];
  const channelPushes: Array<CalendarChannelNotification | null> = [];
  let channelCounter = 0;
  let credentials: OAuthCredentials;
  const pushOptions = { push: { gmailTopic: topic, newChannelId: () => `chan-${++channelCounter}` } };

  beforeEach(async () => {
    gmailPushes.length = 0;
    channelPushes.length = 0;
    // The simulator's deliveries land here, as they would on our webhook route.
    const receiver: FetchLike = async (_input, init) => {
      if (typeof init?.body === 'string' && init.body.length > 0) gmailPushes.push(parseGmailPush(JSON.parse(init.body) as unknown));
      else channelPushes.push(parseCalendarChannelHeaders(new Headers(init?.headers)));
      return new Response(null, { status: 204 });
    };
    env = await startGoogleTestEnv({ notificationFetch: receiver });
    env.sim.handle.setPubSubEndpoint(topic, hookUrl);
    credentials = await connect(env);
    provider = providerFor(env, credentials, pushOptions);
    if (!provider.push) throw new Error('no push');
    push = provider.push;
  });
  afterEach(() => env.close());

  it('watches the capture label: a message dropped there is pushed; renew re-watches; unsubscribe stops', async () => {
    const folders = await provider.mail?.ensureCaptureFolders({ capture: 'Tandem', processed: 'Processed' });
    const sub = await push.subscribe('capture', { url: hookUrl, clientState: 'cs' }, folders);
    expect(sub).toMatchObject({ resource: 'capture', expiresAt: '2026-11-09T09:00:00.000Z' });
    expect(env.sim.handle.watches(testMailbox)).toEqual([expect.objectContaining({ kind: 'gmail', topicName: topic, labelIds: [folders?.captureId], labelFilterBehavior: 'include' })]);

    env.sim.handle.placeMessage(testMailbox, 'Tandem', testMessage('push').raw);
    env.sim.handle.placeMessage(testMailbox, 'INBOX', testMessage('elsewhere').raw);
    await env.sim.handle.flushNotifications();
    expect(gmailPushes).toEqual([expect.objectContaining({ emailAddress: testMailbox, historyId: expect.stringMatching(/^\d+$/) })]);

    // A day later (Google suggests re-watching daily), with a refreshed token, as the engine would run it.
    env.clock.advance(24 * 3600_000);
    const later = providerFor(env, await env.oauth.refresh(credentials), pushOptions).push;
    const renewed = await later?.renew(sub);
    expect(renewed?.expiresAt).toBe('2026-11-10T09:00:00.000Z');
    if (renewed) await later?.unsubscribe(renewed);
    expect(env.sim.handle.watches(testMailbox)).toEqual([]);
  });

  it('capture push without a configured topic is a clear, permanent error', async () => {
    const bare = providerFor(env, await connect(env));
    const outcome = await bare.push?.subscribe('capture', { url: hookUrl, clientState: 'cs' }, { captureId: 'Label_1', processedId: 'Label_2' }).catch((e: unknown) => e);
    expect(isProviderError(outcome) && outcome.code).toBe('no_pubsub_topic');
  });

  it('opens a calendar channel, is notified of changes, renews by replacing the channel, and stops it', async () => {
    const sub = await push.subscribe('calendar', { url: hookUrl, clientState: 'secret-state' });
    expect(sub).toMatchObject({ id: 'chan-1', resource: 'calendar' });
    env.sim.handle.createProviderEvent(testMailbox, { summary: 'x', start: { dateTime: '2026-11-12T10:00:00', timeZone: 'Europe/Berlin' }, end: { dateTime: '2026-11-12T11:00:00', timeZone: 'Europe/Berlin' } });
    await env.sim.handle.flushNotifications();
    expect(channelPushes.map((n) => [n?.channelId, n?.resourceState, n?.token])).toEqual([
      ['chan-1', 'sync', 'secret-state'],
      ['chan-1', 'exists', 'secret-state'],
    ]);

    const renewed = await push.renew(sub);
    expect(renewed.id).toBe('chan-2');
    expect(env.sim.handle.watches(testMailbox).map((w) => (w.kind === 'calendar' ? w.id : w.kind))).toEqual(['chan-2']);
    await push.unsubscribe(renewed);
    await push.unsubscribe(renewed);
    expect(env.sim.handle.watches(testMailbox)).toEqual([]);
  });
});

describe('push parsers', () => {
  const envelope = (data: unknown) => ({ message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId: '42' }, subscription: 'projects/p/subscriptions/s' });

  it('parseGmailPush reads historyId as a number or a string and refuses other bodies', () => {
    expect(parseGmailPush(envelope({ emailAddress: 'Ava@Greenleaf.example', historyId: 9876 }))).toEqual({ emailAddress: 'ava@greenleaf.example', historyId: '9876', messageId: '42' });
    expect(parseGmailPush(envelope({ emailAddress: 'a@b.c', historyId: '12' }))?.historyId).toBe('12');
    expect(parseGmailPush(envelope({ emailAddress: 'a@b.c' }))).toBeNull();
    expect(parseGmailPush({ message: { data: '%%%' } })).toBeNull();
    expect(parseGmailPush('hello')).toBeNull();
  });

  it('parseCalendarChannelHeaders reads X-Goog-* headers from Headers or a plain record', () => {
    expect(
      parseCalendarChannelHeaders({
        'X-Goog-Channel-ID': 'c1',
        'x-goog-resource-id': 'r1',
        'x-goog-resource-state': 'exists',
        'x-goog-channel-token': 't',
        'x-goog-message-number': '3',
        'x-goog-channel-expiration': 'Mon, 09 Nov 2026 09:00:00 GMT',
      }),
    ).toEqual({ channelId: 'c1', resourceId: 'r1', resourceState: 'exists', token: 't', messageNumber: 3, expiresAt: '2026-11-09T09:00:00.000Z' });
    expect(parseCalendarChannelHeaders(new Headers({ 'x-goog-channel-id': 'c1', 'x-goog-resource-id': 'r1', 'x-goog-resource-state': 'sync' }))).toMatchObject({ resourceState: 'sync' });
    expect(parseCalendarChannelHeaders({ 'x-goog-channel-id': 'c1', 'x-goog-resource-id': 'r1', 'x-goog-resource-state': 'weird' })).toBeNull();
    expect(parseCalendarChannelHeaders({})).toBeNull();
  });
});
