/** users.messages.*: list, get, modify, batchModify, batchDelete, delete, send, insert, import, attachments. */
import type { gmail_v1 } from '@googleapis/gmail';
import type { Clock } from '../../src/domain/clock';
import { withoutBcc } from '../common/delivered-copy';
import type { GmailStore } from './gmail-store';
import { compareNewestFirst, messageResource, parseFormat, queryMatcher, sortedLabels } from './gmail-views';
import {
  badRequest,
  boolParam,
  decodeToken,
  encodeToken,
  headerParam,
  intParam,
  isRecord,
  json,
  noContent,
  notFound,
  optionalString,
  optionalStringArray,
  parseHeaderLines,
  readJsonObject,
  splitHeadersAndBody,
  splitMultipart,
  type SimRequest,
  type SimResponse,
} from './http-kit';
import { findAttachment, parseMessage } from './mime';
import { pathPattern, type ApiRoute, type AuthedContext } from './router';
import type { GoogleMailbox, IdSource, SimWorld, StoredMessage } from './state';

const base = '/gmail/v1/users/:userId/messages';
const upload = '/upload/gmail/v1/users/:userId/messages';

/** The raw message and JSON metadata of a send/insert/import, from a JSON body or an upload. */
function readRawRequest(req: SimRequest, isUpload: boolean): { raw: Buffer; meta: Record<string, unknown> } {
  if (!isUpload) {
    const meta = readJsonObject(req);
    const raw = optionalString(meta, 'raw');
    if (!raw) throw badRequest("'raw' RFC822 payload message string or uploading message via /upload/* URL required", 'invalidArgument');
    return { raw: decodeRaw(raw), meta };
  }
  const uploadType = req.query.get('uploadType') ?? 'media';
  if (uploadType === 'media') return { raw: req.body, meta: {} };
  if (uploadType === 'multipart') {
    const boundary = headerParam(req.headers['content-type'] ?? '', 'boundary');
    if (!boundary) throw badRequest('Missing multipart boundary.', 'badContent');
    const parts = splitMultipart(req.body, boundary).map(splitHeadersAndBody);
    const [first, second] = parts;
    if (!first || !second) throw badRequest('Multipart upload needs a metadata part and a media part.', 'badContent');
    let meta: unknown;
    try {
      meta = JSON.parse(first.body.toString('utf8') || '{}');
    } catch {
      throw badRequest('Invalid JSON payload received.', 'parseError');
    }
    return { raw: second.body, meta: isRecord(meta) ? meta : {} };
  }
  throw badRequest(`Upload type ${uploadType} is not supported by the simulator.`, 'badRequest', 'uploadType');
}

function decodeRaw(raw: string): Buffer {
  if (!/^[A-Za-z0-9_\-+/=\s]*$/.test(raw)) throw badRequest("Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed", 'invalidArgument');
  const bytes = Buffer.from(raw.replace(/\s/g, ''), raw.includes('+') || raw.includes('/') ? 'base64' : 'base64url');
  if (bytes.length === 0) throw badRequest("Invalid value at 'message.raw'", 'invalidArgument');
  return bytes;
}

function internalDateFor(msgDate: string, source: string | null, fallbackDefault: 'receivedTime' | 'dateHeader', now: number): number {
  const which = source ?? fallbackDefault;
  if (which === 'dateHeader') {
    const t = Date.parse(msgDate);
    if (Number.isFinite(t)) return t;
  }
  return now;
}

/** Gmail fills Message-ID, Date and From on a sent message that lacks them; ours is kept as given. */
function completeOutgoing(raw: Buffer, mb: GoogleMailbox, ids: IdSource, now: Date): Buffer {
  const { headerText } = splitHeadersAndBody(raw);
  const names = new Set(parseHeaderLines(headerText).map((h) => h.name.toLowerCase()));
  const extra: string[] = [];
  if (!names.has('message-id')) extra.push(`Message-ID: <CA${ids.string(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}@mail.gmail.com>`);
  if (!names.has('date')) extra.push(`Date: ${now.toUTCString().replace('GMT', '+0000')}`);
  if (!names.has('from')) extra.push(`From: ${mb.displayName} <${mb.address}>`);
  return extra.length === 0 ? raw : Buffer.concat([Buffer.from(extra.join('\r\n') + '\r\n'), raw]);
}

