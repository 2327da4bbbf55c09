import { describe, expect, it } from 'vitest';
import { el, parseXml, path, textOf, tx } from './ews-xml';

describe('parseXml', () => {
  it('drops namespace prefixes and xmlns attributes, keeps order, attributes and text', () => {
    const doc = parseXml(
      `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="urn:s"><s:Body><m:Changes xmlns:m="urn:m"><t:Create Id="1"/><t:Delete Id='2' t:Kind="x"/><t:Create Id="3">` +
        `<t:Subject>a &lt;b&gt; &amp; &quot;c&quot; &#233;&#x20AC;</t:Subject></t:Create></m:Changes></s:Body></s:Envelope>`,
    );
    const changes = path(doc, 'Body', 'Changes');
    expect(doc?.name).toBe('Envelope');
    expect(doc?.attrs).toEqual({});
    expect(changes?.children.map((c) => [c.name, c.attrs])).toEqual([
      ['Create', { Id: '1' }],
      ['Delete', { Id: '2', Kind: 'x' }],
      ['Create', { Id: '3' }],
    ]);
    expect(textOf(changes?.children[2], 'Subject')).toBe('a <b> & "c" é€');
  });

  it('reads CDATA, skips comments, and allows > inside quoted attribute values', () => {
    const doc = parseXml(`<a><!-- note --><b v="x > y" w='1>2'><![CDATA[<raw> & text]]></b></a>`);
    expect(doc?.children[0]).toEqual({ name: 'b', attrs: { v: 'x > y', w: '1>2' }, children: [], text: '<raw> & text' });
  });

  it('round-trips what the builders write', () => {
    const xml = el('t:Item', { Name: `a"b<c>&'` }, tx('t:Value', 'x & <y>'), tx('t:Empty', ''), el('t:Self'));
    const doc = parseXml(xml);
    expect(doc?.attrs.Name).toBe(`a"b<c>&'`);
    expect(textOf(doc, 'Value')).toBe('x & <y>');
    expect(doc?.children.map((c) => c.name)).toEqual(['Value', 'Empty', 'Self']);
  });

  it.each([
    ['an IIS error page', '<html><body><h1>Server Error</h1><br></body></html>'],
    ['plain text', 'Service Unavailable'],
    ['empty', ''],
    ['a truncated answer', '<s:Envelope><s:Body><m:GetItemResponse>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['two roots', '<a/><b/>'],
    ['text beside the root', 'junk<a/>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a bare ampersand', '<a>fish & chips</a>'],
    ['a DTD', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ['a broken attribute', '<a b=c/>'],
    ['an out-of-range character reference', '<a>&#x110000;</a>'],
  ])('refuses %s', (_name, body) => {
    expect(parseXml(body)).toBeNull();
  });
});
