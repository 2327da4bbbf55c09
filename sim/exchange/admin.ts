/**
 * Controls tests use to act on the simulated organisation as an administrator or as the user in
 * Outlook would: place mail, inspect folders, make/change/delete events, change a password,
 * expire sync states.
 */
import { applyCalendarFields, createCalendarItem, deleteOccurrence, modifyOccurrence, seriesStarts, type CalendarFields, type ParsedItemFields } from './calendar';
import type { CalendarItem, Mailbox, MessageItem, Sensitivity } from './model';
import type { Recurrence } from './recurrence';
import { seedMailbox, type SeedOptions, type SeedResult } from './seed';
import { EwsError, type AddMailboxInput, type ExchangeStore } from './store';
import { formatUtc, isKnownWindowsZone, parseEwsDateTime } from './timezones';

export interface MessageView {
  id: string;
  subject: string;
  internetMessageId: string;
  from: string;
  to: string[];
  isRead: boolean;
  mime: Buffer;
  extended: Record<string, string>;
}

export interface EventView {
  id: string;
  changeKey: string;
  uid: string;
  subject: string;
  body: string;
  location: string;
  /** ISO UTC. */
  start: string;
  end: string;
  isAllDay: boolean;
  sensitivity: Sensitivity;
  startTimeZone: string;
  recurrence?: Recurrence;
  /** Original starts (ISO UTC) of modified and of deleted occurrences. */
  modifiedOccurrences: string[];
  deletedOccurrences: string[];
  /** Extended properties by PropertyName (or id/tag). */
  extended: Record<string, string>;
}

/** An event as the user would make it in Outlook. Times are ISO (with Z or offset) or Date. */
export interface ProviderEventSpec {
  subject: string;
  start: string | Date;
  end: string | Date;
  /** Windows zone id, e.g. "W. Europe Standard Time" (default UTC). */
  timeZone?: string;
  isAllDay?: boolean;
  location?: string;
  body?: string;
  sensitivity?: Sensitivity;
  recurrence?: Recurrence;
  attendees?: string[];
}

function extendedRecord(item: { extended: Map<string, { uri: Record<string, string>; value: string }> }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of item.extended.values()) out[e.uri.PropertyName ?? e.uri.PropertyId ?? e.uri.PropertyTag ?? '?'] = e.value;
  return out;
}

function time(value: string | Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  const ms = parseEwsDateTime(value);
  if (ms === null) throw new Error(`bad time ${value}`);
  return ms;
}

/** The FieldURI each edit touches, so AutoResolve sees Outlook's edits as EWS would. */
const fieldUris: Partial<Record<keyof CalendarFields, string>> = {
  subject: 'item:Subject',
  body: 'item:Body',
  sensitivity: 'item:Sensitivity',
  start: 'calendar:Start',
  end: 'calendar:End',
  isAllDay: 'calendar:IsAllDayEvent',
  location: 'calendar:Location',
  recurrence: 'calendar:Recurrence',
  startTimeZone: 'calendar:StartTimeZone',
  endTimeZone: 'calendar:EndTimeZone',
  required: 'calendar:RequiredAttendees',
};

function fields(spec: Partial<ProviderEventSpec>): ParsedItemFields {
  if (spec.timeZone && !isKnownWindowsZone(spec.timeZone)) throw new Error(`unknown Windows time zone ${spec.timeZone}`);
  const cal: CalendarFields = {};
  const set = <K extends keyof CalendarFields>(k: K, v: CalendarFields[K] | undefined) => {
    if (v !== undefined) cal[k] = v;
  };
  set('subject', spec.subject);
  set('start', time(spec.start));
  set('end', time(spec.end));
  set('startTimeZone', spec.timeZone);
  set('endTimeZone', spec.timeZone);
  set('isAllDay', spec.isAllDay);
  set('location', spec.location);
  set('body', spec.body);
  set('sensitivity', spec.sensitivity);
  set('recurrence', spec.recurrence);
  set('required', spec.attendees?.map((email) => ({ email: email.toLowerCase() })));
  return { calendar: cal, extended: [], touched: Object.keys(cal).map((k) => fieldUris[k as keyof CalendarFields] ?? k) };
}

export class ExchangeAdmin {
  constructor(private readonly store: ExchangeStore) {}

  addMailbox(input: AddMailboxInput): void {
    this.store.addMailbox(input);
  }

  placeMessage(mailbox: string, folderName: string, raw: Uint8Array | string): string {
    const mb = this.store.mustMailbox(mailbox);
    const folder = this.store.folderByName(mb, folderName);
    return this.store.addMessage(mb, folder.id, Buffer.from(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw)).id;
  }

