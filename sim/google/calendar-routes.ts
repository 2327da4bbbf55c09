/** Calendar v3 routes: events CRUD, list/instances, events.watch, channels.stop, calendars.get. */
import type { calendar_v3 } from '@googleapis/calendar';
import type { Clock } from '../../src/domain/clock';
import type { CalendarLister } from './calendar-list';
import type { CalendarStore } from './calendar-store';
import { badRequest, json, noContent, notFound, optionalString, readJsonObject, type SimResponse } from './http-kit';
import type { PushOutbox } from './push';
import { pathPattern, type ApiRoute, type AuthedContext } from './router';
import type { IdSource, SimWorld } from './state';

const events = '/calendar/v3/calendars/:calendarId/events';
/** Channel lifetime when the client asks for none (Google documents none; a week is what is seen). */
const defaultChannelLifetimeMs = 7 * 24 * 3600_000;
const maxChannelLifetimeMs = 30 * 24 * 3600_000;

export class CalendarRoutes {
  constructor(
    private readonly world: SimWorld,
    private readonly store: CalendarStore,
    private readonly lister: CalendarLister,
    private readonly push: PushOutbox,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    private readonly baseUrl: () => string,
  ) {}

  routes(): ApiRoute[] {
    const r = (method: string, path: string, operation: string, handle: (ctx: AuthedContext) => SimResponse): ApiRoute => ({
      method,
      pattern: pathPattern(path),
      operation,
      auth: 'bearer',
      api: 'calendar',
      handle,
    });
    const ifMatch = (c: AuthedContext): string | undefined => c.req.headers['if-match'];
    return [
      r('GET', '/calendar/v3/calendars/:calendarId', 'calendars.get', ({ mailbox }) =>
        json({ kind: 'calendar#calendar', id: mailbox.address, summary: mailbox.address, timeZone: mailbox.calendar.timeZone }),
      ),
      r('GET', events, 'events.list', ({ req, mailbox }) => json(this.lister.list(mailbox, req.query))),
      r('POST', events, 'events.insert', ({ req, mailbox }) => json(this.store.insert(mailbox, readJsonObject(req)))),
      r('POST', `${events}/watch`, 'events.watch', (c) => this.watch(c)),
      r('GET', `${events}/:eventId/instances`, 'events.instances', ({ req, mailbox, params }) => json(this.lister.instances(mailbox, params.eventId ?? '', req.query))),
      r('GET', `${events}/:eventId`, 'events.get', ({ mailbox, params }) => json(this.store.get(mailbox, params.eventId ?? ''))),
      r('PATCH', `${events}/:eventId`, 'events.patch', (c) => json(this.store.patch(c.mailbox, c.params.eventId ?? '', readJsonObject(c.req), ifMatch(c)))),
      r('PUT', `${events}/:eventId`, 'events.update', (c) => json(this.store.update(c.mailbox, c.params.eventId ?? '', readJsonObject(c.req), ifMatch(c)))),
      r('DELETE', `${events}/:eventId`, 'events.delete', (c) => {
        this.store.delete(c.mailbox, c.params.eventId ?? '', ifMatch(c));
        return noContent();
      }),
      r('POST', '/calendar/v3/channels/stop', 'channels.stop', ({ req }) => this.stop(readJsonObject(req))),
    ];
  }

  private watch({ req, mailbox }: AuthedContext): SimResponse {
    const body = readJsonObject(req);
    const id = optionalString(body, 'id');
    const address = optionalString(body, 'address');
    const type = optionalString(body, 'type');
    if (!id || id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(id)) throw badRequest('Invalid channel id.', 'invalid', 'id');
    if (type !== 'web_hook' && type !== 'webhook') throw badRequest(`Unsupported channel type: ${type ?? ''}`, 'invalid', 'type');
    if (!address || !URL.canParse(address)) throw badRequest('Invalid channel address.', 'invalid', 'address');
    for (const mb of this.world.mailboxes.values()) {
      if (mb.calendar.channels.has(id)) throw badRequest(`Channel id ${id} not unique`, 'channelIdNotUnique', 'id');
    }
    const now = this.clock.now().getTime();
    const requested = Number(optionalString(body, 'expiration') ?? body.expiration ?? Number.NaN);
    const expiration = Number.isFinite(requested) && requested > now ? Math.min(requested, now + maxChannelLifetimeMs) : now + defaultChannelLifetimeMs;
    const channel = {
      id,
      resourceId: this.ids.string(27, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
      resourceUri: `${this.baseUrl()}/calendar/v3/calendars/${encodeURIComponent(mailbox.address)}/events?alt=json`,
      address,
      token: optionalString(body, 'token'),
      expiration,
      messageNumber: 0,
    };
    mailbox.calendar.channels.set(id, channel);
    // The first message on a new channel is the "sync" message (push guide).
    this.push.calendarNotify(mailbox, channel, 'sync');
    const out: calendar_v3.Schema$Channel = { kind: 'api#channel', id, resourceId: channel.resourceId, resourceUri: channel.resourceUri, expiration: String(expiration) };
    if (channel.token !== undefined) out.token = channel.token;
    return json(out);
  }

  private stop(body: Record<string, unknown>): SimResponse {
    const id = optionalString(body, 'id') ?? '';
    const resourceId = optionalString(body, 'resourceId') ?? '';
    for (const mb of this.world.mailboxes.values()) {
      const ch = mb.calendar.channels.get(id);
      if (ch && ch.resourceId === resourceId) {
        mb.calendar.channels.delete(id);
        return noContent();
      }
    }
    throw notFound(`Channel '${id}' not found for project`);
  }
}
