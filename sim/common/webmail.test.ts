// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { handleWebmail, type WebmailResponse } from './webmail';
import { MemoryWebmailSource } from './webmail-memory';

const ava = 'ava@greenleaf.example';
const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';

function build(): MemoryWebmailSource {
  const source = new MemoryWebmailSource('Test "Provider" <sim>');
  source.addMailbox(ava);
  source.addMailbox('ben@greenleaf.example', [
    { id: 'INBOX', name: 'INBOX' },
    { id: 'x"><b>', name: `Folder ${evil}` },
  ]);
  source.addMessage(ava, 'inbox', { id: 'm1', subject: `Quote ${evil}`, from: `Eve ${evil} <eve@hostile.example>`, to: ava, date: '2026-11-02T08:00:00Z', preview: `Hello ${evil}` }, new TextEncoder().encode(`Subject: ${evil}\r\n\r\nbody`));
  source.addMessage(ava, 'inbox', { id: 'm2&x=1', subject: 'Irrigation leak', from: 'Margaret <margaret@oakridge.example>', to: ava, date: '2026-11-01T08:00:00Z', preview: 'Zone 4' });
  source.addMessage(ava, 'sentitems', { id: 'm3', subject: 'Our quote', from: ava, to: 'margaret@oakridge.example', date: '2026-11-01T09:00:00Z', preview: 'Attached' });
  source.addEvent(ava, { id: 'e2', subject: 'Crew stand-up', start: '2026-11-03T08:00:00', end: '2026-11-03T08:30:00', allDay: false, recurring: true, sensitivity: 'normal', fromTandem: false });
  source.addEvent(ava, { id: 'e1', subject: `Dentist ${evil}`, start: '2026-11-02T10:00:00', end: '2026-11-02T11:00:00', allDay: false, recurring: false, sensitivity: 'private', fromTandem: true });
  return source;
}

function get(source: MemoryWebmailSource, path: string, query = ''): WebmailResponse {
  const res = handleWebmail(source, { method: 'GET', path, query });
  if (!res) throw new Error(`not handled: ${path}`);
  return res;
}

function dom(res: WebmailResponse): Document {
  expect(res.contentType).toMatch(/^text\/html/);
  return new DOMParser().parseFromString(String(res.body), 'text/html');
}

/** Markup that would run or load something: a script element or an on* handler attribute. */
function activeContent(doc: Document): string[] {
  const found: string[] = [];
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    if (el.tagName === 'SCRIPT' || el.tagName === 'IMG' || el.tagName === 'IFRAME') found.push(el.tagName);
    for (const attr of Array.from(el.attributes)) if (attr.name.startsWith('on')) found.push(`${el.tagName}[${attr.name}]`);
  }
  return found;
}

