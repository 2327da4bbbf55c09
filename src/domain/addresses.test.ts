import { describe, expect, it } from 'vitest';
import { allAddresses, matchContacts, normalizeEmail, parseAddressList, type MessageAddresses } from './addresses';

describe('normalizeEmail', () => {
  it.each([
    ['Alice@Example.COM', 'alice@example.com'],
    ['  <bob@example.org>  ', 'bob@example.org'],
    ['first.last+tag@sub.example.co.uk', 'first.last+tag@sub.example.co.uk'],
    ['x@XN--BCHER-KVA.de', 'x@bücher.de'],
    ['x@Bücher.DE', 'x@bücher.de'],
    ["o'neil@example.ie", "o'neil@example.ie"],
  ])('%s → %s', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    [''],
    ['garbage'],
    ['foo@'],
    ['@example.com'],
    ['a b@example.com'],
    ['a..b@example.com'],
    ['.a@example.com'],
    ['a@localhost'],
    ['a@192.168.0.1'],
    ['a@-bad-.com'],
    ['a@exa mple.com'],
    [`${'x'.repeat(65)}@example.com`],
  ])('rejects %j', (input) => {
    expect(normalizeEmail(input)).toBeNull();
  });
});

describe('parseAddressList', () => {
  it('decodes RFC 2047 display names and keeps canonical addresses', () => {
    expect(parseAddressList('=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <Juergen@Example.DE>, "=?iso-8859-1?q?Ren=E9?=" <rene@example.fr>')).toEqual([
      { address: 'juergen@example.de', name: 'Jürgen Müller' },
      { address: 'rene@example.fr', name: 'René' },
    ]);
  });

  it('flattens groups, drops garbage and duplicates', () => {
    expect(parseAddressList('Team: a@b.com, "Doe, J" <j@x.org>;, garbage, <>, foo@, A@B.com, undisclosed-recipients:;')).toEqual([
      { address: 'a@b.com' },
      { address: 'j@x.org', name: 'Doe, J' },
    ]);
  });

  it('returns nothing for empty or missing headers', () => {
    expect(parseAddressList(undefined)).toEqual([]);
    expect(parseAddressList('')).toEqual([]);
    expect(parseAddressList(';;;<<>>')).toEqual([]);
  });
});

describe('matchContacts', () => {
  const ann = { id: 'c-ann' };
  const bob = { id: 'c-bob' };
  const bobTwin = { id: 'c-bob-2' };
  const lookup = new Map([
    ['ann@client.com', [ann]],
    ['bob@client.com', [bob, bobTwin]],
    ['ann.private@home.net', [ann]],
  ]);

  const message: MessageAddresses = {
    from: parseAddressList('Ann <ANN@client.com>'),
    to: parseAddressList('me@tandem.test, bob@client.com'),
    cc: parseAddressList('ann.private@home.net, stranger@else.org'),
    replyTo: parseAddressList('ann@client.com'),
  };

  it('links every contact found in From, To, Cc and Reply-To once, with its roles', () => {
    const result = matchContacts(message, lookup);
    expect(result.matches).toEqual([
      { contact: ann, roles: ['from', 'cc', 'replyTo'] },
      { contact: bob, roles: ['to'] },
      { contact: bobTwin, roles: ['to'] },
    ]);
    expect(result.unmatched).toEqual(['me@tandem.test', 'stranger@else.org']);
  });

  it('gives the repository each address once to look up', () => {
    expect(allAddresses(message)).toEqual(['ann@client.com', 'me@tandem.test', 'bob@client.com', 'ann.private@home.net', 'stranger@else.org']);
  });

  it('matches nothing when no contact is known', () => {
    expect(matchContacts(message, new Map()).matches).toEqual([]);
  });
});
