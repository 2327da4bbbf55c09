/** The shared webmail page's view of this simulator's state. */
import type { WebmailEvent, WebmailFolder, WebmailMessage, WebmailSource } from '../common/webmail-source';
import type { SimState } from './state';
import { instantOf } from './graph/event-view';
import { tandemPropertyMarker } from './tandem-marker';

export function microsoftWebmail(state: SimState): WebmailSource {
  return {
    title: 'Microsoft 365 (simulated)',
    mailboxes: () => [...state.mailboxes.keys()],
    folders: (mailbox): WebmailFolder[] => {
      const m = state.mailbox(mailbox);
      return [...m.folders.values()].map((f) => ({ id: f.id, name: f.displayName, count: state.messagesIn(m, f.id).length }));
    },
    messages: (mailbox, folderId): WebmailMessage[] =>
      state
        .messagesIn(state.mailbox(mailbox), folderId)
        .sort((a, b) => b.seq - a.seq)
        .map((msg) => ({
          id: msg.immutableId,
          subject: msg.subject,
          from: msg.from?.address ?? '',
          to: msg.to.map((a) => a.address ?? '').join(', '),
          date: msg.receivedDateTime,
          preview: msg.bodyPreview,
        })),
    raw: (mailbox, messageId) => state.findMessage(state.mailbox(mailbox), messageId)?.raw,
    move: (mailbox, messageId, toFolderId) => {
      const m = state.mailbox(mailbox);
      const msg = state.findMessage(m, messageId);
      if (msg && m.folders.has(toFolderId)) state.moveMessage(m, msg, toFolderId);
    },
    events: (mailbox): WebmailEvent[] =>
      [...state.mailbox(mailbox).events.values()].map((e) => ({
        id: e.id,
        subject: e.fields.subject,
        start: new Date(instantOf(e.fields.start)).toISOString(),
        end: new Date(instantOf(e.fields.end)).toISOString(),
        allDay: e.fields.isAllDay,
        recurring: e.recurrence !== null,
        sensitivity: e.fields.sensitivity,
        fromTandem: e.extendedProperties.some((p) => p.id.toLowerCase().includes(tandemPropertyMarker)),
      })),
  };
}