describe('handleWebmail', () => {
  let source: MemoryWebmailSource;
  beforeEach(() => {
    source = build();
  });

  it('lists the mailboxes and leaves paths outside its base to the caller', () => {
    const doc = dom(get(source, '/webmail'));
    expect(Array.from(doc.querySelectorAll('main li a')).map((a) => a.textContent)).toEqual([ava, 'ben@greenleaf.example']);
    expect(doc.title).toBe('Mailboxes — Test "Provider" <sim>');
    expect(handleWebmail(source, { method: 'GET', path: '/v1.0/me' })).toBeNull();
    expect(handleWebmail(source, { method: 'GET', path: '/webmailer' })).toBeNull();
    expect(handleWebmail(source, { method: 'GET', path: '/sim/mail/' }, { basePath: '/sim/mail' })?.status).toBe(200);
  });

  it('renders hostile subjects, senders, previews, folder names and events inert and verbatim', () => {
    const pages = [
      get(source, '/webmail/mailbox', `m=${ava}`),
      get(source, '/webmail/message', `m=${ava}&id=m1`),
      get(source, '/webmail/calendar', `m=${ava}`),
      get(source, '/webmail/mailbox', 'm=ben@greenleaf.example'),
    ].map(dom);
    for (const doc of pages) expect(activeContent(doc)).toEqual([]);
    const [list, message, calendar, ben] = pages;
    expect(list?.querySelector('tbody')?.textContent).toContain(`Quote ${evil}`);
    expect(message?.querySelector('h1')?.textContent).toBe(`Quote ${evil}`);
    expect(message?.querySelector('pre')?.textContent).toBe(`Hello ${evil}`);
    expect(calendar?.querySelector('tbody')?.textContent).toContain(`Dentist ${evil}`);
    expect(ben?.querySelector('nav')?.textContent).toContain(`Folder ${evil} (0)`);
  });

  it('shows folders with counts, the current folder, the Sent folder and the message list', () => {
    const doc = dom(get(source, '/webmail/mailbox', `m=${ava}`));
    const folders = Array.from(doc.querySelectorAll('nav li a')).map((a) => a.textContent);
    expect(folders).toEqual(['Inbox (2)', 'Sent Items (1)', 'Tandem (0)', 'Processed (0)']);
    expect(doc.querySelector('nav [aria-current="page"]')?.textContent).toBe('Inbox (2)');
    const sent = Array.from(doc.querySelectorAll('nav a')).find((a) => a.textContent === 'Sent mail');
    expect(sent?.getAttribute('href')).toBe(`/webmail/mailbox?m=${encodeURIComponent(ava)}&f=sentitems`);
    const sentDoc = dom(get(source, '/webmail/mailbox', `m=${ava}&f=sentitems`));
    expect(Array.from(sentDoc.querySelectorAll('tbody tr')).map((r) => r.querySelector('a')?.textContent)).toEqual(['Our quote']);
    expect(doc.querySelector('caption')?.textContent).toBe('Messages in Inbox');
    expect(doc.querySelector('label[for="mailbox-picker"]')?.textContent).toBe('Mailbox');
  });

  it('moves a message through the labelled form as a browser would submit it', () => {
    const message = dom(get(source, '/webmail/message', `m=${ava}&id=${encodeURIComponent('m2&x=1')}`));
    const label = Array.from(message.querySelectorAll('label')).find((l) => l.textContent === 'Move to folder');
    const select = message.getElementById(label?.getAttribute('for') ?? '') as HTMLSelectElement | null;
    const form = select?.form;
    if (!select || !form) throw new Error('move form not found');
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual(['Sent Items', 'Tandem', 'Processed']);
    select.value = 'tandem';
    const body = new URLSearchParams();
    for (const el of Array.from(form.elements) as Array<HTMLInputElement | HTMLSelectElement>) if (el.name) body.set(el.name, el.value);
    expect(form.querySelector('button')?.textContent).toBe('Move');

    const res = handleWebmail(source, { method: form.method, path: new URL(form.action, 'http://sim').pathname, body: body.toString() });
    expect(res?.status).toBe(303);
    expect(source.moves).toEqual([{ mailbox: ava, messageId: 'm2&x=1', toFolderId: 'tandem' }]);
    const location = new URL(res?.headers.Location ?? '', 'http://sim');
    const after = dom(get(source, location.pathname, location.search.slice(1)));
    expect(after.querySelector('[role="status"]')?.textContent).toBe('Moved the message to Tandem.');
    expect(Array.from(after.querySelectorAll('nav li a')).map((a) => a.textContent)).toContain('Tandem (1)');
    expect(after.querySelector('tbody')?.textContent).toContain('Irrigation leak');
  });

  it('refuses bad moves without touching the mailbox', () => {
    const post = (body: string) => handleWebmail(source, { method: 'POST', path: '/webmail/move', body });
    expect(post(`m=${ava}&id=m1&to=nowhere`)?.status).toBe(400);
    expect(post(`m=${ava}&id=missing&to=tandem`)?.status).toBe(404);
    expect(post(`m=nobody@x.example&id=m1&to=tandem`)?.status).toBe(400);
    expect(post('')?.status).toBe(400);
    expect(get(source, '/webmail/move', `m=${ava}&id=m1&to=tandem`).status).toBe(405);
    expect(source.moves).toEqual([]);
  });

  it('turns a source that throws into an escaped error page', () => {
    source.move = () => {
      throw new Error(`refused ${evil}`);
    };
    const res = handleWebmail(source, { method: 'POST', path: '/webmail/move', body: { m: ava, id: 'm1', to: 'tandem' } });
    expect(res?.status).toBe(400);
    const doc = dom(res as WebmailResponse);
    expect(activeContent(doc)).toEqual([]);
    expect(doc.querySelector('main p')?.textContent).toBe(`The simulator refused: refused ${evil}`);
  });

  it('serves the raw source as plain text that browsers will not sniff', () => {
    const res = get(source, '/webmail/source', `m=${ava}&id=m1`);
    expect(res.contentType).toBe('text/plain; charset=utf-8');
    expect(res.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(new TextDecoder().decode(res.body as Uint8Array)).toBe(`Subject: ${evil}\r\n\r\nbody`);
    expect(get(source, '/webmail/source', `m=${ava}&id=nope`).status).toBe(404);
  });

  it('lists events by start with recurring, private and made-by-Tandem marks', () => {
    const doc = dom(get(source, '/webmail/calendar', `m=${ava}`));
    const rows = Array.from(doc.querySelectorAll('tbody tr')).map((r) => Array.from(r.querySelectorAll('td')).map((c) => c.textContent));
    expect(rows).toEqual([
      [`Dentist ${evil}`, '2026-11-02T10:00:00', '2026-11-02T11:00:00', 'PrivateMade by Tandem'],
      ['Crew stand-up', '2026-11-03T08:00:00', '2026-11-03T08:30:00', 'Recurring'],
    ]);
  });

  it('answers unknown mailboxes and pages with 404 and sends a restrictive CSP', () => {
    expect(get(source, '/webmail/mailbox', 'm=nobody@x.example').status).toBe(404);
    expect(get(source, '/webmail/message', `m=${ava}&id=nope`).status).toBe(404);
    expect(get(source, '/webmail/nothing').status).toBe(404);
    expect(get(source, '/webmail').headers['Content-Security-Policy']).toContain("default-src 'none'");
  });
});
