/**
 * A fake of the API at the network boundary: the app's real client, hooks and components run; only
 * `fetch` is replaced by routes answering like the server (status + JSON), and every call is recorded.
 */
export interface FakeRequest {
  method: string;
  path: string;
  url: URL;
  body: unknown;
  headers: Record<string, string>;
}

export type FakeAnswer = { status?: number; body?: unknown };
export type FakeHandler = (req: FakeRequest) => FakeAnswer | unknown | Promise<FakeAnswer | unknown>;

export interface FakeApi {
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  calls: FakeRequest[];
  /** Adds or replaces a route, keyed "METHOD /path" (":name" matches one segment). */
  on(key: string, handler: FakeHandler): void;
  callsTo(key: string): FakeRequest[];
}

/** Answer with a status and body; a plain value from a handler means 200 with that JSON. */
export function answer(status: number, body?: unknown): FakeAnswer & { [answerTag]: true } {
  return { status, body, [answerTag]: true };
}
const answerTag = Symbol('answer');

export function apiError(status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  return answer(status, { error: { code, message, ...extra } });
}

function matches(pattern: string, path: string): boolean {
  const a = pattern.split('/');
  const b = path.split('/');
  return a.length === b.length && a.every((seg, i) => seg.startsWith(':') || seg === b[i]);
}

export function fakeApi(routes: Record<string, FakeHandler> = {}): FakeApi {
  const table = new Map(Object.entries(routes));
  const calls: FakeRequest[] = [];
  const keyMatches = (key: string, req: FakeRequest) => {
    const [method, pattern] = key.split(' ');
    return method === req.method && pattern !== undefined && matches(pattern, req.path);
  };
  return {
    calls,
    on(key, handler) {
      table.set(key, handler);
    },
    callsTo(key) {
      return calls.filter((c) => keyMatches(key, c));
    },
    async fetch(input, init = {}) {
      const url = new URL(input, 'http://tandem.test');
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => (headers[k] = v));
      const req: FakeRequest = {
        method: init.method ?? 'GET',
        path: url.pathname,
        url,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
        headers,
      };
      calls.push(req);
      const entry = [...table.entries()].find(([key]) => keyMatches(key, req));
      if (!entry) return json(404, { error: { code: 'not_found', message: `No fake for ${req.method} ${req.path}` } });
      const out = await entry[1](req);
      if (typeof out === 'object' && out !== null && answerTag in out) {
        const a = out as FakeAnswer;
        return a.body === undefined ? new Response(null, { status: a.status ?? 200 }) : json(a.status ?? 200, a.body);
      }
      return out === undefined ? new Response(null, { status: 204 }) : json(200, out);
    },
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
