/**
 * Listing the capture folder with FindItem. EWS pages by offset (IndexedPageItemView), but the capture
 * pipeline moves each page to Processed before asking for the next one, so an offset would skip as
 * many messages as were moved. The page token is therefore a key instead: the DateTimeReceived of the
 * last message returned and the ids returned at that instant. The next page restricts to
 * DateTimeReceived >= that instant (oldest first) and leaves out those ids — moved or not, nothing
 * is skipped or repeated. Messages dragged in keep their original DateTimeReceived, so ties are rare.
 */
import { ProviderError } from '../errors';
import type { CapturedRef, CapturePage } from '../provider';
import type { EwsClient } from './ews-client';
import { child, el, path, textOf } from './ews-xml';
import { constantRestriction, fieldUri, itemShape } from './ews-requests';

/** Exchange's default EWSFindCountLimit: a FindItem page holds at most 1000 entries. */
const FIND_COUNT_LIMIT = 1000;

interface PageKey {
  /** DateTimeReceived of the last message returned (as EWS wrote it). */
  t: string;
  /** Ids already returned with exactly that DateTimeReceived. */
  s: string[];
}

export function encodePageKey(key: PageKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodePageKey(token: string): PageKey {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null) {
      const { t, s } = v as { t?: unknown; s?: unknown };
      if (typeof t === 'string' && Array.isArray(s) && s.every((x) => typeof x === 'string')) return { t, s };
    }
  } catch {
    // fall through
  }
  throw new ProviderError('invalid_input', 'Not a capture page token of this provider', { code: 'bad_page_token' });
}

export async function listCaptured(ews: EwsClient, folderId: string, page: { pageToken?: string; pageSize: number }): Promise<CapturePage> {
  const key = page.pageToken ? decodePageKey(page.pageToken) : undefined;
  const skip = new Set(key?.s ?? []);
  const pageSize = Math.max(1, Math.min(page.pageSize, FIND_COUNT_LIMIT - skip.size));
  const body = el(
    'm:FindItem',
    { Traversal: 'Shallow' },
    itemShape('IdOnly', [fieldUri('message:InternetMessageId'), fieldUri('item:DateTimeReceived')]),
    el('m:IndexedPageItemView', { MaxEntriesReturned: pageSize + skip.size, Offset: 0, BasePoint: 'Beginning' }),
    key && el('m:Restriction', null, constantRestriction('IsGreaterThanOrEqualTo', fieldUri('item:DateTimeReceived'), key.t)),
    el('m:SortOrder', null, el('t:FieldOrder', { Order: 'Ascending' }, fieldUri('item:DateTimeReceived'))),
    el('m:ParentFolderIds', null, el('t:FolderId', { Id: folderId })),
  );
  const root = path(await ews.callOne('FindItem', body), 'RootFolder');
  const listed: (CapturedRef & { receivedAt: string })[] = [];
  for (const item of child(root, 'Items')?.children ?? []) {
    const id = child(item, 'ItemId')?.attrs.Id;
    if (!id || skip.has(id)) continue;
    const messageId = textOf(item, 'InternetMessageId');
    listed.push({ id, receivedAt: textOf(item, 'DateTimeReceived') ?? '', ...(messageId ? { messageId } : {}) });
  }
  const page0 = listed.slice(0, pageSize);
  const refs = page0.map((r): CapturedRef => (r.receivedAt ? r : { id: r.id, ...(r.messageId ? { messageId: r.messageId } : {}) }));
  const more = listed.length > page0.length || root?.attrs.IncludesLastItemInRange === 'false';
  const last = page0[page0.length - 1];
  // Without a received time there is no key to continue from; the rest waits for the next run.
  if (!more || !last?.receivedAt) return { refs };
  const sameInstant = page0.filter((r) => r.receivedAt === last.receivedAt).map((r) => r.id);
  const carried = key?.t === last.receivedAt ? key.s : [];
  return { refs, nextPageToken: encodePageKey({ t: last.receivedAt, s: [...carried, ...sameInstant] }) };
}

