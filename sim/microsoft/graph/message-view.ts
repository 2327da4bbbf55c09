/** Graph's JSON view of a stored message, typed with the official Graph types. */
import type { Message, MailFolder } from '@microsoft/microsoft-graph-types';
import type { SimFolder, SimMailbox, SimMessage } from '../types';
import type { SimState } from '../state';

export type GraphMessage = Message & { '@odata.etag': string };

export function messageId(m: SimMessage, immutable: boolean): string {
  return immutable ? m.immutableId : m.restId;
}

const recipients = (list: SimMessage['to']) => list.map((emailAddress) => ({ emailAddress }));

export function toGraphMessage(m: SimMessage, immutable: boolean, withHeaders: boolean): GraphMessage {
  const msg: GraphMessage = {
    '@odata.etag': `W/"${m.changeKey}"`,
    id: messageId(m, immutable),
    createdDateTime: m.createdDateTime,
    lastModifiedDateTime: m.lastModifiedDateTime,
    changeKey: m.changeKey,
    categories: [],
    receivedDateTime: m.receivedDateTime,
    sentDateTime: m.sentDateTime ?? null,
    hasAttachments: m.hasAttachments,
    internetMessageId: m.internetMessageId,
    subject: m.subject,
    bodyPreview: m.bodyPreview,
    importance: 'normal',
    parentFolderId: m.folderId,
    conversationId: m.conversationId,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: m.isRead,
    isDraft: m.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.restId)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body: m.body,
    sender: m.sender ? { emailAddress: m.sender } : null,
    from: m.from ? { emailAddress: m.from } : null,
    toRecipients: recipients(m.to),
    ccRecipients: recipients(m.cc),
    bccRecipients: recipients(m.bcc),
    replyTo: recipients(m.replyTo),
  };
  // internetMessageHeaders is only returned when $select-ed (message resource docs).
  if (withHeaders) msg.internetMessageHeaders = m.headers.map((h) => ({ name: h.name, value: h.value }));
  return msg;
}

export function toGraphFolder(state: SimState, mailbox: SimMailbox, f: SimFolder): MailFolder {
  const messages = state.messagesIn(mailbox, f.id);
  let childFolderCount = 0;
  for (const other of mailbox.folders.values()) if (other.parentFolderId === f.id) childFolderCount++;
  return {
    id: f.id,
    displayName: f.displayName,
    parentFolderId: f.parentFolderId,
    childFolderCount,
    unreadItemCount: messages.filter((m) => !m.isRead).length,
    totalItemCount: messages.length,
    isHidden: f.isHidden,
  };
}
