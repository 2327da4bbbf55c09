import type { MailFolder, Message } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock';
import type { SimServer } from '../common/sim-server';
import type { MicrosoftSimHandle } from './handle';
import { startMicrosoftSim } from './index';
import { graphClient, obtainTokens } from './testing';

let sim: SimServer<MicrosoftSimHandle>;
let graph: ReturnType<typeof graphClient>;
const ava = 'ava@contoso.example';

function mime(subject: string, messageId: string, to = 'bob@partner.example'): Uint8Array {
  return new TextEncoder().encode(
    `From: Carol <carol@client.example>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: ${messageId}\r\nDate: Mon, 02 Nov 2026 08:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello about ${subject}.\r\n`,
  );
}

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

beforeAll(async () => {
  sim = await startMicrosoftSim({ clock: new FakeClock(), seed: 3 });
  sim.handle.addMailbox({ address: ava, displayName: 'Ava Stone', type: 'user' });
  sim.handle.addMailbox({ address: 'office@contoso.example', type: 'shared' });
  sim.handle.addMailbox({ address: 'crew@contoso.example', type: 'group' });
  graph = graphClient(sim.url, (await obtainTokens(sim.url, { login: ava })).accessToken);
});
afterAll(() => sim.close());

describe('identity of the mailbox', () => {
  it('tells users, shared mailboxes and groups apart the documented way', async () => {
    expect((await json<{ userPurpose: string }>(graph('/me/mailboxSettings?$select=userPurpose'))).userPurpose).toBe('user');
    const office = graphClient(sim.url, (await obtainTokens(sim.url, { login: 'office@contoso.example' })).accessToken);
    expect((await json<{ userPurpose: string }>(office('/me/mailboxSettings'))).userPurpose).toBe('shared');
    const groups = await json<{ value: { groupTypes: string[] }[] }>(graph(`/groups?$filter=${encodeURIComponent("mail eq 'crew@contoso.example'")}`));
    expect(groups.value[0]?.groupTypes).toEqual(['Unified']);
  });

  it('answers without a token with 401 InvalidAuthenticationToken in Graph error shape', async () => {
    const res = await fetch(`${sim.url}/v1.0/me`);
    expect(res.status).toBe(401);
    const body = await json<{ error: { code: string; innerError: Record<string, string> } }>(res);
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(Object.keys(body.error.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
  });
});

describe('folders', () => {
  it('creates, filters and nests folders; a duplicate is 409 ErrorFolderExists', async () => {
    const created = await graph('/me/mailFolders', { method: 'POST', json: { displayName: 'Tandem' } });
    expect(created.status).toBe(201);
    const tandem = await json<MailFolder>(created);
    const dup = await graph('/me/mailFolders', { method: 'POST', json: { displayName: 'tandem' } });
    expect(dup.status).toBe(409);
    expect((await json<{ error: { code: string } }>(dup)).error.code).toBe('ErrorFolderExists');
    const found = await json<{ value: MailFolder[] }>(graph(`/me/mailFolders?$filter=${encodeURIComponent("displayName eq 'Tandem'")}`));
    expect(found.value.map((f) => f.id)).toEqual([tandem.id]);
    const child = await json<MailFolder>(graph(`/me/mailFolders/${tandem.id}/childFolders`, { method: 'POST', json: { displayName: 'Sub' } }));
    expect(child.parentFolderId).toBe(tandem.id);
    expect((await json<MailFolder>(graph('/me/mailFolders/SentItems'))).displayName).toBe('Sent Items');
  });

  it('rejects malformed ids with 400 and unknown ones with 404', async () => {
    expect((await json<{ error: { code: string } }>(graph('/me/messages/not!an!id'))).error.code).toBe('ErrorInvalidIdMalformed');
    const missing = await graph('/me/messages/AAMkAGI2zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz=');
    expect(missing.status).toBe(404);
    expect((await json<{ error: { code: string } }>(missing)).error.code).toBe('ErrorItemNotFound');
    const badJson = await graph('/me/mailFolders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(badJson.status).toBe(400);
  });
});

describe('messages', () => {
  it('takes raw MIME into a folder, lists with paging and returns the bytes from $value', async () => {
    const folder = await json<MailFolder>(graph('/me/mailFolders', { method: 'POST', json: { displayName: 'Paging' } }));
    for (let i = 0; i < 5; i++) {
      const raw = Buffer.from(mime(`Paged ${i}`, `<paged-${i}@client.example>`)).toString('base64');
      const res = await graph(`/me/mailFolders/${folder.id}/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: raw });
      expect(res.status).toBe(201);
    }
    const seen: string[] = [];
    let next: string | undefined = `/me/mailFolders/${folder.id}/messages?$top=2&$select=subject,internetMessageId`;
    while (next) {
      const page: { value: Message[]; '@odata.nextLink'?: string } = await json(graph(next));
      seen.push(...page.value.map((m) => m.internetMessageId ?? ''));
      expect(page.value.every((m) => m.body === undefined)).toBe(true);
      next = page['@odata.nextLink'];
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const bad = await graph(`/me/mailFolders/${folder.id}/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '***' });
    expect((await json<{ error: { code: string } }>(bad)).error.code).toBe('ErrorMimeContentInvalidBase64String');

    const id = await sim.handle.placeMessage(ava, 'Inbox', mime('Raw', '<raw-1@client.example>'));
    const value = await graph(`/me/messages/${id}/$value`);
    expect(await value.text()).toContain('Message-ID: <raw-1@client.example>');
  });

  it('changes the default id on move but keeps it with Prefer IdType="ImmutableId"', async () => {
    const id = await sim.handle.placeMessage(ava, 'Inbox', mime('Move me', '<move-1@client.example>'));
    const restId = sim.handle.listFolderMessages(ava, 'Inbox').find((m) => m.id === id)?.restId ?? '';
    const moved = await json<Message>(graph(`/me/messages/${restId}/move`, { method: 'POST', json: { destinationId: 'archive' } }));
    expect(moved.id).not.toBe(restId);
    expect((await graph(`/me/messages/${restId}`)).status).toBe(404);

    const immutable = { Prefer: 'IdType="ImmutableId"' };
    const got = await json<Message>(graph(`/me/messages/${moved.id}`, { headers: immutable }));
    expect(got.id).toBe(id);
    const again = await json<Message>(graph(`/me/messages/${id}/move`, { method: 'POST', headers: immutable, json: { destinationId: 'inbox' } }));
    expect(again.id).toBe(id);
    expect(again.internetMessageId).toBe('<move-1@client.example>');
  });

  it('sendMail (JSON and MIME) lands in Sent Items with our Message-ID and custom x- headers', async () => {
    const sent = await graph('/me/sendMail', {
      method: 'POST',
      json: {
        message: {
          subject: 'Quote',
          body: { contentType: 'text', content: 'Here it is' },
          toRecipients: [{ emailAddress: { address: 'bob@partner.example' } }],
          internetMessageId: '<tandem-42@crm.example>',
          internetMessageHeaders: [{ name: 'X-Tandem-Key', value: '42' }],
        },
      },
    });
    expect(sent.status).toBe(202);
    const mimeSend = await graph('/me/sendMail', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: Buffer.from(mime('MIME send', '<tandem-43@crm.example>')).toString('base64') });
    expect(mimeSend.status).toBe(202);
    const ids = sim.handle.sentItems(ava).map((m) => m.internetMessageId);
    expect(ids).toEqual(expect.arrayContaining(['<tandem-42@crm.example>', '<tandem-43@crm.example>']));
    const filter = encodeURIComponent("internetMessageId eq '<tandem-42@crm.example>'");
    const found = await json<{ value: Message[] }>(graph(`/me/mailFolders/sentitems/messages?$filter=${filter}&$select=internetMessageHeaders`));
    expect(found.value[0]?.internetMessageHeaders).toEqual(expect.arrayContaining([{ name: 'X-Tandem-Key', value: '42' }]));
    const badHeader = await graph('/me/sendMail', {
      method: 'POST',
      json: { message: { subject: 'x', toRecipients: [{ emailAddress: { address: 'a@b.example' } }], internetMessageHeaders: [{ name: 'Reply-By', value: '1' }] } },
    });
    expect((await json<{ error: { code: string } }>(badHeader)).error.code).toBe('InvalidInternetMessageHeader');
  });

  it('sends a draft carrying our Message-ID into Sent Items and delivers to simulated recipients', async () => {
    sim.handle.addMailbox({ address: 'ben@contoso.example', type: 'user' });
    const draft = await json<Message>(
      graph('/me/messages', {
        method: 'POST',
        headers: { 'content-type': 'text/plain', Prefer: 'IdType="ImmutableId"' },
        body: Buffer.from(mime('Draft', '<tandem-draft@crm.example>', 'ben@contoso.example')).toString('base64'),
      }),
    );
    expect(draft.isDraft).toBe(true);
    expect((await graph(`/me/messages/${draft.id}/send`, { method: 'POST' })).status).toBe(202);
    const sent = sim.handle.sentItems(ava).find((m) => m.internetMessageId === '<tandem-draft@crm.example>');
    expect(sent).toMatchObject({ id: draft.id, isDraft: false });
    expect(sim.handle.listFolderMessages('ben@contoso.example', 'Inbox').map((m) => m.internetMessageId)).toContain('<tandem-draft@crm.example>');
  });
});

describe('$batch', () => {
  it('runs up to 20 requests with per-item status, dependsOn and base64 $value bodies', async () => {
    const id = await sim.handle.placeMessage(ava, 'Inbox', mime('Batch', '<batch-1@client.example>'));
    const res = await graph('/$batch', {
      method: 'POST',
      json: {
        requests: [
          { id: '1', method: 'GET', url: `/me/messages/${id}/$value` },
          { id: '2', method: 'GET', url: '/me/messages/AAMkAGI2zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz=' },
          { id: '3', method: 'POST', url: `/me/messages/${id}/move`, dependsOn: ['2'], headers: { 'content-type': 'application/json' }, body: { destinationId: 'archive' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const body = await json<{ responses: { id: string; status: number; body: unknown }[] }>(res);
    const byId = Object.fromEntries(body.responses.map((r) => [r.id, r]));
    expect(byId['1']?.status).toBe(200);
    expect(Buffer.from(String(byId['1']?.body), 'base64').toString()).toContain('batch-1@client.example');
    expect(byId['2']?.status).toBe(404);
    expect(byId['3']?.status).toBe(424);
    expect(sim.handle.counters.count(ava, 'batch')).toBe(1);
    expect(sim.handle.counters.count(ava, 'batch.item')).toBe(2);

    const tooMany = await graph('/$batch', { method: 'POST', json: { requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' })) } });
    expect(tooMany.status).toBe(400);
  });
});
