/**
 * The UI's one way to the API: same-origin fetch with the session cookie, the session's CSRF token
 * on writes (taken from GET /api/me or the sign-in answer), zod-checked answers, and the API's
 * `{ error: { code, message, fields? } }` turned into a typed ApiRequestError.
 */
import { z } from 'zod';
import { meSchema } from './schemas';

export interface FieldError {
  /** Where the API found the problem, e.g. "body.email" or "body.exchange.password". */
  path: string;
  message: string;
}

export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    /** Extra members of the error object, e.g. adminConsentUrl. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The message for one body field ("email", "exchange.password"), if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.path === `body.${field}` || f.path === field)?.message;
  }
}

const errorBody = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;
export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClient {
  get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>>;
  /** A write; the answer is checked against `schema` when given (204 answers need none). */
  send<S extends z.ZodType>(method: WriteMethod, path: string, body: unknown, schema: S): Promise<z.infer<S>>;
  send(method: WriteMethod, path: string, body?: unknown): Promise<void>;
  setCsrfToken(token: string | null): void;
}

export interface ApiClientOptions {
  fetch?: FetchLike;
  /** Called when any request answers 401 unauthenticated, so the app can show the sign-in page. */
  onUnauthenticated?: () => void;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let csrfToken: string | null = null;

  async function request(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
    const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json', ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    const res = await doFetch(path, init);
    const text = res.status === 204 ? '' : await res.text();
    const json: unknown = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const parsed = errorBody.safeParse(json);
      if (!parsed.success) throw new ApiRequestError(res.status, 'http_error', `The server answered ${res.status}.`);
      const { code, message, fields, ...details } = parsed.data.error;
      if (res.status === 401 && code === 'unauthenticated') options.onUnauthenticated?.();
      throw new ApiRequestError(res.status, code, message, fields ?? [], details);
    }
    return json;
  }

  async function ensureCsrf(): Promise<string> {
    if (csrfToken) return csrfToken;
    const me = meSchema.parse(await request('GET', '/api/me', undefined, {}));
    csrfToken = me.csrfToken;
    return csrfToken;
  }

  function check<S extends z.ZodType>(schema: S, value: unknown, path: string): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new ApiRequestError(0, 'unexpected_response', `Unexpected answer from ${path}.`);
    return parsed.data;
  }

  async function send(method: WriteMethod, path: string, body?: unknown, schema?: z.ZodType): Promise<unknown> {
    // Signing in needs no token (there is no session yet); every other write carries the session's.
    const headers: Record<string, string> = path === '/api/session' && method === 'POST' ? {} : { 'x-csrf-token': await ensureCsrf() };
    const answer = await request(method, path, body, headers);
    return schema ? check(schema, answer, path) : undefined;
  }

  return {
    async get(path, schema) {
      return check(schema, await request('GET', path, undefined, {}), path);
    },
    send: send as ApiClient['send'],
    setCsrfToken(token) {
      csrfToken = token;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Builds a query string from defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
