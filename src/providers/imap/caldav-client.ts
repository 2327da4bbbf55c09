/**
 * The CalDAV wire calls the calendar ability needs, on tsdav with the injected fetch. tsdav returns
 * failed answers as data (status + raw body); each call here turns them into ProviderErrors through
 * mapDavError, so the DAV:valid-sync-token precondition and HTTP statuses are classified in one place.
 */
import { calendarMultiGet, createAccount, isCollectionDirty, propfind, syncCollection } from 'tsdav';
import type { Clock } from '../../domain/clock';
import { ProviderError } from '../errors';
import type { FetchLike } from '../provider';
import { mapDavError, mapImapError } from './map-imap-error';

export interface DavSettings {
  /** A calendar collection URL, or a server URL to discover from (/.well-known/caldav → principal → home). */
  url: string;
  user: string;
  pass: string;
}

export interface DavObject {
  href: string;
  etag: string;
  data: string;
}

type DavFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

export class CalDavClient {
  private readonly headers: Record<string, string>;
  private readonly davFetch: DavFetch;
  private calendarUrl: string | undefined;

  constructor(
    private readonly settings: DavSettings,
    fetchImpl: FetchLike,
    private readonly clock: Clock,
  ) {
    this.headers = { authorization: `Basic ${Buffer.from(`${settings.user}:${settings.pass}`).toString('base64')}` };
    this.davFetch = (input, init) => fetchImpl(input instanceof Request ? input.url : input, init);
  }