  folderMessages(mailbox: string, folderName: string): MessageView[] {
    const mb = this.store.mustMailbox(mailbox);
    const folder = this.store.folderByName(mb, folderName);
    return this.store
      .itemsIn(mb, folder.id)
      .filter((i): i is MessageItem => i.kind === 'message')
      .sort((a, b) => a.serial - b.serial)
      .map((m) => ({ id: m.id, subject: m.subject, internetMessageId: m.internetMessageId, from: m.from, to: m.to, isRead: m.isRead, mime: m.mime, extended: extendedRecord(m) }));
  }

  sentItems(mailbox: string): MessageView[] {
    return this.folderMessages(mailbox, 'sentitems');
  }

  private calendarItems(mb: Mailbox): CalendarItem[] {
    return [...mb.items.values()].filter((i): i is CalendarItem => i.kind === 'calendar' && mb.folders.get(i.folderId)?.folderClass === 'IPF.Appointment');
  }

  events(mailbox: string): EventView[] {
    const mb = this.store.mustMailbox(mailbox);
    return this.calendarItems(mb)
      .sort((a, b) => a.start - b.start || a.serial - b.serial)
      .map((c) => ({
        id: c.id,
        changeKey: c.changeKey,
        uid: c.uid,
        subject: c.subject,
        body: c.body,
        location: c.location,
        start: formatUtc(c.start),
        end: formatUtc(c.end),
        isAllDay: c.isAllDay,
        sensitivity: c.sensitivity,
        startTimeZone: c.startTimeZone,
        ...(c.recurrence ? { recurrence: c.recurrence } : {}),
        modifiedOccurrences: [...c.exceptions.keys()].sort((a, b) => a - b).map(formatUtc),
        deletedOccurrences: [...c.deletedOccurrences].sort((a, b) => a - b).map(formatUtc),
        extended: extendedRecord(c),
      }));
  }

  createProviderEvent(mailbox: string, spec: ProviderEventSpec): string {
    const mb = this.store.mustMailbox(mailbox);
    return createCalendarItem(this.store, mb, this.store.distinguished(mb, 'calendar').id, fields(spec)).id;
  }

  private calendarItem(mb: Mailbox, id: string): CalendarItem {
    const { item } = this.store.resolveItemId(mb, id);
    if (item.kind !== 'calendar') throw new EwsError('ErrorItemNotFound', `${id} is not a calendar item`);
    return item;
  }

  /** Edits a series or single event; with `occurrenceStart` (ISO) only that occurrence becomes an exception. */
  updateProviderEvent(mailbox: string, id: string, patch: Partial<ProviderEventSpec> & { occurrenceStart?: string }): void {
    const mb = this.store.mustMailbox(mailbox);
    const item = this.calendarItem(mb, id);
    const parsed = fields(patch);
    if (patch.occurrenceStart) {
      modifyOccurrence(this.store, mb, item, this.originalStart(item, patch.occurrenceStart), parsed);
      return;
    }
    applyCalendarFields(item, parsed);
    this.store.touch(mb, item, parsed.touched);
  }

  deleteProviderEvent(mailbox: string, id: string, occurrenceStart?: string): void {
    const mb = this.store.mustMailbox(mailbox);
    const item = this.calendarItem(mb, id);
    if (occurrenceStart) deleteOccurrence(this.store, mb, item, this.originalStart(item, occurrenceStart));
    else this.store.removeItem(mb, item);
  }

  private originalStart(item: CalendarItem, iso: string): number {
    const at = time(iso) ?? Number.NaN;
    if (!seriesStarts(item, at + 1).includes(at)) throw new Error(`${iso} is not an occurrence of ${item.subject}`);
    return at;
  }

  /** The old password stops working at once (HTTP 401), as after a reset in Active Directory. */
  changePassword(mailbox: string, newPassword: string): void {
    this.store.mustMailbox(mailbox).password = newPassword;
  }

  /** Deterministic realistic mail (Inbox / Sent Items) and events (Calendar) from sim/common/seed. */
  seed(mailbox: string, options: SeedOptions): SeedResult {
    return seedMailbox(this.store, this.store.mustMailbox(mailbox), options);
  }

  /** Every SyncState issued so far is refused with ErrorInvalidSyncStateData. */
  expireSyncState(mailbox: string): void {
    this.store.mustMailbox(mailbox).syncEpoch++;
  }
}
