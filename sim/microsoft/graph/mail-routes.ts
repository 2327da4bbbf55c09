/** Folders and messages: list, get, $value, move, patch, delete. */
import { GraphError, badRequest, malformedId, notFound, parseJsonObject } from '../http';
import { isWellFormedGraphId } from '../ids';
import type { SimFolder, SimMailbox, SimMessage } from '../types';
import type { SimState } from '../state';
import type { GraphContext, GraphResult, GraphRoute } from './context';
import { toGraphFolder, toGraphMessage } from './message-view';
import { pageOf, parseEqFilter, selectFields } from './odata';

export function folderFor(ctx: GraphContext, idOrName: string): SimFolder {
  const f = ctx.state.findFolder(ctx.mailbox, idOrName);
  if (f) return f;
  // Well-known names are words; anything that is neither one nor a well-formed id is malformed.
  if (/^[a-z]+$/i.test(idOrName) || isWellFormedGraphId(idOrName)) throw notFound();
  throw malformedId();
}

export function messageFor(ctx: GraphContext, id: string): SimMessage {
  if (!isWellFormedGraphId(id)) throw malformedId();
  const m = ctx.state.findMessage(ctx.mailbox, id);
  if (!m) throw notFound();
  return m;
}

function wantsHeaders(ctx: GraphContext): boolean {
  const select = ctx.query.get('$select');
  return !!select && select.toLowerCase().split(',').map((s) => s.trim()).includes('internetmessageheaders');
}

export function messageJson(ctx: GraphContext, m: SimMessage): unknown {
  return selectFields(toGraphMessage(m, ctx.prefer.immutableId, wantsHeaders(ctx)), ctx.query.get('$select'));
}

function childrenOf(state: SimState, mailbox: SimMailbox, parentId: string): SimFolder[] {
  return [...mailbox.folders.values()].filter((f) => f.parentFolderId === parentId);
}

function listFolders(ctx: GraphContext, parentId: string): GraphResult {
  let folders = childrenOf(ctx.state, ctx.mailbox, parentId);
  // Hidden folders are only listed with includeHiddenFolders=true (mailFolder docs).
  if (ctx.query.get('includeHiddenFolders') !== 'true') folders = folders.filter((f) => !f.isHidden);
  const filter = parseEqFilter(ctx.query.get('$filter'));
  if (filter) {
    if (filter.property !== 'displayname') throw badRequest(`Filtering on ${filter.property} is not supported.`);
    folders = folders.filter((f) => f.displayName.toLowerCase() === filter.value.toLowerCase());
  }
  const json = folders.map((f) => selectFields(toGraphFolder(ctx.state, ctx.mailbox, f), ctx.query.get('$select'), ['id']));
  return { status: 200, json: pageOf(json, ctx.query, `${ctx.baseUrl}${ctx.path}`) };
}

function createFolder(ctx: GraphContext, parentId: string): GraphResult {
  const body = parseJsonObject(ctx.body);
  const displayName = body.displayName;
  if (typeof displayName !== 'string' || !displayName.trim()) throw badRequest('displayName is required.', 'ErrorInvalidParameter');
  const clash = childrenOf(ctx.state, ctx.mailbox, parentId).some((f) => f.displayName.toLowerCase() === displayName.toLowerCase());
  if (clash) throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  const folder = ctx.state.createFolder(ctx.mailbox, parentId, displayName, body.isHidden === true);
  return { status: 201, json: toGraphFolder(ctx.state, ctx.mailbox, folder) };
}

function listMessages(ctx: GraphContext, folderId: string | undefined): GraphResult {
  let list = [...ctx.mailbox.messages.values()];
  if (folderId) list = list.filter((m) => m.folderId === folderId);
  const filter = parseEqFilter(ctx.query.get('$filter'));
  if (filter) {
    if (filter.property !== 'internetmessageid') throw badRequest(`Filtering on ${filter.property} is not supported.`);
    list = list.filter((m) => m.internetMessageId === filter.value);
  }
  // Default order is newest first; `$orderby=receivedDateTime asc` is the one alternative we honour.
  const asc = /receivedDateTime\s+asc/i.test(ctx.query.get('$orderby') ?? '');
  list.sort((a, b) => {
    const d = a.receivedDateTime.localeCompare(b.receivedDateTime) || a.seq - b.seq;
    return asc ? d : -d;
  });
  return { status: 200, json: pageOf(list.map((m) => messageJson(ctx, m)), ctx.query, `${ctx.baseUrl}${ctx.path}`) };
}

