/**
 * The simulators' webmail: plain server-rendered HTML over a WebmailSource, so a person (or a
 * browser test) can look into a simulated mailbox, move a message into the capture folder and see
 * what Tandem sent or put in the calendar. Framework-free: `handleWebmail` takes a neutral request
 * and returns a neutral response; `serveWebmail` adapts it to node:http.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { anchor, contentSecurityPolicy, esc, link, mark, page, table } from './webmail-html';
import type { WebmailFolder, WebmailMessage, WebmailSource } from './webmail-source';

export type ParamBag = URLSearchParams | Record<string, unknown> | string | Uint8Array | undefined;

export interface WebmailRequest {
  method: string;
  /** Path without query, e.g. /webmail/message. */
  path: string;
  query?: ParamBag;
  /** Form body: urlencoded text/bytes, or an object a framework already parsed. */
  body?: ParamBag;
}

export interface WebmailResponse {
  status: number;
  contentType: string;
  body: string | Uint8Array;
  headers: Record<string, string>;
}

export interface WebmailOptions {
  /** Where the page is mounted (default /webmail). */
  basePath?: string;
}

function params(bag: ParamBag): URLSearchParams {
  if (bag === undefined) return new URLSearchParams();
  if (bag instanceof URLSearchParams) return bag;
  if (typeof bag === 'string') return new URLSearchParams(bag);
  if (bag instanceof Uint8Array) return new URLSearchParams(Buffer.from(bag).toString('utf8'));
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(bag)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out.set(k, first);
  }
  return out;
}

const SENT_NAMES = /^(sent|sent items|sent mail|sentitems)$/i;
const INBOX_NAMES = /^inbox$/i;

function html(status: number, body: string): WebmailResponse {
  return { status, contentType: 'text/html; charset=utf-8', body, headers: { 'Content-Security-Policy': contentSecurityPolicy, 'X-Content-Type-Options': 'nosniff' } };
}

interface Ctx {
  source: WebmailSource;
  base: string;
}

function errorPage(ctx: Ctx, status: number, message: string): WebmailResponse {
  return html(status, page('Error', ctx.source.title, `<main><h1>${status === 404 ? 'Not found' : 'Cannot do that'}</h1><p>${esc(message)}</p><p>${anchor(link(ctx.base, ''), 'Back to the mailboxes')}</p></main>`, link(ctx.base, '')));
}

function knownMailbox(ctx: Ctx, mailbox: string | null): string | undefined {
  if (!mailbox) return undefined;
  return ctx.source.mailboxes().find((m) => m.toLowerCase() === mailbox.toLowerCase());
}

function findMessage(ctx: Ctx, mailbox: string, id: string): { folder: WebmailFolder; message: WebmailMessage } | undefined {
  for (const folder of ctx.source.folders(mailbox)) {
    const message = ctx.source.messages(mailbox, folder.id).find((m) => m.id === id);
    if (message) return { folder, message };
  }
  return undefined;
}

function mailboxPicker(ctx: Ctx, current?: string): string {
  const options = ctx.source
    .mailboxes()
    .map((m) => `<option value="${esc(m)}"${m === current ? ' selected' : ''}>${esc(m)}</option>`)
    .join('');
  return `<form method="get" action="${esc(link(ctx.base, 'mailbox'))}"><label for="mailbox-picker">Mailbox</label> <select id="mailbox-picker" name="m">${options}</select> <button type="submit">Open</button></form>`;
}

/** Left-hand navigation: folders with counts, the Sent folder called out, and the calendar. */
function sidebar(ctx: Ctx, mailbox: string, currentFolder?: string, onCalendar = false): string {
  const folders = ctx.source.folders(mailbox);
  const items = folders.map((f) => {
    const current = f.id === currentFolder ? ' aria-current="page"' : '';
    return `<li>${anchor(link(ctx.base, 'mailbox', { m: mailbox, f: f.id }), `${f.name} (${f.count})`, current)}</li>`;
  });
  const sent = folders.find((f) => SENT_NAMES.test(f.name) || SENT_NAMES.test(f.id));
  const calendarCurrent = onCalendar ? ' aria-current="page"' : '';
  return [
    '<nav aria-label="Folders">',
    `<h2>${esc(mailbox)}</h2>`,
    `<ul>${items.join('')}</ul>`,
    sent ? `<p>${anchor(link(ctx.base, 'mailbox', { m: mailbox, f: sent.id }), 'Sent mail')}</p>` : '',
    `<p>${anchor(link(ctx.base, 'calendar', { m: mailbox }), 'Calendar', calendarCurrent)}</p>`,
    '</nav>',
  ].join('\n');
}

