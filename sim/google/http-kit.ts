/**
 * The transport-neutral request/response shapes the Google simulator's handlers use. Handlers never
 * see node:http objects, so the batch endpoint can run inner calls through the very same handlers.
 */

export interface SimRequest {
  method: string;
  /** Path without query string, e.g. /gmail/v1/users/me/messages */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A handler's way to answer with a Google error: thrown, caught by the dispatcher, rendered. */
export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly extra: { domain?: string; location?: string; locationType?: string; status?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'GoogleApiError';
  }
}

/** Canonical status names Google puts next to the numeric code in its JSON errors. */
const canonicalStatus: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Renders `{error:{code,message,errors:[{domain,reason,message}],status}}` — Google's JSON error body. */
export function renderGoogleError(e: GoogleApiError): SimResponse {
  const item: Record<string, string> = { message: e.message, domain: e.extra.domain ?? 'global', reason: e.reason };
  if (e.extra.location) item.location = e.extra.location;
  if (e.extra.locationType) item.locationType = e.extra.locationType;
  const error: Record<string, unknown> = { code: e.status, message: e.message, errors: [item] };
  const status = e.extra.status ?? canonicalStatus[e.status];
  if (status) error.status = status;
  return { status: e.status, headers: { 'content-type': 'application/json; charset=UTF-8', ...e.extra.headers }, body: JSON.stringify({ error }) };
}

export function json(value: unknown, status = 200, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers }, body: JSON.stringify(value) };
}

export function noContent(): SimResponse {
  return { status: 204 };
}

export function badRequest(message: string, reason = 'badRequest', location?: string): GoogleApiError {
  return new GoogleApiError(400, reason, message, location ? { location, locationType: 'parameter' } : {});
}

export function notFound(message = 'Requested entity was not found.'): GoogleApiError {
  return new GoogleApiError(404, 'notFound', message);
}

/** Parses a JSON body into an object; Google answers malformed JSON with 400 parseError. */
export function readJsonObject(req: SimRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw badRequest('Invalid JSON payload received.', 'parseError');
  }
  if (!isRecord(value)) throw badRequest('Invalid JSON payload received. Expected an object.', 'parseError');
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`Invalid value at '${key}': expected a string.`, 'invalidArgument');
  return v;
}

export function optionalStringArray(obj: Record<string, unknown>, key: string): string[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) {
    throw badRequest(`Invalid value at '${key}': expected a list of strings.`, 'invalidArgument');
  }
  return v;
}

/** Integer query parameter within [min, max]; absent → fallback. */
export function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw badRequest(`Invalid value '${raw}' for parameter ${name}.`, 'invalid', name);
  return Math.min(n, max);
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  return query.get(name) === 'true';
}

export function formBody(req: SimRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

/** Opaque page tokens: base64url JSON, so a tampered token is a 400, not a crash. */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken(token: string, param: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(value)) return value;
  } catch {
    // fall through to the 400 below
  }
  throw badRequest(`Invalid ${param} value.`, 'invalid', param);
}

// ---------------------------------------------------------------- multipart (batch, uploads, MIME)

/** Header block + body split at the first blank line (CRLF or LF). */
export function splitHeadersAndBody(buf: Buffer): { headerText: string; body: Buffer } {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return { headerText: buf.toString('latin1'), body: Buffer.alloc(0) };
  if (crlf !== -1 && (lf === -1 || crlf <= lf)) return { headerText: buf.subarray(0, crlf).toString('latin1'), body: buf.subarray(crlf + 4) };
  return { headerText: buf.subarray(0, lf).toString('latin1'), body: buf.subarray(lf + 2) };
}

/** Unfolded header lines in order, names as written. */
export function parseHeaderLines(text: string): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1];
      if (last) last.value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return out;
}

/** Parameter of a structured header value, e.g. boundary of `multipart/mixed; boundary="x"`. */
export function headerParam(value: string, param: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(value);
  if (!m) return undefined;
  return m[1] ?? m[2];
}

/** The body parts between `--boundary` lines (preamble and epilogue dropped). */
export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing delimiter
    // skip transport padding up to the end of the delimiter line
    const eol = body.indexOf('\n', start);
    if (eol === -1) break;
    start = eol + 1;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    let end = next;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    parts.push(body.subarray(start, Math.max(start, end)));
    pos = next;
  }
  return parts;
}
