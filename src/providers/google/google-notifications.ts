/**
 * Pure parsers for what Google pushes to us. Gmail: a Pub/Sub push whose `message.data` is base64 of
 * {"emailAddress","historyId"} (Gmail push guide; historyId arrives as a number or a string).
 * Calendar: a body-less POST whose X-Goog-* headers name the channel (Calendar push guide; the first
 * message on a channel has resource state `sync`). Either way the receiver just schedules a sync.
 */
import { z } from 'zod';

export interface GmailPush {
  emailAddress: string;
  historyId: string;
  /** Pub/Sub message id, for logs and de-duplication of redeliveries. */
  messageId?: string;
}

const pubSubEnvelope = z.object({
  message: z.object({ data: z.string(), messageId: z.string().optional(), message_id: z.string().optional() }),
  subscription: z.string().optional(),
});

const gmailData = z.object({ emailAddress: z.string().min(1), historyId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]) });

/** The Gmail notification inside a Pub/Sub push body, or null when the body is not one. */
export function parseGmailPush(body: unknown): GmailPush | null {
  const envelope = pubSubEnvelope.safeParse(body);
  if (!envelope.success) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(envelope.data.message.data, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  const data = gmailData.safeParse(decoded);
  if (!data.success) return null;
  const messageId = envelope.data.message.messageId ?? envelope.data.message.message_id;
  return { emailAddress: data.data.emailAddress.toLowerCase(), historyId: String(data.data.historyId), ...(messageId ? { messageId } : {}) };
}

export type CalendarResourceState = 'sync' | 'exists' | 'not_exists';

export interface CalendarChannelNotification {
  channelId: string;
  resourceId: string;
  resourceState: CalendarResourceState;
  /** The token we gave the channel: compare with the subscription's clientState. */
  token?: string;
  messageNumber?: number;
  /** Channel expiry (ISO), when Google states it. */
  expiresAt?: string;
  resourceUri?: string;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(source: HeaderSource, name: string): string | undefined {
  if (source instanceof Headers) return source.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(source)) if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

const states = new Set<string>(['sync', 'exists', 'not_exists']);

/** The channel notification named by X-Goog-* headers, or null when they are missing or unknown. */
export function parseCalendarChannelHeaders(headers: HeaderSource): CalendarChannelNotification | null {
  const channelId = header(headers, 'x-goog-channel-id');
  const resourceId = header(headers, 'x-goog-resource-id');
  const resourceState = header(headers, 'x-goog-resource-state');
  if (!channelId || !resourceId || !resourceState || !states.has(resourceState)) return null;
  const token = header(headers, 'x-goog-channel-token');
  const number = Number(header(headers, 'x-goog-message-number'));
  const expiration = header(headers, 'x-goog-channel-expiration');
  const expiresMs = expiration ? Date.parse(expiration) : Number.NaN;
  const resourceUri = header(headers, 'x-goog-resource-uri');
  return {
    channelId,
    resourceId,
    resourceState: resourceState as CalendarResourceState,
    ...(token ? { token } : {}),
    ...(Number.isFinite(number) ? { messageNumber: number } : {}),
    ...(Number.isFinite(expiresMs) ? { expiresAt: new Date(expiresMs).toISOString() } : {}),
    ...(resourceUri ? { resourceUri } : {}),
  };
}