  private async guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      throw mapImapError(e, `caldav ${what}`);
    }
  }

  private fail(what: string, res: { status?: number; raw?: unknown }, retryAfter?: string | null): never {
    throw mapDavError({ status: res.status ?? 0, body: typeof res.raw === 'string' ? res.raw : undefined, retryAfter }, this.clock.now(), `caldav ${what}`);
  }

  /** tsdav answers a failed request (non-2xx, not a multistatus) as one entry carrying the body text. */
  private check(what: string, res: { ok?: boolean; status?: number; raw?: unknown }[]): void {
    const only = res[0];
    if (res.length === 1 && only && !only.ok && typeof only.raw === 'string') this.fail(what, only);
  }

  absolute(href: string): string {
    return new URL(href, this.settings.url).toString();
  }

  /** The calendar collection: the configured URL if it is one, else the first VEVENT calendar found by discovery. */
  async calendar(): Promise<string> {
    if (this.calendarUrl) return this.calendarUrl;
    return this.guard('discover', async () => {
      const probe = await propfind({ url: this.settings.url, props: { 'd:resourcetype': {} }, depth: '0', headers: this.headers, fetch: this.davFetch });
      const first = probe[0];
      if (first && first.status === 401) this.fail('discover', first);
      const type = first?.props?.resourcetype;
      if (first?.ok && typeof type === 'object' && type !== null && 'calendar' in type) {
        this.calendarUrl = this.settings.url;
        return this.calendarUrl;
      }
      const account = await createAccount({
        account: { serverUrl: this.settings.url, accountType: 'caldav', credentials: { username: this.settings.user, password: this.settings.pass } },
        headers: this.headers,
        loadCollections: true,
        fetch: this.davFetch,
      });
      const found = account.calendars?.find((c) => !c.components || c.components.includes('VEVENT'));
      if (!found) throw new ProviderError('not_found', 'caldav: no calendar with events found', { code: 'NO_CALENDAR' });
      this.calendarUrl = this.absolute(found.url);
      return this.calendarUrl;
    });
  }

  /** RFC 6578 sync-collection. An empty token starts over; removed members come back with 404. */
  async sync(token: string): Promise<{ changed: { href: string; etag: string }[]; removed: string[]; token: string }> {
    const url = await this.calendar();
    return this.guard('sync-collection', async () => {
      const res = await syncCollection({ url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token, headers: { ...this.headers, depth: '0' }, fetch: this.davFetch });
      this.check('sync-collection', res);
      const head = res[0];
      const raw: unknown = head?.raw;
      const multistatus = typeof raw === 'object' && raw !== null && 'multistatus' in raw ? (raw as { multistatus: { syncToken?: unknown } }).multistatus : undefined;
      const next = str(multistatus?.syncToken);
      if (!next) throw new ProviderError('permanent', 'caldav: sync-collection answer without a sync-token', { code: 'NO_SYNC_TOKEN' });
      const changed: { href: string; etag: string }[] = [];
      const removed: string[] = [];
      for (const r of res) {
        if (!r.href) continue;
        const href = this.absolute(r.href);
        if (href === url) continue;
        if (r.status === 404) removed.push(href);
        else changed.push({ href, etag: str(r.props?.getetag) ?? '' });
      }
      return { changed, removed, token: next };
    });
  }

  /** Whether the server offers sync-collection on the calendar (DAV:supported-report-set). */
  async supportsSync(): Promise<boolean> {
    const url = await this.calendar();
    return this.guard('supported-report-set', async () => {
      const [res] = await propfind({ url, props: { 'd:supported-report-set': {} }, depth: '0', headers: this.headers, fetch: this.davFetch });
      if (!res?.ok) return false;
      return JSON.stringify(res.props?.supportedReportSet ?? {}).includes('syncCollection');
    });
  }

  async ctag(): Promise<string | undefined> {
    const url = await this.calendar();
    return this.guard('getctag', async () => (await isCollectionDirty({ collection: { url }, headers: this.headers, fetch: this.davFetch })).newCtag);
  }

  /** href → ETag of every member (PROPFIND Depth 1), for the ctag + etag fallback. */
  async etags(): Promise<Record<string, string>> {
    const url = await this.calendar();
    return this.guard('list etags', async () => {
      const res = await propfind({ url, props: { 'd:getetag': {} }, depth: '1', headers: this.headers, fetch: this.davFetch });
      const out: Record<string, string> = {};
      this.check('list etags', res);
      for (const r of res) {
        if (!r.href) continue;
        const href = this.absolute(r.href);
        const etag = str(r.props?.getetag);
        if (href !== url && etag) out[href] = etag;
      }
      return out;
    });
  }

  async multiGet(hrefs: string[]): Promise<DavObject[]> {
    if (hrefs.length === 0) return [];
    const url = await this.calendar();
    return this.guard('calendar-multiget', async () => {
      const out: DavObject[] = [];
      for (let i = 0; i < hrefs.length; i += 100) {
        const batch = hrefs.slice(i, i + 100).map((h) => new URL(h).pathname);
        const res = await calendarMultiGet({ url, props: { 'd:getetag': {}, 'c:calendar-data': {} }, objectUrls: batch, depth: '1', headers: this.headers, fetch: this.davFetch });
        this.check('calendar-multiget', res);
        for (const r of res) {
          if (!r.href) continue;
          const data = r.props?.calendarData;
          const text = typeof data === 'object' && data !== null && '_cdata' in data ? str((data as { _cdata: unknown })._cdata) : str(data);
          if (r.ok && text) out.push({ href: this.absolute(r.href), etag: str(r.props?.getetag) ?? '', data: text });
        }
      }
      return out;
    });
  }

  async get(href: string): Promise<DavObject | null> {
    return this.guard('GET', async () => {
      const res = await this.davFetch(href, { method: 'GET', headers: this.headers });
      if (res.status === 404 || res.status === 410) return null;
      if (!res.ok) this.fail('GET', { status: res.status, raw: await res.text() }, res.headers.get('retry-after'));
      return { href, etag: res.headers.get('etag') ?? '', data: await res.text() };
    });
  }

  /** PUT with a precondition: `create` → If-None-Match: *, else If-Match: etag (RFC 4791 §5.3.2). Returns the new ETag if sent. */
  async put(href: string, ics: string, precondition: { create: true } | { etag: string }): Promise<string | undefined> {
    return this.guard('PUT', async () => {
      const headers: Record<string, string> = { ...this.headers, 'content-type': 'text/calendar; charset=utf-8' };
      if ('create' in precondition) headers['if-none-match'] = '*';
      else headers['if-match'] = precondition.etag;
      const res = await this.davFetch(href, { method: 'PUT', headers, body: ics });
      const body = await res.text();
      if (!res.ok) this.fail('PUT', { status: res.status, raw: body }, res.headers.get('retry-after'));
      return res.headers.get('etag') ?? undefined;
    });
  }

  async delete(href: string, etag?: string): Promise<void> {
    return this.guard('DELETE', async () => {
      const headers: Record<string, string> = { ...this.headers };
      if (etag) headers['if-match'] = etag;
      const res = await this.davFetch(href, { method: 'DELETE', headers });
      const body = await res.text();
      // Already gone: the delete we wanted has happened.
      if (res.status === 404 || res.status === 410) return;
      if (!res.ok) this.fail('DELETE', { status: res.status, raw: body }, res.headers.get('retry-after'));
    });
  }
}