function shell(ctx: Ctx, title: string, mailbox: string, main: string, folder?: string, onCalendar = false): WebmailResponse {
  const body = `<div class="layout">${sidebar(ctx, mailbox, folder, onCalendar)}<main>${mailboxPicker(ctx, mailbox)}${main}</main></div>`;
  return html(200, page(title, ctx.source.title, body, link(ctx.base, '')));
}

function indexPage(ctx: Ctx): WebmailResponse {
  const items = ctx.source.mailboxes().map((m) => `<li>${anchor(link(ctx.base, 'mailbox', { m }), m)}</li>`);
  const main = `<main><h1>${esc(ctx.source.title)}</h1><h2>Mailboxes</h2>${items.length ? `<ul>${items.join('')}</ul>` : '<p>No mailboxes yet.</p>'}</main>`;
  return html(200, page('Mailboxes', ctx.source.title, main, link(ctx.base, '')));
}

function mailboxPage(ctx: Ctx, q: URLSearchParams): WebmailResponse {
  const mailbox = knownMailbox(ctx, q.get('m'));
  if (!mailbox) return errorPage(ctx, 404, 'No such mailbox.');
  const folders = ctx.source.folders(mailbox);
  const folder = folders.find((f) => f.id === q.get('f')) ?? folders.find((f) => INBOX_NAMES.test(f.name)) ?? folders[0];
  if (!folder) return shell(ctx, mailbox, mailbox, '<h1>No folders</h1>');
  const rows = ctx.source.messages(mailbox, folder.id).map((m) => [
    esc(m.from),
    anchor(link(ctx.base, 'message', { m: mailbox, id: m.id }), m.subject || '(no subject)'),
    esc(m.date),
    esc(m.to),
  ]);
  const notice = q.get('moved') ? `<p role="status">Moved the message to ${esc(folder.name)}.</p>` : '';
  const main = `<h1>${esc(folder.name)}</h1>${notice}${table(`Messages in ${folder.name}`, ['From', 'Subject', 'Date', 'To'], rows, 'This folder is empty.')}`;
  return shell(ctx, `${folder.name} — ${mailbox}`, mailbox, main, folder.id);
}

function messagePage(ctx: Ctx, q: URLSearchParams): WebmailResponse {
  const mailbox = knownMailbox(ctx, q.get('m'));
  const id = q.get('id');
  if (!mailbox || !id) return errorPage(ctx, 404, 'No such mailbox or message.');
  const found = findMessage(ctx, mailbox, id);
  if (!found) return errorPage(ctx, 404, 'No such message (it may have been moved).');
  const { folder, message } = found;
  const targets = ctx.source
    .folders(mailbox)
    .filter((f) => f.id !== folder.id)
    .map((f) => `<option value="${esc(f.id)}">${esc(f.name)}</option>`)
    .join('');
  const fields: Array<[string, string]> = [
    ['From', message.from],
    ['To', message.to],
    ['Date', message.date],
    ['Folder', folder.name],
  ];
  const main = [
    `<h1>${esc(message.subject || '(no subject)')}</h1>`,
    `<dl>${fields.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`,
    `<h2>Preview</h2><pre>${esc(message.preview)}</pre>`,
    `<p>${anchor(link(ctx.base, 'source', { m: mailbox, id }), 'View source')}</p>`,
    `<form method="post" action="${esc(link(ctx.base, 'move'))}">`,
    `<input type="hidden" name="m" value="${esc(mailbox)}"><input type="hidden" name="id" value="${esc(id)}">`,
    `<label for="move-to">Move to folder</label> <select id="move-to" name="to">${targets}</select> <button type="submit">Move</button>`,
    '</form>',
  ].join('\n');
  return shell(ctx, message.subject || '(no subject)', mailbox, main, folder.id);
}

