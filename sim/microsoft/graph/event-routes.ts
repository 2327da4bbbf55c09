/** Events: create (with transactionId dedupe), get, list, PATCH / DELETE with If-Match, instances, calendarView. */
import { GraphError, badRequest, malformedId, notFound, parseJsonObject } from '../http';
import { isWellFormedGraphId } from '../ids';
import type { SimEvent, SimEventFields } from '../types';
import type { GraphContext, GraphResult, GraphRoute } from './context';
import { checkTimes, parseEventPatch } from './event-input';
import { type EventInstance, findInstance, masterInstance, seriesInstances, toGraphEvent, viewInstances } from './event-view';
import { pageOf, selectFields } from './odata';

const quoted = "'((?:[^']|'')*)'";
const anyFilter = new RegExp(`^singleValueExtendedProperties/any\\((\\w+):\\s*\\1/id eq ${quoted}(?:\\s+and\\s+\\1/value eq ${quoted})?\\)$`, 'i');
const expandFilter = new RegExp(`^singleValueExtendedProperties\\(\\$filter=id eq ${quoted}\\)$`, 'i');
const unq = (s: string | undefined) => (s ?? '').replace(/''/g, "'");

/** `$expand=singleValueExtendedProperties($filter=id eq '…')` (extended-properties docs). */
function expandedPropertyId(ctx: GraphContext): string | undefined {
  const expand = ctx.query.get('$expand');
  if (!expand) return undefined;
  const m = expandFilter.exec(expand.trim());
  if (!m) throw badRequest(`Unsupported $expand: ${expand}`, 'BadRequest');
  return unq(m[1]).toLowerCase();
}

export function eventJson(ctx: GraphContext, inst: EventInstance): unknown {
  const json: Record<string, unknown> = { ...toGraphEvent(inst, ctx.prefer.timeZone) };
  const propId = expandedPropertyId(ctx);
  if (propId !== undefined) {
    const props = inst.event.extendedProperties.filter((p) => p.id.toLowerCase() === propId);
    // Graph omits the collection when no property matched.
    if (props.length) json.singleValueExtendedProperties = props;
  }
  return selectFields(json, ctx.query.get('$select'), ['id', '@odata.etag', 'singleValueExtendedProperties']);
}

export function instanceFor(ctx: GraphContext, id: string): EventInstance {
  if (!isWellFormedGraphId(id)) throw malformedId();
  const inst = findInstance(ctx.mailbox.events, id);
  if (!inst) throw notFound();
  return inst;
}

/** If-Match must equal the current @odata.etag; Outlook answers a mismatch with 412. */
function checkIfMatch(ctx: GraphContext, inst: EventInstance): void {
  const ifMatch = ctx.headers['if-match'];
  if (!ifMatch || ifMatch === '*') return;
  if (ifMatch !== `W/"${inst.changeKey}"` && ifMatch !== inst.changeKey) {
    throw new GraphError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    );
  }
}

export function windowParams(ctx: GraphContext): { from: number; to: number } {
  const s = ctx.query.get('startDateTime') ?? ctx.query.get('StartDateTime');
  const e = ctx.query.get('endDateTime') ?? ctx.query.get('EndDateTime');
  const from = s ? Date.parse(s) : NaN;
  const to = e ? Date.parse(e) : NaN;
  if (Number.isNaN(from) || Number.isNaN(to)) {
    throw badRequest('This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.', 'ErrorInvalidParameter');
  }
  return { from, to };
}

function emitEvent(ctx: GraphContext, changeType: 'created' | 'updated' | 'deleted', id: string): void {
  ctx.state.emit({ mailbox: ctx.mailbox, kind: 'event', changeType, id });
}

function createEvent(ctx: GraphContext): GraphResult {
  const patch = parseEventPatch(parseJsonObject(ctx.body));
  if (patch.transactionId) {
    // A retried POST with the same transactionId returns the event made the first time.
    for (const e of ctx.mailbox.events.values()) {
      if (e.transactionId === patch.transactionId) return { status: 201, json: eventJson(ctx, masterInstance(e)) };
    }
  }
  if (!patch.fields.start || !patch.fields.end) throw badRequest('An event needs start and end.', 'ErrorInvalidRequest');
  const fields: SimEventFields = {
    subject: '',
    body: { contentType: 'text', content: '' },
    isAllDay: false,
    sensitivity: 'normal',
    showAs: 'busy',
    location: '',
    attendees: [],
    categories: [],
    ...(patch.fields as Required<Pick<SimEventFields, 'start' | 'end'>>),
  };
  checkTimes(fields);
  const now = ctx.state.nowIso();
  const event: SimEvent = {
    id: ctx.state.ids.graphId('AAMkAGV2'),
    changeKey: ctx.state.ids.changeKey(),
    createdDateTime: now,
    lastModifiedDateTime: now,
    iCalUId: `040000008200E00074C5B7101A82E008${ctx.state.ids.chars(24)}`,
    transactionId: patch.transactionId,
    fields,
    organizer: { name: ctx.mailbox.displayName, address: ctx.mailbox.address },
    recurrence: patch.recurrence ?? null,
    extendedProperties: patch.extendedProperties ?? [],
    exceptions: new Map(),
  };
  ctx.mailbox.events.set(event.id, event);
  emitEvent(ctx, 'created', event.id);
  return { status: 201, json: eventJson(ctx, masterInstance(event)) };
}

