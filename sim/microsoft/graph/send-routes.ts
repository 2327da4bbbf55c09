/**
 * Creating and sending mail: drafts (JSON or base64 MIME), messages created in a folder, sendMail
 * (JSON or base64 MIME, user-sendmail docs) and draft send. Sent mail lands in Sent Items with the
 * caller's Message-ID, and is delivered to recipients who are mailboxes of this simulator.
 */
import type { Recipient } from '@microsoft/microsoft-graph-types';
import { GraphError, badRequest, parseJsonObject } from '../http';
import type { SimMailbox, SimMessage, SimMessageHeader } from '../types';
import type { GraphContext, GraphResult, GraphRoute } from './context';
import { folderFor, messageFor, messageJson } from './mail-routes';
import { composeMime, decodeBase64Mime } from './mime';

function isMimeRequest(ctx: GraphContext): boolean {
  return (ctx.headers['content-type'] ?? '').toLowerCase().startsWith('text/plain');
}

function recipientList(value: unknown, field: string): Recipient[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`${field} must be a collection.`, 'ErrorInvalidParameter');
  return value.map((r: unknown) => {
    const address = typeof r === 'object' && r !== null && 'emailAddress' in r ? (r as Recipient).emailAddress?.address : undefined;
    if (typeof address !== 'string' || !address.includes('@')) throw badRequest('At least one recipient is not valid.', 'ErrorInvalidRecipients');
    return r as Recipient;
  });
}

function customHeaders(value: unknown): SimMessageHeader[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('internetMessageHeaders must be a collection.', 'ErrorInvalidParameter');
  return value.map((h: unknown) => {
    const name = typeof h === 'object' && h !== null && 'name' in h ? String((h as { name: unknown }).name) : '';
    const val = typeof h === 'object' && h !== null && 'value' in h ? String((h as { value: unknown }).value) : '';
    // Only x- headers may be supplied (message resource docs): anything else is 400 InvalidInternetMessageHeader.
    if (!/^x-/i.test(name)) {
      throw new GraphError(400, 'InvalidInternetMessageHeader', `The internet message header name '${name}' should start with 'x-' or 'X-'.`);
    }
    return { name, value: val };
  });
}

/** Turns a JSON message into MIME (what Exchange stores), keeping a supplied internetMessageId. */
async function mimeFromJson(ctx: GraphContext, json: Record<string, unknown>): Promise<Uint8Array> {
  const body = json.body as { contentType?: string; content?: string } | undefined;
  const domain = ctx.mailbox.address.split('@')[1] ?? 'sim';
  const imid = typeof json.internetMessageId === 'string' && json.internetMessageId ? json.internetMessageId : `<${ctx.state.ids.chars(24)}@${domain}>`;
  return composeMime({
    from: { name: ctx.mailbox.displayName, address: ctx.mailbox.address },
    subject: typeof json.subject === 'string' ? json.subject : '',
    body: { contentType: body?.contentType?.toLowerCase() === 'html' ? 'html' : 'text', content: body?.content ?? '' },
    to: recipientList(json.toRecipients, 'toRecipients'),
    cc: recipientList(json.ccRecipients, 'ccRecipients'),
    bcc: recipientList(json.bccRecipients, 'bccRecipients'),
    replyTo: recipientList(json.replyTo, 'replyTo'),
    internetMessageId: imid,
    headers: customHeaders(json.internetMessageHeaders),
    date: ctx.state.clock.now(),
  });
}

async function rawFromRequest(ctx: GraphContext, unwrap?: (json: Record<string, unknown>) => Record<string, unknown>): Promise<Uint8Array> {
  if (isMimeRequest(ctx)) return decodeBase64Mime(ctx.body);
  const json = parseJsonObject(ctx.body);
  return mimeFromJson(ctx, unwrap ? unwrap(json) : json);
}

/** Delivers a copy to every recipient that is a mailbox of this simulator (Inbox, unread). */
async function deliverInternally(ctx: GraphContext, sent: SimMessage): Promise<void> {
  const targets = new Set([...sent.to, ...sent.cc, ...sent.bcc].map((a) => (a.address ?? '').toLowerCase()));
  for (const address of targets) {
    const box = ctx.state.mailboxes.get(address);
    if (!box || box === ctx.mailbox) continue;
    await ctx.state.insertMessage(box, ctx.state.wellKnown(box, 'inbox').id, sent.raw);
  }
}

async function sendMail(ctx: GraphContext): Promise<GraphResult> {
  let save = true;
  const raw = await rawFromRequest(ctx, (json) => {
    if (typeof json.message !== 'object' || json.message === null) throw badRequest('Empty Payload. JSON content expected.', 'ErrorInvalidParameter');
    if (json.saveToSentItems === false) save = false;
    return json.message as Record<string, unknown>;
  });
  const sentItems = ctx.state.wellKnown(ctx.mailbox, 'sentitems').id;
  const copy = await ctx.state.insertMessage(ctx.mailbox, sentItems, raw, { isRead: true });
  if (copy.to.length + copy.cc.length + copy.bcc.length === 0) {
    ctx.state.deleteMessage(ctx.mailbox, copy);
    throw badRequest('At least one recipient is not valid., Recipient is missing.', 'ErrorInvalidRecipients');
  }
  copy.sentDateTime = ctx.state.nowIso();
  await deliverInternally(ctx, copy);
  if (!save) ctx.state.deleteMessage(ctx.mailbox, copy);
  return { status: 202 };
}

async function createIn(ctx: GraphContext, mailbox: SimMailbox, folderId: string): Promise<GraphResult> {
  const raw = await rawFromRequest(ctx);
  // Messages created through the API are drafts, whatever folder they are created in.
  const m = await ctx.state.insertMessage(mailbox, folderId, raw, { isDraft: true, isRead: true });
  return { status: 201, json: messageJson(ctx, m) };
}

async function sendDraft(ctx: GraphContext): Promise<GraphResult> {
  const m = messageFor(ctx, ctx.params.id ?? '');
  if (!m.isDraft) throw badRequest('Only a draft can be sent.', 'ErrorInvalidRequest');
  if (m.to.length + m.cc.length + m.bcc.length === 0) throw badRequest('At least one recipient is not valid., Recipient is missing.', 'ErrorInvalidRecipients');
  m.isDraft = false;
  m.sentDateTime = ctx.state.nowIso();
  ctx.state.moveMessage(ctx.mailbox, m, ctx.state.wellKnown(ctx.mailbox, 'sentitems').id);
  await deliverInternally(ctx, m);
  return { status: 202 };
}

export const sendRoutes: GraphRoute[] = [
  { method: 'POST', pattern: '/me/sendMail', op: 'sendMail', handle: sendMail },
  { method: 'POST', pattern: '/me/messages', op: 'messages.create', handle: (ctx) => createIn(ctx, ctx.mailbox, ctx.state.wellKnown(ctx.mailbox, 'drafts').id) },
  { method: 'POST', pattern: '/me/mailFolders/:fid/messages', op: 'messages.create', handle: (ctx) => createIn(ctx, ctx.mailbox, folderFor(ctx, ctx.params.fid ?? '').id) },
  { method: 'POST', pattern: '/me/messages/:id/send', op: 'send', handle: sendDraft },
];
