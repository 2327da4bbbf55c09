/**
 * The Google simulator's in-memory world: mailboxes with their Gmail and Calendar state, a seeded id
 * source and the injected clock. Stores (gmail-store.ts, calendar-store.ts) mutate it; routes read it.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import type { Clock } from '../../src/domain/clock';
import { seededRandom, type Random } from '../common/random';
import type { ParsedMessage } from './mime';

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  parsed: ParsedMessage;
  internalDate: number;
  /** History id of the last change to this message. */
  historyId: number;
}

export type HistoryKind = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';

export interface HistoryRecord {
  id: number;
  at: number;
  kind: HistoryKind;
  messageId: string;
  threadId: string;
  /** messageAdded/Deleted: the message's labels then; labelAdded/Removed: the labels changed. */
  labelIds: string[];
  /** The message's labels right after the change (for `message.labelIds`). */
  messageLabels: string[];
}

export interface StoredLabel {
  id: string;
  name: string;
  type: 'system' | 'user';
  messageListVisibility?: string;
  labelListVisibility?: string;
  color?: { textColor?: string; backgroundColor?: string };
}

export interface GmailWatch {
  topicName: string;
  labelIds: string[];
  behavior: 'include' | 'exclude';
  expiration: number;
}

export interface GmailState {
  labels: Map<string, StoredLabel>;
  messages: Map<string, StoredMessage>;
  history: HistoryRecord[];
  historyId: number;
  /** startHistoryId below this is gone (aged out or expired by the test) → 404. */
  historyFloor: number;
  nextLabelNumber: number;
  watch?: GmailWatch;
}

export interface StoredEvent {
  event: calendar_v3.Schema$Event;
  /** Calendar change sequence number of the last change; sync tokens compare against it. */
  changeSeq: number;
}

export interface CalendarChannel {
  id: string;
  resourceId: string;
  resourceUri: string;
  address: string;
  token?: string;
  expiration: number;
  messageNumber: number;
}

export interface CalendarState {
  events: Map<string, StoredEvent>;
  seq: number;
  /** Sync tokens minted before this sequence number are expired → 410 fullSyncRequired. */
  syncFloor: number;
  timeZone: string;
  channels: Map<string, CalendarChannel>;
}

export interface GoogleMailbox {
  address: string;
  displayName: string;
  password?: string;
  /** Refresh tokens issued before this instant die (Gmail-scoped grants, per Google's docs). */
  passwordChangedAt?: number;
  /** Stable numeric Google account id (`sub`). */
  sub: string;
  gmail: GmailState;
  calendar: CalendarState;
}

/** Deterministic ids from the simulator seed. */
export class IdSource {
  private rnd: Random;
  private counter = 0;
  constructor(seed: number) {
    this.rnd = seededRandom(seed);
  }
  next(): number {
    return ++this.counter;
  }
  /** Gmail-style message/thread id: 16 hex digits, increasing with time and creation order. */
  gmailId(nowMs: number): string {
    const n = (BigInt(nowMs) << 20n) | BigInt(this.next() & 0xfffff);
    return n.toString(16).padStart(16, '0').slice(-16);
  }
  /** Random string over an alphabet (Calendar ids use base32hex: a–v and 0–9). */
  string(length: number, alphabet = '0123456789abcdefghijklmnopqrstuv'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.rnd() * alphabet.length)];
    return out;
  }
}

export interface SimWorld {
  clock: Clock;
  ids: IdSource;
  mailboxes: Map<string, GoogleMailbox>;
}

export const systemLabelIds = [
  'INBOX',
  'SENT',
  'DRAFT',
  'SPAM',
  'TRASH',
  'UNREAD',
  'STARRED',
  'IMPORTANT',
  'CHAT',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
] as const;

export function newMailbox(world: SimWorld, input: { address: string; displayName?: string; password?: string }): GoogleMailbox {
  const address = input.address.toLowerCase();
  const labels = new Map<string, StoredLabel>();
  for (const id of systemLabelIds) labels.set(id, { id, name: id, type: 'system' });
  // Numeric account id, stable for the address so ids repeat run to run.
  let h = 0n;
  for (const ch of address) h = (h * 131n + BigInt(ch.charCodeAt(0))) % 10n ** 20n;
  const historyStart = 100_000 + world.ids.next();
  return {
    address,
    displayName: input.displayName ?? address.split('@')[0] ?? address,
    password: input.password,
    sub: (100000000000000000000n + h).toString(),
    gmail: {
      labels,
      messages: new Map(),
      history: [],
      historyId: historyStart,
      historyFloor: historyStart,
      nextLabelNumber: 1,
    },
    calendar: { events: new Map(), seq: 1, syncFloor: 0, timeZone: 'UTC', channels: new Map() },
  };
}

export function findMailbox(world: SimWorld, address: string): GoogleMailbox {
  const mb = world.mailboxes.get(address.toLowerCase());
  if (!mb) throw new Error(`No simulated Google mailbox ${address}`);
  return mb;
}