function sourcePage(ctx: Ctx, q: URLSearchParams): WebmailResponse {
  const mailbox = knownMailbox(ctx, q.get('m'));
  const id = q.get('id');
  const raw = mailbox && id ? ctx.source.raw(mailbox, id) : undefined;
  if (!raw) return errorPage(ctx, 404, 'No such message.');
  // text/plain + nosniff: the browser shows the bytes and never renders markup inside them.
  return {
    status: 200,
    contentType: 'text/plain; charset=utf-8',
    body: raw,
    headers: { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'", 'Content-Disposition': 'inline' },
  };
}

function movePost(ctx: Ctx, form: URLSearchParams): WebmailResponse {
  const mailbox = knownMailbox(ctx, form.get('m'));
  const id = form.get('id');
  const to = form.get('to');
  if (!mailbox || !id || !to) return errorPage(ctx, 400, 'Choose a mailbox, a message and a folder.');
  if (!ctx.source.folders(mailbox).some((f) => f.id === to)) return errorPage(ctx, 400, 'No such folder.');
  if (!findMessage(ctx, mailbox, id)) return errorPage(ctx, 404, 'No such message (it may have been moved already).');
  ctx.source.move(mailbox, id, to);
  // 303 so a reload of the result page does not repeat the POST.
  const location = link(ctx.base, 'mailbox', { m: mailbox, f: to, moved: '1' });
  return { status: 303, contentType: 'text/plain; charset=utf-8', body: `See ${location}`, headers: { Location: location } };
}

function calendarPage(ctx: Ctx, q: URLSearchParams): WebmailResponse {
  const mailbox = knownMailbox(ctx, q.get('m'));
  if (!mailbox) return errorPage(ctx, 404, 'No such mailbox.');
  const events = [...ctx.source.events(mailbox)].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const rows = events.map((e) => {
    const marks = [
      e.recurring ? mark('Recurring') : '',
      e.sensitivity && e.sensitivity.toLowerCase() !== 'normal' ? mark(e.sensitivity.toLowerCase() === 'confidential' ? 'Confidential' : 'Private') : '',
      e.fromTandem ? mark('Made by Tandem') : '',
      e.allDay ? mark('All day') : '',
    ].join('');
    return [esc(e.subject || '(no title)'), esc(e.start), esc(e.end), marks];
  });
  const main = `<h1>Calendar</h1>${table(`Events of ${mailbox}`, ['Subject', 'Start', 'End', 'Marks'], rows, 'No events.')}`;
  return shell(ctx, `Calendar — ${mailbox}`, mailbox, main, undefined, true);
}

/**
 * Answers a request under the base path, or returns null when the path is not the webmail's so the
 * caller can route it elsewhere. Errors thrown by the source become a 400 page, never a crash.
 */
export function handleWebmail(source: WebmailSource, req: WebmailRequest, options: WebmailOptions = {}): WebmailResponse | null {
  const base = (options.basePath ?? '/webmail').replace(/\/+$/, '');
  if (req.path !== base && !req.path.startsWith(`${base}/`)) return null;
  const ctx: Ctx = { source, base };
  const route = req.path.slice(base.length).replace(/^\/+|\/+$/g, '');
  const method = req.method.toUpperCase();
  const q = params(req.query);
  try {
    if (route === 'move') {
      if (method !== 'POST') return { ...errorPage(ctx, 405, 'Use the Move button.'), headers: { Allow: 'POST' } };
      return movePost(ctx, params(req.body));
    }
    if (method !== 'GET' && method !== 'HEAD') return { ...errorPage(ctx, 405, 'Only GET here.'), headers: { Allow: 'GET, HEAD' } };
    switch (route) {
      case '':
        return indexPage(ctx);
      case 'mailbox':
        return mailboxPage(ctx, q);
      case 'message':
        return messagePage(ctx, q);
      case 'source':
        return sourcePage(ctx, q);
      case 'calendar':
        return calendarPage(ctx, q);
      default:
        return errorPage(ctx, 404, 'No such page.');
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return errorPage(ctx, 400, `The simulator refused: ${reason}`);
  }
}

const MAX_FORM_BYTES = 64 * 1024;

/**
 * node:http adapter. Returns false (without touching `res`) when the request is not for the webmail.
 */
export async function serveWebmail(source: WebmailSource, req: IncomingMessage, res: ServerResponse, options: WebmailOptions = {}): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const base = (options.basePath ?? '/webmail').replace(/\/+$/, '');
  if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return false;
  let body: Uint8Array | undefined;
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buf.length;
      if (size > MAX_FORM_BYTES) {
        res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Form too large');
        return true;
      }
      chunks.push(buf);
    }
    body = Buffer.concat(chunks);
  }
  const answer = handleWebmail(source, { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body }, options);
  if (!answer) return false;
  res.writeHead(answer.status, { 'Content-Type': answer.contentType, ...answer.headers });
  res.end(req.method === 'HEAD' ? undefined : answer.body);
  return true;
}
