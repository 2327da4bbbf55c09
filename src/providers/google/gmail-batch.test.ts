import { describe, expect, it } from 'vitest';
import { parseBatchResponse } from './gmail-batch';

describe('parseBatchResponse', () => {
  it('splits a multipart/mixed answer into per-call status, headers and body', () => {
    const body = [
      '--b1',
      'Content-Type: application/http',
      'Content-ID: <response-item0>',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json; charset=UTF-8',
      '',
      '{"id":"a","raw":"SGk"}',
      '--b1',
      'Content-Type: application/http',
      'Content-ID: <response-item1>',
      '',
      'HTTP/1.1 429 Too Many Requests',
      'Retry-After: 3',
      '',
      '{"error":{"code":429,"errors":[{"reason":"rateLimitExceeded"}]}}',
      '--b1--',
      '',
    ].join('\r\n');
    const parts = parseBatchResponse(body, 'b1');
    expect(parts.map((p) => [p.contentId, p.status, p.headers.get('retry-after')])).toEqual([
      ['<response-item0>', 200, undefined],
      ['<response-item1>', 429, '3'],
    ]);
    expect(JSON.parse(parts[0]?.body ?? '')).toEqual({ id: 'a', raw: 'SGk' });
  });
});
