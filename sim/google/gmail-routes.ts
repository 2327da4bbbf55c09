/** users.labels.*, users.getProfile, users.history.list, users.watch and users.stop. */
import type { gmail_v1 } from '@googleapis/gmail';
import type { Clock } from '../../src/domain/clock';
import type { GmailStore } from './gmail-store';
import { labelResource, labelWithCounts } from './gmail-views';
import { badRequest, decodeToken, encodeToken, intParam, json, noContent, notFound, optionalString, optionalStringArray, readJsonObject, type SimResponse } from './http-kit';
import { pathPattern, type ApiRoute, type AuthedContext } from './router';
import type { HistoryKind, HistoryRecord, StoredLabel } from './state';

const users = '/gmail/v1/users/:userId';
const historyKinds: HistoryKind[] = ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'];
/** users.watch must be renewed at least every 7 days (Gmail push guide). */
const watchLifetimeMs = 7 * 24 * 3600_000;

function labelInput(body: Record<string, unknown>): Partial<Omit<StoredLabel, 'id' | 'type'>> {
  const color = body.color;
  return {
    name: optionalString(body, 'name'),
    messageListVisibility: optionalString(body, 'messageListVisibility'),
    labelListVisibility: optionalString(body, 'labelListVisibility'),
    color: typeof color === 'object' && color !== null ? (color as StoredLabel['color']) : undefined,
  };
}

function historyEntry(rec: HistoryRecord): gmail_v1.Schema$History {
  const message = { id: rec.messageId, threadId: rec.threadId };
  const entry: gmail_v1.Schema$History = { id: String(rec.id), messages: [message] };
  const full = { ...message, labelIds: rec.messageLabels };
  switch (rec.kind) {
    case 'messageAdded':
      entry.messagesAdded = [{ message: full }];
      break;
    case 'messageDeleted':
      entry.messagesDeleted = [{ message: full }];
      break;
    case 'labelAdded':
      entry.labelsAdded = [{ message: full, labelIds: rec.labelIds }];
      break;
    case 'labelRemoved':
      entry.labelsRemoved = [{ message: full, labelIds: rec.labelIds }];
      break;
  }
  return entry;
}

export class GmailRoutes {
  constructor(
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
      r('GET', `${users}/profile`, 'getProfile', ({ mailbox }) =>
        json({
          emailAddress: mailbox.address,
          messagesTotal: mailbox.gmail.messages.size,
          threadsTotal: new Set([...mailbox.gmail.messages.values()].map((m) => m.threadId)).size,
          historyId: String(mailbox.gmail.historyId),
        }),
      ),
      r('GET', `${users}/labels`, 'labels.list', ({ mailbox }) => json({ labels: [...mailbox.gmail.labels.values()].map(labelResource) })),
      r('POST', `${users}/labels`, 'labels.create', ({ req, mailbox }) => {
        const input = labelInput(readJsonObject(req));
        if (!input.name) throw badRequest('Invalid label name', 'invalidArgument');
        return json(labelResource(this.store.createLabel(mailbox, { ...input, name: input.name })));
      }),
      r('GET', `${users}/labels/:id`, 'labels.get', ({ mailbox, params }) => json(labelWithCounts(mailbox, this.store.labelById(mailbox, params.id ?? '')))),
      r('PUT', `${users}/labels/:id`, 'labels.update', ({ req, mailbox, params }) => json(labelResource(this.store.updateLabel(mailbox, params.id ?? '', labelInput(readJsonObject(req)))))),
      r('PATCH', `${users}/labels/:id`, 'labels.update', ({ req, mailbox, params }) => json(labelResource(this.store.updateLabel(mailbox, params.id ?? '', labelInput(readJsonObject(req)))))),
      r('DELETE', `${users}/labels/:id`, 'labels.delete', ({ mailbox, params }) => {
        this.store.deleteLabel(mailbox, params.id ?? '');
        return noContent();
      }),
      r('GET', `${users}/history`, 'history.list', (c) => this.history(c)),
      r('POST', `${users}/watch`, 'watch', (c) => this.watch(c)),
      r('POST', `${users}/stop`, 'stop', ({ mailbox }) => {
        mailbox.gmail.watch = undefined;
        return noContent();
      }),
    ];
  }

  private history({ req, mailbox }: AuthedContext): SimResponse {
    const q = req.query;
    const startRaw = q.get('startHistoryId');
    if (!startRaw) throw badRequest('startHistoryId is required', 'invalidArgument', 'startHistoryId');
    const start = Number(startRaw);
    if (!Number.isSafeInteger(start) || start < 0) throw badRequest(`Invalid startHistoryId: ${startRaw}`, 'invalidArgument', 'startHistoryId');
    this.store.prune(mailbox);
    // Documented: a startHistoryId outside the available range answers 404; the client must full-sync.
    if (start < mailbox.gmail.historyFloor) throw notFound('Requested entity was not found.');
    const types = q.getAll('historyTypes');
    for (const t of types) if (!historyKinds.includes(t as HistoryKind)) throw badRequest(`Invalid value at 'history_types' (${t})`, 'invalidArgument');
    const labelId = q.get('labelId');
    const maxResults = intParam(q, 'maxResults', 100, 1, 500);
    const token = q.get('pageToken') ? decodeToken(q.get('pageToken') ?? '', 'pageToken') : undefined;
    const after = typeof token?.a === 'number' ? token.a : start;
    const matching = mailbox.gmail.history.filter(
      (h) => h.id > after && (types.length === 0 || types.includes(h.kind)) && (!labelId || h.labelIds.includes(labelId) || h.messageLabels.includes(labelId)),
    );
    const page = matching.slice(0, maxResults);
    const body: gmail_v1.Schema$ListHistoryResponse = { historyId: String(mailbox.gmail.historyId) };
    if (page.length > 0) body.history = page.map(historyEntry);
    const last = page[page.length - 1];
    if (matching.length > maxResults && last) body.nextPageToken = encodeToken({ a: last.id });
    return json(body);
  }

  private watch({ req, mailbox }: AuthedContext): SimResponse {
    const body = readJsonObject(req);
    const topicName = optionalString(body, 'topicName') ?? '';
    if (!/^projects\/[^/]+\/topics\/[^/]+$/.test(topicName)) {
      throw badRequest('Invalid topicName does not match projects/SOME-PROJECT/topics/SOME-TOPIC', 'invalidArgument');
    }
    // labelFilterAction is the deprecated spelling; the guide's examples use upper case.
    const behavior = (optionalString(body, 'labelFilterBehavior') ?? optionalString(body, 'labelFilterAction') ?? 'include').toLowerCase();
    if (behavior !== 'include' && behavior !== 'exclude') throw badRequest(`Invalid labelFilterBehavior: ${behavior}`, 'invalidArgument');
    const labelIds = optionalStringArray(body, 'labelIds');
    this.store.checkLabelIds(mailbox, labelIds);
    const expiration = this.clock.now().getTime() + watchLifetimeMs;
    mailbox.gmail.watch = { topicName, labelIds, behavior, expiration };
    const out: gmail_v1.Schema$WatchResponse = { historyId: String(mailbox.gmail.historyId), expiration: String(expiration) };
    return json(out);
  }
}
