import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../mail/parse-message';
import { capturedActivity, contactsFor, matchableAddresses, problemsText } from './captured-activity';

const parsed = (over: Partial<ParsedMessage> = {}): ParsedMessage => ({
  subject: 'Lawn',
  from: { address: 'margaret@oakridge.example', name: 'Margaret' },
  to: [{ address: 'ava@greenleaf.example' }],
  cc: [{ address: 'tom@obrien.example' }],
  replyTo: [{ address: 'Margaret@Oakridge.example' }],
  date: '2026-11-02T08:00:00.000Z',
  messageId: '<m1@oakridge.example>',
  inReplyTo: null,
  references: [],
  dedupeKey: '<m1@oakridge.example>',
  text: 'Hello',
  html: '<p onclick="x()">Hello<img src="https://t.example/p.gif"></p>',
  attachments: [],
  problems: [],
  parser: 'postal-mime',
  ...over,
});

const base = { mailbox: 'Ava@Greenleaf.example', accountId: 'acc', attachments: [], fallbackDate: new Date('2026-11-01T00:00:00Z') };

describe('matchableAddresses / contactsFor', () => {
  it('takes From, To, Cc and Reply-To once each, case-insensitively', () => {
    expect(matchableAddresses(parsed())).toEqual(['margaret@oakridge.example', 'ava@greenleaf.example', 'tom@obrien.example']);
  });
  it('collects every contact any address belongs to, once', () => {
    const matches = new Map([
      ['margaret@oakridge.example', ['c2']],
      ['tom@obrien.example', ['c1', 'c2']],
    ]);
    expect(contactsFor(['margaret@oakridge.example', 'tom@obrien.example', 'x@y.example'], matches)).toEqual(['c1', 'c2']);
  });
});

describe('capturedActivity', () => {
  it('is an inbound filed email with sanitized HTML and no Regarding', () => {
    const a = capturedActivity({ ...base, parsed: parsed(), contactIds: ['c1'] });
    expect(a).toMatchObject({ type: 'email', direction: 'inbound', status: 'filed', subject: 'Lawn', dedupeKey: '<m1@oakridge.example>', failureReason: null, contactIds: ['c1'] });
    expect(a.regarding).toBeUndefined();
    expect(a.occurredAt).toEqual(new Date('2026-11-02T08:00:00Z'));
    expect(a.bodyHtml).not.toMatch(/onclick|https:\/\/t\.example/);
  });
  it('is outbound when the mailbox itself sent it, and unmatched without contacts', () => {
    const a = capturedActivity({ ...base, parsed: parsed({ from: { address: 'ava@greenleaf.example' } }), contactIds: [] });
    expect(a).toMatchObject({ direction: 'outbound', status: 'unmatched' });
  });
  it('falls back to the given date and shows the parse problems', () => {
    const a = capturedActivity({ ...base, parsed: parsed({ date: null, problems: ['missing Date header'] }), contactIds: [] });
    expect(a.occurredAt).toEqual(base.fallbackDate);
    expect(a.failureReason).toBe('Captured with problems: missing Date header');
  });
  it('caps the problems text', () => {
    expect(problemsText(Array.from({ length: 200 }, (_, i) => `problem ${i}`))?.length).toBe(1000);
    expect(problemsText([])).toBeNull();
  });
});
