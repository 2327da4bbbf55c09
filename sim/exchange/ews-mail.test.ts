import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, ews, mime, startFixture, type SimFixture } from './test-helpers';

let fx: SimFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx.sim.close();
});

async function findByName(service: ews.ExchangeService, name: string): Promise<ews.Folder[]> {
  const view = new ews.FolderView(100);
  view.Traversal = ews.FolderTraversal.Deep;
  const found = await service.FindFolders(ews.WellKnownFolderName.MsgFolderRoot, new ews.SearchFilter.IsEqualTo(ews.FolderSchema.DisplayName, name), view);
  return found.Folders;
}

async function createFolder(service: ews.ExchangeService, name: string): Promise<ews.FolderId> {
  const f = new ews.Folder(service);
  f.DisplayName = name;
  await f.Save(ews.WellKnownFolderName.MsgFolderRoot);
  return f.Id;
}

describe('folders', () => {
  it('creates capture folders once, finds them by DisplayName, refuses duplicates', async () => {
    const service = fx.service();
    expect(await findByName(service, 'Tandem')).toHaveLength(0);
    await createFolder(service, 'Tandem');
    await createFolder(service, 'Processed');
    const found = await findByName(service, 'Tandem');
    expect(found.map((f) => f.DisplayName)).toEqual(['Tandem']);
    await expect(createFolder(service, 'tandem')).rejects.toMatchObject({ ErrorCode: ews.ServiceError.ErrorFolderExists });
    expect(fx.sim.handle.counters.count(ALICE, 'CreateFolder')).toBe(3);
  });

  it('binds distinguished folders', async () => {
    const service = fx.service();
    const names: [ews.WellKnownFolderName, string][] = [
      [ews.WellKnownFolderName.Inbox, 'Inbox'],
      [ews.WellKnownFolderName.SentItems, 'Sent Items'],
      [ews.WellKnownFolderName.Calendar, 'Calendar'],
      [ews.WellKnownFolderName.MsgFolderRoot, 'Top of Information Store'],
    ];
    for (const [wk, display] of names) expect((await ews.Folder.Bind(service, wk)).DisplayName).toBe(display);
  });
});

describe('capture flow', () => {
  it('pages FindItem, fetches MIME for many ids with per-item errors, moves with new ids', async () => {
    const service = fx.service();
    const [tandem] = await findByName(service, 'Tandem');
    const [processed] = await findByName(service, 'Processed');
    if (!tandem || !processed) throw new Error('folders missing');
    for (let i = 0; i < 25; i++) fx.sim.handle.placeMessage(ALICE, 'Tandem', mime({ subject: `Capture ${i}`, messageId: `<cap-${i}@example.net>` }));

    const ids: ews.ItemId[] = [];
    let offset = 0;
    let pages = 0;
    for (;;) {
      const view = new ews.ItemView(10, offset);
      view.PropertySet = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.EmailMessageSchema.InternetMessageId]);
      const page = await service.FindItems(tandem.Id, view);
      pages++;
      expect(page.TotalCount).toBe(25);
      ids.push(...page.Items.map((i) => i.Id));
      if (!page.MoreAvailable) break;
      offset = page.NextPageOffset ?? offset + 10;
    }
    expect(pages).toBe(3);
    expect(new Set(ids.map((i) => i.UniqueId)).size).toBe(25);

    const props = new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.ItemSchema.MimeContent, ews.EmailMessageSchema.InternetMessageId]);
    const fetched = await service.BindToItems([...ids, new ews.ItemId('not-an-id!'), new ews.ItemId(ids[0]?.UniqueId.replace(/.{4}$/, 'AAAA') ?? '')], props);
    expect(fetched.Count).toBe(27);
    const ok = fetched.Responses.filter((r) => r.Result === ews.ServiceResult.Success);
    expect(ok).toHaveLength(25);
    const first = ok[0]?.Item as ews.EmailMessage;
    // ews-javascript-api leaves MimeContent.Content as the base64 text from the wire.
    const text = Buffer.from(first.MimeContent.Content, 'base64').toString('utf8');
    expect(text).toContain(`Message-ID: ${first.InternetMessageId}`);
    expect(fetched.Responses[25]?.ErrorCode).toBe(ews.ServiceError.ErrorInvalidIdMalformed);
    expect([ews.ServiceError.ErrorItemNotFound, ews.ServiceError.ErrorInvalidIdMalformed]).toContain(fetched.Responses[26]?.ErrorCode);
    expect(fx.sim.handle.counters.count(ALICE, 'GetItem')).toBe(1);

    const toMove = ids.slice(0, 5);
    const moved = await service.MoveItems(toMove, processed.Id);
    const newIds = moved.Responses.map((r) => r.Item.Id.UniqueId);
    expect(newIds).toHaveLength(5);
    for (const [i, id] of newIds.entries()) expect(id).not.toBe(toMove[i]?.UniqueId);
    expect(fx.sim.handle.folderMessages(ALICE, 'Processed')).toHaveLength(5);
    const again = await service.MoveItems(toMove, processed.Id);
    expect(again.Responses.every((r) => r.ErrorCode === ews.ServiceError.ErrorItemNotFound)).toBe(true);
  });
});

describe('sending and raw MIME in', () => {
  it('SendAndSaveCopy keeps our Message-ID in Sent Items and delivers to a local recipient', async () => {
    const service = fx.service();
    const raw = mime({ subject: 'Quote for the roof', messageId: '<tandem-out-1@tandem.test>', from: ALICE, to: BOB });
    const m = new ews.EmailMessage(service);
    m.MimeContent = new ews.MimeContent('UTF-8', Buffer.from(raw).toString('base64'));
    await m.SendAndSaveCopy();
    const sent = fx.sim.handle.sentItems(ALICE);
    expect(sent.map((s) => s.internetMessageId)).toEqual(['<tandem-out-1@tandem.test>']);
    expect(sent[0]?.mime.toString('utf8')).toBe(raw);
    expect(fx.sim.handle.folderMessages(BOB, 'inbox').map((s) => s.subject)).toEqual(['Quote for the roof']);

    // findSent: look the Message-ID up in Sent Items.
    const hit = await service.FindItems(
      ews.WellKnownFolderName.SentItems,
      new ews.SearchFilter.IsEqualTo(ews.EmailMessageSchema.InternetMessageId, '<tandem-out-1@tandem.test>'),
      new ews.ItemView(1),
    );
    expect(hit.TotalCount).toBe(1);
  });

  it('a send without recipients is refused', async () => {
    const m = new ews.EmailMessage(fx.service());
    m.MimeContent = new ews.MimeContent('UTF-8', Buffer.from('Subject: nobody\r\n\r\nhi').toString('base64'));
    await expect(m.SendAndSaveCopy()).rejects.toMatchObject({ ErrorCode: ews.ServiceError.ErrorInvalidRecipients });
  });

  it('SaveOnly with MimeContent stores the bytes as given', async () => {
    const service = fx.service();
    const raw = mime({ subject: 'Imported', messageId: '<import-1@example.net>' });
    const m = new ews.EmailMessage(service);
    m.MimeContent = new ews.MimeContent('UTF-8', Buffer.from(raw).toString('base64'));
    await m.Save(ews.WellKnownFolderName.Inbox);
    expect(m.Id.UniqueId).toBeTruthy();
    const inbox = fx.sim.handle.folderMessages(ALICE, 'inbox');
    expect(inbox.find((x) => x.id === m.Id.UniqueId)?.mime.toString('utf8')).toBe(raw);
  });
});
