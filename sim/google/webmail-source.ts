/** The shared webmail page's view of Google state: labels as folders, stored events as the calendar. */
import type { WebmailEvent, WebmailFolder, WebmailMessage, WebmailSource } from '../common/webmail-source';
import { isFolderLike, type GmailStore } from './gmail-store';
import { compareNewestFirst } from './gmail-views';
import type { CalendarStore } from './calendar-store';
import { findMailbox, type SimWorld } from './state';

/** Private extended properties Tandem writes start with "tandem" (e.g. tandemId). */
function isTandemEvent(priv: Record<string, string> | null | undefined): boolean {
  return Object.keys(priv ?? {}).some((k) => k.toLowerCase().startsWith('tandem'));
}

export function googleWebmailSource(world: SimWorld, gmail: GmailStore, calendar: CalendarStore): WebmailSource {
  return {
    title: 'Google (simulated)',
    mailboxes: () => [...world.mailboxes.keys()],
    folders(mailbox): WebmailFolder[] {
      const mb = findMailbox(world, mailbox);
      const shown = [...mb.gmail.labels.values()].filter((l) => l.type === 'user' || ['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH'].includes(l.id));
      return shown.map((l) => ({ id: l.id, name: l.name, count: [...mb.gmail.messages.values()].filter((m) => m.labelIds.has(l.id)).length }));
    },
    messages(mailbox, folderId): WebmailMessage[] {
      const mb = findMailbox(world, mailbox);
      return [...mb.gmail.messages.values()]
        .filter((m) => m.labelIds.has(folderId))
        .sort(compareNewestFirst)
        .map((m) => ({ id: m.id, subject: m.parsed.subject, from: m.parsed.from, to: m.parsed.to, date: m.parsed.date || new Date(m.internalDate).toUTCString(), preview: m.parsed.snippet }));
    },
    raw(mailbox, messageId) {
      return findMailbox(world, mailbox).gmail.messages.get(messageId)?.raw;
    },
    move(mailbox, messageId, toFolderId) {
      const mb = findMailbox(world, mailbox);
      const msg = gmail.message(mb, messageId);
      gmail.labelById(mb, toFolderId);
      // Gmail's "Move to" takes the message out of its folder-like labels and into the target.
      const remove = [...msg.labelIds].filter((id) => id !== toFolderId && isFolderLike(gmail.labelById(mb, id)));
      gmail.modify(mb, msg, [toFolderId], remove);
    },
    events(mailbox): WebmailEvent[] {
      const mb = findMailbox(world, mailbox);
      return [...mb.calendar.events.values()]
        .map((s) => s.event)
        .filter((e) => e.status !== 'cancelled')
        .map((e) => {
          const { start, end } = calendar.times(mb, e);
          return {
            id: e.id ?? '',
            subject: e.summary ?? '',
            start: start.allDay ? start.local : new Date(start.ms).toISOString(),
            end: end.allDay ? end.local : new Date(end.ms).toISOString(),
            allDay: start.allDay,
            recurring: Boolean(e.recurrence?.length || e.recurringEventId),
            sensitivity: e.visibility ?? 'default',
            fromTandem: isTandemEvent(e.extendedProperties?.private),
          };
        });
    },
  };
}
