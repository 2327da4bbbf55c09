/**
 * POST /batch/gmail/v1 — Gmail's batch endpoint (developers.google.com/gmail/api/guides/batch):
 * a multipart/mixed body of `application/http` parts, each a whole HTTP request; at most 100 calls.
 * Each call runs through the normal dispatcher, so it is counted, charged quota and can fault on its
 * own; the answer is a multipart/mixed body whose parts carry `Content-ID: <response-…>`.
 */
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from './dispatch';
import { badRequest, headerParam, parseHeaderLines, splitHeadersAndBody, splitMultipart, type SimRequest, type SimResponse } from './http-kit';
import type { IdSource } from './state';

const maxCallsPerBatch = 100;

interface InnerCall {
  contentId?: string;
  request: SimRequest;
}

function parseInner(part: Buffer, outer: SimRequest): InnerCall {
  const { headerText, body } = splitHeadersAndBody(part);
  const partHeaders = parseHeaderLines(headerText);
  const contentId = partHeaders.find((h) => h.name.toLowerCase() === 'content-id')?.value;
  const http = splitHeadersAndBody(body);
  const [requestLine = '', ...rest] = http.headerText.split(/\r?\n/);
  const m = /^([A-Z]+)\s+(\S+)/.exec(requestLine.trim());
  if (!m) throw badRequest(`Invalid batch part request line: ${requestLine.slice(0, 80)}`);
  const [, method = 'GET', target = '/'] = m;
  const url = new URL(target, 'http://batch.invalid');
  // Outer headers (Authorization above all) apply to each call unless the part overrides them.
  const headers: Record<string, string> = { authorization: outer.headers.authorization ?? '' };
  for (const h of parseHeaderLines(rest.join('\r\n'))) headers[h.name.toLowerCase()] = h.value;
  return { contentId, request: { method, path: url.pathname, query: url.searchParams, headers, body: http.body } };
}

function renderPart(call: InnerCall, res: SimResponse): string {
  const body = res.body === undefined ? '' : typeof res.body === 'string' ? res.body : res.body.toString('utf8');
  const lines = ['Content-Type: application/http'];
  if (call.contentId) lines.push(`Content-ID: <response-${call.contentId.replace(/^<|>$/g, '')}>`);
  lines.push('', `HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}`.trimEnd());
  for (const [k, v] of Object.entries(res.headers ?? {})) lines.push(`${k}: ${v}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return lines.join('\r\n');
}

export async function handleBatch(req: SimRequest, dispatcher: Dispatcher, ids: IdSource): Promise<SimResponse> {
  const contentType = req.headers['content-type'] ?? '';
  const boundary = headerParam(contentType, 'boundary');
  if (!/^multipart\/mixed/i.test(contentType) || !boundary) throw badRequest('Batch requests must be multipart/mixed with a boundary.');
  const parts = splitMultipart(req.body, boundary);
  if (parts.length === 0) throw badRequest('The batch request has no parts.');
  if (parts.length > maxCallsPerBatch) throw badRequest(`A batch request may contain at most ${maxCallsPerBatch} calls.`);
  const calls = parts.map((p) => parseInner(p, req));
  const answers: string[] = [];
  for (const call of calls) {
    const { response } = await dispatcher.dispatch(call.request, true);
    answers.push(renderPart(call, response));
  }
  const outBoundary = `batch_${ids.string(24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`;
  const body = answers.map((a) => `--${outBoundary}\r\n${a}\r\n`).join('') + `--${outBoundary}--\r\n`;
  return { status: 200, headers: { 'content-type': `multipart/mixed; boundary=${outBoundary}` }, body };
}