export class GmailMessageRoutes {
  constructor(
    private readonly world: SimWorld,
    private readonly store: GmailStore,
    private readonly clock: Clock,
  ) {}

  routes(): ApiRoute[] {
    const r = (method: string, path: string, operation: string, handle: (ctx: AuthedContext) => SimResponse): ApiRoute => ({
      method,
      pattern: pathPattern(path),
      operation,
      auth: 'bearer',
      api: 'gmail',
      handle,
    });
    return [
      r('GET', base, 'messages.list', (c) => this.list(c)),
      r('POST', `${base}/batchModify`, 'messages.batchModify', (c) => this.batchModify(c)),
      r('POST', `${base}/batchDelete`, 'messages.batchDelete', (c) => this.batchDelete(c)),
      r('POST', `${base}/send`, 'messages.send', (c) => this.send(c, false)),
      r('POST', `${upload}/send`, 'messages.send', (c) => this.send(c, true)),
      r('POST', `${base}/import`, 'messages.import', (c) => this.add(c, false, 'dateHeader')),
      r('POST', `${upload}/import`, 'messages.import', (c) => this.add(c, true, 'dateHeader')),
      r('POST', base, 'messages.insert', (c) => this.add(c, false, 'receivedTime')),
      r('POST', upload, 'messages.insert', (c) => this.add(c, true, 'receivedTime')),
      r('GET', `${base}/:messageId/attachments/:id`, 'messages.attachments.get', (c) => this.attachment(c)),
      r('GET', `${base}/:id`, 'messages.get', (c) => this.get(c)),
      r('POST', `${base}/:id/modify`, 'messages.modify', (c) => this.modify(c)),
      r('DELETE', `${base}/:id`, 'messages.delete', (c) => {
        this.store.deleteMessage(c.mailbox, c.params.id ?? '');
        return noContent();
      }),
    ];
  }

  private list({ req, mailbox }: AuthedContext): SimResponse {
    const q = req.query;
    const maxResults = intParam(q, 'maxResults', 100, 1, 500);
    const labelIds = q.getAll('labelIds');
    const includeSpamTrash = boolParam(q, 'includeSpamTrash') || labelIds.includes('SPAM') || labelIds.includes('TRASH');
    const matches = queryMatcher(q.get('q') ?? '', (name) => this.store.findLabel(mailbox, name));
    const after = q.get('pageToken') ? decodeToken(q.get('pageToken') ?? '', 'pageToken') : undefined;
    const afterDate = typeof after?.d === 'number' ? after.d : undefined;
    const afterId = typeof after?.i === 'string' ? after.i : undefined;
    const all = [...mailbox.gmail.messages.values()]
      .filter((m) => labelIds.every((l) => m.labelIds.has(l)))
      .filter((m) => includeSpamTrash || (!m.labelIds.has('SPAM') && !m.labelIds.has('TRASH')))
      .filter(matches)
      .sort(compareNewestFirst);
    // Keyset paging: a page token names the last message shown, so moves between pages skip nothing.
    const start = afterDate === undefined ? 0 : all.findIndex((m) => m.internalDate < afterDate || (m.internalDate === afterDate && m.id < (afterId ?? '')));
    const rest = start === -1 ? [] : all.slice(start);
    const page = rest.slice(0, maxResults);
    const last = page[page.length - 1];
    const body: gmail_v1.Schema$ListMessagesResponse = { resultSizeEstimate: all.length };
    if (page.length > 0) body.messages = page.map((m) => ({ id: m.id, threadId: m.threadId }));
    if (rest.length > maxResults && last) body.nextPageToken = encodeToken({ d: last.internalDate, i: last.id });
    return json(body);
  }

  private get({ req, mailbox, params }: AuthedContext): SimResponse {
    const msg = this.store.message(mailbox, params.id ?? '');
    return json(messageResource(msg, parseFormat(req.query.get('format')), req.query.getAll('metadataHeaders')));
  }

