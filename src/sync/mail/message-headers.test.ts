import { describe, expect, it } from 'vitest';
import { readHeaders, type HeaderLine } from './message-headers';

const lines = (...raw: string[]): HeaderLine[] => raw.map((line) => ({ key: line.slice(0, line.indexOf(':')), line }));

describe('readHeaders', () => {
  const head = lines('From: Ava <Ava@Greenleaf.example>', 'To: bob@client.example,\r\n carol@client.example', 'Message-ID: <m1@x.example>', 'Date: Mon, 02 Nov 2026 08:15:00 +0100');

  it('gives each read its own address objects, also for a header value read before', () => {
    const first = readHeaders(head, []);
    expect(first.from).toEqual({ address: 'ava@greenleaf.example', name: 'Ava' });
    if (first.from) first.from.name = 'changed by a caller';
    first.to.pop();
    const second = readHeaders(head, []);
    expect(second.from).toEqual({ address: 'ava@greenleaf.example', name: 'Ava' });
    expect(second.to.map((a) => a.address)).toEqual(['bob@client.example', 'carol@client.example']);
  });

  it('reads only the first of duplicated fields and reports problems in header order', () => {
    const problems: string[] = [];
    const h = readHeaders(lines('from: eve@hostile.example', 'From: Ava <ava@greenleaf.example>', 'Subject: =?UTF-8?Q?a=0D=0Ab?=', 'Date: yesterday'), problems);
    expect(h.from?.address).toBe('eve@hostile.example');
    expect(h.subject).toBe('a b');
    expect(problems).toEqual(['duplicate from header (first one used)', 'missing Message-ID header', 'unparseable Date header: "yesterday"']);
  });
});
