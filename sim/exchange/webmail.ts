/** The shared webmail page's view of the Exchange simulator's state. */
import type { WebmailEvent, WebmailFolder, WebmailMessage, WebmailSource } from '../common/webmail-source';
import type { CalendarItem, MessageItem } from './model';
import type { ExchangeStore } from './store';
import { formatUtc } from './timezones';

export class ExchangeWebmail implements WebmailSource {
  readonly title = 'Exchange (simulated)';

  constructor(private readonly store: ExchangeStore) {}

  mailboxes(): string[] {
    return this.store.mailboxes.filter((m) => m.kind !== 'distribution_list').map((m) => m.address);
  }

  folders(mailbox: string): WebmailFolder[] {
    const mb = this.store.mustMailbox(mailbox);
    return [...mb.folders.values()]
      .filter((f) => f.parentId !== null)
      .map((f) => ({ id: f.id, name: f.displayName, count: this.store.itemsIn(mb, f.id).length }));
  }

  messages(mailbox: string, folderId: string): WebmailMessage[] {
    const mb = this.store.mustMailbox(mailbox);
    return this.store
      .itemsIn(mb, folderId)
      .filter((i): i is MessageItem => i.kind === 'message')
      .sort((a, b) => b.received - a.received || b.serial - a.serial)
      .map((m) => ({ id: m.id, subject: m.subject, from: m.from, to: m.to.join(', '), date: formatUtc(m.sent), preview: m.preview }));
  }

  raw(mailbox: string, messageId: string): Uint8Array | undefined {
    const item = this.store.mustMailbox(mailbox).items.get(messageId);
    return item?.kind === 'message' ? item.mime : undefined;
  }

  move(mailbox: string, messageId: string, toFolderId: string): void {
    const mb = this.store.mustMailbox(mailbox);
    const item = mb.items.get(messageId);
    if (!item || !mb.folders.has(toFolderId)) throw new Error('no such message or folder');
    this.store.moveItem(mb, item, toFolderId);
  }

  events(mailbox: string): WebmailEvent[] {
    const mb = this.store.mustMailbox(mailbox);
    return [...mb.items.values()]
      .filter((i): i is CalendarItem => i.kind === 'calendar')
      .sort((a, b) => a.start - b.start)
      .map((c) => ({
        id: c.id,
        subject: c.subject,
        start: formatUtc(c.start),
        end: formatUtc(c.end),
        allDay: c.isAllDay,
        recurring: Boolean(c.recurrence),
        sensitivity: c.sensitivity.toLowerCase(),
        // Tandem marks its events with a PublicStrings property whose name starts with "Tandem".
        fromTandem: [...c.extended.values()].some((e) => (e.uri.PropertyName ?? '').toLowerCase().startsWith('tandem')),
      }));
  }
}