  private attachment({ mailbox, params }: AuthedContext): SimResponse {
    const msg = this.store.message(mailbox, params.messageId ?? '');
    const data = findAttachment(msg.raw, msg.id, params.id ?? '');
    if (!data) throw notFound('Invalid attachment token');
    return json({ attachmentId: params.id, size: data.length, data: data.toString('base64url') });
  }

  private modify({ req, mailbox, params }: AuthedContext): SimResponse {
    const body = readJsonObject(req);
    const msg = this.store.message(mailbox, params.id ?? '');
    this.store.modify(mailbox, msg, optionalStringArray(body, 'addLabelIds'), optionalStringArray(body, 'removeLabelIds'));
    return json({ id: msg.id, threadId: msg.threadId, labelIds: sortedLabels(msg) });
  }

  private idsOf(body: Record<string, unknown>): string[] {
    const ids = optionalStringArray(body, 'ids');
    if (ids.length === 0) throw badRequest('ids must be specified', 'invalidArgument');
    // messages.batchModify / batchDelete accept at most 1000 ids per request.
    if (ids.length > 1000) throw badRequest('Too many ids: at most 1000 per request', 'invalidArgument');
    return ids;
  }

  private batchModify({ req, mailbox }: AuthedContext): SimResponse {
    const body = readJsonObject(req);
    const ids = this.idsOf(body);
    const add = optionalStringArray(body, 'addLabelIds');
    const remove = optionalStringArray(body, 'removeLabelIds');
    this.store.checkLabelIds(mailbox, [...add, ...remove]);
    // Ids of messages that no longer exist are skipped rather than failing the whole call.
    for (const id of ids) {
      const msg = mailbox.gmail.messages.get(id);
      if (msg) this.store.modify(mailbox, msg, add, remove);
    }
    return noContent();
  }

  private batchDelete({ req, mailbox }: AuthedContext): SimResponse {
    for (const id of this.idsOf(readJsonObject(req))) if (mailbox.gmail.messages.has(id)) this.store.deleteMessage(mailbox, id);
    return noContent();
  }

  private send({ req, mailbox }: AuthedContext, isUpload: boolean): SimResponse {
    const { raw: given, meta } = readRawRequest(req, isUpload);
    if (parseMessage(given).recipients.length === 0) throw badRequest('Recipient address required', 'invalidArgument');
    const raw = completeOutgoing(given, mailbox, this.world.ids, this.clock.now());
    const parsed = parseMessage(raw);
    const toSelf = parsed.recipients.includes(mailbox.address);
    const msg = this.store.addMessage(mailbox, raw, { labelIds: toSelf ? ['SENT', 'INBOX', 'UNREAD'] : ['SENT'], threadId: optionalString(meta, 'threadId') });
    // Mail between simulated mailboxes is delivered, so demos can show both ends; the delivered copy
    // has no Bcc field (the Sent copy keeps it).
    const delivered = withoutBcc(raw);
    for (const rcpt of new Set(parsed.recipients)) {
      const other = this.world.mailboxes.get(rcpt);
      if (other && other !== mailbox) this.store.addMessage(other, delivered, { labelIds: ['INBOX', 'UNREAD'] });
    }
    return json({ id: msg.id, threadId: msg.threadId, labelIds: sortedLabels(msg) });
  }

  private add({ req, mailbox }: AuthedContext, isUpload: boolean, defaultDateSource: 'receivedTime' | 'dateHeader'): SimResponse {
    const { raw, meta } = readRawRequest(req, isUpload);
    const labelIds = optionalStringArray(meta, 'labelIds');
    const parsed = parseMessage(raw);
    const msg: StoredMessage = this.store.addMessage(mailbox, raw, {
      labelIds,
      threadId: optionalString(meta, 'threadId'),
      internalDate: internalDateFor(parsed.date, req.query.get('internalDateSource'), defaultDateSource, this.clock.now().getTime()),
    });
    return json({ id: msg.id, threadId: msg.threadId, labelIds: sortedLabels(msg) });
  }
}