function move(ctx: GraphContext): GraphResult {
  const m = messageFor(ctx, ctx.params.id ?? '');
  const body = parseJsonObject(ctx.body);
  if (typeof body.destinationId !== 'string') throw badRequest('destinationId is required.', 'ErrorInvalidParameter');
  const dest = folderFor(ctx, body.destinationId);
  ctx.state.moveMessage(ctx.mailbox, m, dest.id);
  return { status: 201, json: messageJson(ctx, m) };
}

function patchMessage(ctx: GraphContext): GraphResult {
  const m = messageFor(ctx, ctx.params.id ?? '');
  const body = parseJsonObject(ctx.body);
  if (typeof body.isRead === 'boolean') m.isRead = body.isRead;
  if (typeof body.subject === 'string' && m.isDraft) m.subject = body.subject;
  ctx.state.touch(m);
  ctx.state.emit({ mailbox: ctx.mailbox, kind: 'message', changeType: 'updated', id: m.immutableId, folderId: m.folderId, restId: m.restId });
  return { status: 200, json: messageJson(ctx, m) };
}

export const mailRoutes: GraphRoute[] = [
  { method: 'GET', pattern: '/me/mailFolders', op: 'mailFolders.list', handle: (ctx) => listFolders(ctx, ctx.mailbox.rootFolderId) },
  { method: 'POST', pattern: '/me/mailFolders', op: 'mailFolders.create', handle: (ctx) => createFolder(ctx, ctx.mailbox.rootFolderId) },
  {
    method: 'GET',
    pattern: '/me/mailFolders/:fid',
    op: 'mailFolders.get',
    handle: (ctx) => ({ status: 200, json: toGraphFolder(ctx.state, ctx.mailbox, folderFor(ctx, ctx.params.fid ?? '')) }),
  },
  { method: 'GET', pattern: '/me/mailFolders/:fid/childFolders', op: 'mailFolders.children', handle: (ctx) => listFolders(ctx, folderFor(ctx, ctx.params.fid ?? '').id) },
  { method: 'POST', pattern: '/me/mailFolders/:fid/childFolders', op: 'mailFolders.create', handle: (ctx) => createFolder(ctx, folderFor(ctx, ctx.params.fid ?? '').id) },
  { method: 'GET', pattern: '/me/mailFolders/:fid/messages', op: 'messages.list', handle: (ctx) => listMessages(ctx, folderFor(ctx, ctx.params.fid ?? '').id) },
  { method: 'GET', pattern: '/me/messages', op: 'messages.list', handle: (ctx) => listMessages(ctx, undefined) },
  { method: 'GET', pattern: '/me/messages/:id', op: 'messages.get', handle: (ctx) => ({ status: 200, json: messageJson(ctx, messageFor(ctx, ctx.params.id ?? '')) }) },
  {
    method: 'GET',
    pattern: '/me/messages/:id/$value',
    op: 'message.value',
    handle: (ctx) => ({ status: 200, raw: { contentType: 'text/plain', body: messageFor(ctx, ctx.params.id ?? '').raw } }),
  },
  {
    method: 'GET',
    pattern: '/me/mailFolders/:fid/messages/:id/$value',
    op: 'message.value',
    handle: (ctx) => ({ status: 200, raw: { contentType: 'text/plain', body: messageFor(ctx, ctx.params.id ?? '').raw } }),
  },
  { method: 'POST', pattern: '/me/messages/:id/move', op: 'move', handle: move },
  { method: 'PATCH', pattern: '/me/messages/:id', op: 'messages.update', handle: patchMessage },
  {
    method: 'DELETE',
    pattern: '/me/messages/:id',
    op: 'messages.delete',
    handle: (ctx) => {
      ctx.state.deleteMessage(ctx.mailbox, messageFor(ctx, ctx.params.id ?? ''));
      return { status: 204 };
    },
  },
];
