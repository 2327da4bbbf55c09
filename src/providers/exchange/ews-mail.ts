/**
 * Mail through EWS: capture folders under msgfolderroot (FindFolder + CreateFolder), listing with
 * FindItem, raw MIME with one GetItem over many ids, one MoveItem over many ids, and sending with
 * CreateItem SendAndSaveCopy carrying our MIME so the Message-ID we chose is kept and the copy lands
 * in Sent Items. A sent message comes back without an ItemId (the CreateItem (email message)
 * reference shows SendAndSaveCopy answering an empty m:Items), so findSent searches Sent Items by
 * message:InternetMessageId.
 */
import { ProviderError } from '../errors';
import type { CaptureFolderNames, CaptureFolders, MailAbility, OutgoingMail, SentRef } from '../provider';
import { headerRecipients } from '../microsoft/mime-recipients';
import type { EwsClient, ResponseMessage } from './ews-client';
import { listCaptured } from './ews-capture-list';
import { perRef } from './ews-per-item';
import { child, el, path, textOf, tx, type XNode } from './ews-xml';
import { constantRestriction, fieldUri, findFirstItemId, itemIdsXml, itemShape } from './ews-requests';

export interface EwsMailOptions {
  /** Ids per GetItem / MoveItem call. MIME can be large, so fetches are chunked (default 50). */
  batchSize?: number;
}

async function findTopFolders(ews: EwsClient, names: string[]): Promise<Map<string, string>> {
  const matches = names.map((n) => constantRestriction('IsEqualTo', fieldUri('folder:DisplayName'), n));
  const body = el(
    'm:FindFolder',
    { Traversal: 'Shallow' },
    el('m:FolderShape', null, tx('t:BaseShape', 'IdOnly'), el('t:AdditionalProperties', null, fieldUri('folder:DisplayName'))),
    el('m:Restriction', null, matches.length > 1 ? el('t:Or', null, matches) : matches),
    el('m:ParentFolderIds', null, ews.folder('msgfolderroot')),
  );
  const root = await ews.callOne('FindFolder', body);
  const found = new Map<string, string>();
  for (const f of path(root, 'RootFolder', 'Folders')?.children ?? []) {
    const name = textOf(f, 'DisplayName')?.toLowerCase();
    const id = child(f, 'FolderId')?.attrs.Id;
    if (name && id && !found.has(name)) found.set(name, id);
  }
  return found;
}

async function createTopFolders(ews: EwsClient, names: string[]): Promise<ResponseMessage[]> {
  const folders = names.map((n) => el('t:Folder', null, tx('t:FolderClass', 'IPF.Note'), tx('t:DisplayName', n)));
  return ews.call('CreateFolder', el('m:CreateFolder', null, el('m:ParentFolderId', null, ews.folder('msgfolderroot')), el('m:Folders', null, folders)));
}

function firstItem(node: XNode): XNode | undefined {
  return child(node, 'Items')?.children[0];
}

export function createEwsMail(ews: EwsClient, options: EwsMailOptions = {}): MailAbility {
  const batchSize = options.batchSize ?? 50;
  return {
    async ensureCaptureFolders(names: CaptureFolderNames): Promise<CaptureFolders> {
      const wanted = [names.capture, names.processed];
      let found = await findTopFolders(ews, wanted);
      const missing = wanted.filter((n) => !found.has(n.toLowerCase()));
      if (missing.length > 0) {
        const created = await createTopFolders(ews, missing);
        // ErrorFolderExists: another worker made it between our look-up and our create.
        const failed = created.find((c) => !c.ok && c.error.code !== 'ErrorFolderExists');
        if (failed && !failed.ok) throw failed.error;
        found = await findTopFolders(ews, wanted);
      }
      const captureId = found.get(names.capture.toLowerCase());
      const processedId = found.get(names.processed.toLowerCase());
      if (!captureId || !processedId) throw new ProviderError('transient', 'Capture folders not visible after creating them', { code: 'folder_not_visible' });
      return { captureId, processedId };
    },

    listCaptured: (folders, page) => listCaptured(ews, folders.captureId, page),

    async fetchRaw(refs) {
      const shape = itemShape('IdOnly', [fieldUri('item:MimeContent')]);
      return perRef(
        ews.retry,
        refs,
        batchSize,
        (chunk) => ews.call('GetItem', el('m:GetItem', null, shape, el('m:ItemIds', null, itemIdsXml(chunk.map((r) => r.id))))),
        (a) => new Uint8Array(Buffer.from(textOf(firstItem(a.node), 'MimeContent') ?? '', 'base64')),
      );
    },

    async markProcessed(folders, refs) {
      return perRef<void>(
        ews.retry,
        refs,
        batchSize,
        (chunk) =>
          ews.call(
            'MoveItem',
            el('m:MoveItem', null, el('m:ToFolderId', null, el('t:FolderId', { Id: folders.processedId })), el('m:ItemIds', null, itemIdsXml(chunk.map((r) => r.id)))),
          ),
        () => undefined,
        // A moved item's old id answers ErrorItemNotFound (ids change on move): a repeated move after a
        // lost answer has nothing left to do.
        (e) => (e.code === 'ErrorItemNotFound' ? { value: undefined } : undefined),
      );
    },

    async send(mail: OutgoingMail): Promise<SentRef> {
      const inHeaders = headerRecipients(mail.mime);
      const bcc = [...new Set(mail.recipients.map((r) => r.trim().toLowerCase()))].filter((r) => r && !inHeaders.has(r));
      const message = el(
        't:Message',
        null,
        tx('t:MimeContent', Buffer.from(mail.mime).toString('base64')),
        bcc.length > 0 && el('t:BccRecipients', null, bcc.map((a) => el('t:Mailbox', null, tx('t:EmailAddress', a)))),
      );
      const body = el('m:CreateItem', { MessageDisposition: 'SendAndSaveCopy' }, el('m:SavedItemFolderId', null, ews.folder('sentitems')), el('m:Items', null, message));
      await ews.callOne('CreateItem', body, { write: true });
      return {};
    },

    async findSent(messageId: string): Promise<SentRef | null> {
      const providerId = await findFirstItemId(ews, 'sentitems', constantRestriction('IsEqualTo', fieldUri('message:InternetMessageId'), messageId));
      return providerId ? { providerId } : null;
    },
  };
}