function updateEvent(ctx: GraphContext): GraphResult {
  const inst = instanceFor(ctx, ctx.params.id ?? '');
  checkIfMatch(ctx, inst);
  const patch = parseEventPatch(parseJsonObject(ctx.body));
  const now = ctx.state.nowIso();
  const event = inst.event;
  if (inst.originalStart !== undefined) {
    // PATCH of an occurrence turns it into an exception of its series.
    const key = new Date(inst.originalStart).toISOString();
    const prev = event.exceptions.get(key);
    const overrides = { ...(prev?.overrides ?? {}), ...patch.fields };
    checkTimes({ ...inst.fields, ...overrides });
    event.exceptions.set(key, { id: inst.id, cancelled: false, changeKey: ctx.state.ids.changeKey(), lastModifiedDateTime: now, overrides });
  } else {
    const fields = { ...event.fields, ...patch.fields };
    checkTimes(fields);
    event.fields = fields;
    if (patch.recurrence !== undefined) {
      event.recurrence = patch.recurrence;
      event.exceptions.clear();
    }
    if (patch.extendedProperties) {
      const byId = new Map(event.extendedProperties.map((p) => [p.id.toLowerCase(), p]));
      for (const p of patch.extendedProperties) byId.set(p.id.toLowerCase(), p);
      event.extendedProperties = [...byId.values()];
    }
    event.changeKey = ctx.state.ids.changeKey();
    event.lastModifiedDateTime = now;
  }
  emitEvent(ctx, 'updated', inst.id);
  return { status: 200, json: eventJson(ctx, instanceFor(ctx, inst.id)) };
}

function deleteEvent(ctx: GraphContext): GraphResult {
  const inst = instanceFor(ctx, ctx.params.id ?? '');
  checkIfMatch(ctx, inst);
  if (inst.originalStart !== undefined) {
    // Deleting an occurrence cancels that one instance.
    const key = new Date(inst.originalStart).toISOString();
    inst.event.exceptions.set(key, { id: inst.id, cancelled: true, changeKey: ctx.state.ids.changeKey(), lastModifiedDateTime: ctx.state.nowIso(), overrides: {} });
  } else {
    ctx.mailbox.events.delete(inst.event.id);
  }
  emitEvent(ctx, 'deleted', inst.id);
  return { status: 204 };
}

function listEvents(ctx: GraphContext): GraphResult {
  let events = [...ctx.mailbox.events.values()];
  const filter = ctx.query.get('$filter');
  if (filter) {
    const m = anyFilter.exec(filter.trim());
    if (!m) throw badRequest(`Unsupported $filter: ${filter}`, 'BadRequest');
    const id = unq(m[2]).toLowerCase();
    const value = m[3] === undefined ? undefined : unq(m[3]);
    events = events.filter((e) => e.extendedProperties.some((p) => p.id.toLowerCase() === id && (value === undefined || p.value === value)));
  }
  events.sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime) || a.id.localeCompare(b.id));
  const json = events.map((e) => eventJson(ctx, masterInstance(e)));
  return { status: 200, json: pageOf(json, ctx.query, `${ctx.baseUrl}${ctx.path}`) };
}

function instances(ctx: GraphContext): GraphResult {
  const inst = instanceFor(ctx, ctx.params.id ?? '');
  const { from, to } = windowParams(ctx);
  const list = seriesInstances(inst.event, from, to).map((i) => eventJson(ctx, i));
  return { status: 200, json: pageOf(list, ctx.query, `${ctx.baseUrl}${ctx.path}`) };
}

function calendarView(ctx: GraphContext): GraphResult {
  const { from, to } = windowParams(ctx);
  const list = viewInstances(ctx.mailbox.events.values(), from, to).map((i) => eventJson(ctx, i));
  return { status: 200, json: pageOf(list, ctx.query, `${ctx.baseUrl}${ctx.path}`) };
}

export const eventRoutes: GraphRoute[] = [
  { method: 'POST', pattern: '/me/events', op: 'events.create', handle: createEvent },
  { method: 'POST', pattern: '/me/calendar/events', op: 'events.create', handle: createEvent },
  { method: 'GET', pattern: '/me/events', op: 'events.list', handle: listEvents },
  { method: 'GET', pattern: '/me/events/:id', op: 'events.get', handle: (ctx) => ({ status: 200, json: eventJson(ctx, instanceFor(ctx, ctx.params.id ?? '')) }) },
  { method: 'PATCH', pattern: '/me/events/:id', op: 'events.update', handle: updateEvent },
  { method: 'DELETE', pattern: '/me/events/:id', op: 'events.delete', handle: deleteEvent },
  { method: 'GET', pattern: '/me/events/:id/instances', op: 'events.instances', handle: instances },
  { method: 'GET', pattern: '/me/calendarView', op: 'calendarView', handle: calendarView },
];
