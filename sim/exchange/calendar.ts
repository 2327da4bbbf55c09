/**
 * Calendar items: reading a t:CalendarItem element into fields (for CreateItem and SetItemField),
 * series expansion with modified and deleted occurrences, and occurrence-level edits.
 */
import { type Attendee, type CalendarItem, type ExceptionData, type ExtendedValue, type FreeBusy, type Mailbox, type OccurrenceFields, type Sensitivity } from './model';
import { occurrenceStarts, parseRecurrence, RecurrenceError, type Recurrence } from './recurrence';
import { EwsError, type ExchangeStore } from './store';
import { ianaFor, isKnownWindowsZone, parseEwsDateTime } from './timezones';
import { child, children, textOf, type XNode } from './xml';

/** A request the schema would reject: answered with a SOAP fault, not a per-item error. */
export class SchemaError extends Error {}

const sensitivities: readonly Sensitivity[] = ['Normal', 'Personal', 'Private', 'Confidential'];
const freeBusyValues: readonly FreeBusy[] = ['Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere', 'NoData'];

export interface CalendarFields extends Partial<OccurrenceFields> {
  startTimeZone?: string;
  endTimeZone?: string;
  recurrence?: Recurrence | null;
  required?: Attendee[];
  optional?: Attendee[];
  uid?: string;
}

export interface ParsedItemFields {
  calendar: CalendarFields;
  extended: ExtendedValue[];
  /** FieldURIs present, for conflict detection. */
  touched: string[];
  /** Message-only fields. */
  isRead?: boolean;
  mime?: Buffer;
  toRecipients?: string[];
  ccRecipients?: string[];
  bccRecipients?: string[];
}

export function extendedKey(uri: Record<string, string>): string {
  const set = (uri.DistinguishedPropertySetId ?? uri.PropertySetId ?? '').toLowerCase();
  const name = uri.PropertyName ?? uri.PropertyId ?? uri.PropertyTag ?? '';
  return `${set}|${name}`.toLowerCase();
}

function attendees(node: XNode | undefined): Attendee[] {
  return children(node, 'Attendee').map((a) => {
    const email = (textOf(a, 'Mailbox', 'EmailAddress') ?? '').toLowerCase();
    const name = textOf(a, 'Mailbox', 'Name');
    const r = textOf(a, 'ResponseType');
    const out: Attendee = { email };
    if (name) out.name = name;
    if (r === 'Unknown' || r === 'Organizer' || r === 'Tentative' || r === 'Accept' || r === 'Decline' || r === 'NoResponseReceived') out.response = r;
    return out;
  });
}

function recipients(node: XNode | undefined): string[] {
  return children(node, 'Mailbox').map((m) => (textOf(m, 'EmailAddress') ?? '').toLowerCase()).filter(Boolean);
}

function zoneId(node: XNode | undefined): string | undefined {
  if (!node) return undefined;
  const id = node.attrs.Id ?? '';
  // A full definition (Periods/Transitions) may carry any id; a bare id must be one Exchange knows.
  if (!isKnownWindowsZone(id) && !child(node, 'Periods')) throw new EwsError('ErrorTimeZone', `Time zone ${id} is not valid.`);
  return id || 'UTC';
}

/**
 * Reads the properties of a t:Message / t:CalendarItem element. `zone` interprets date-times sent
 * without an offset (TimeZoneContext, or the item's own StartTimeZone).
 */
export function parseItemElement(node: XNode, zone: { context?: string; itemStartZone?: string }): ParsedItemFields {
  const cal: CalendarFields = {};
  const out: ParsedItemFields = { calendar: cal, extended: [], touched: [] };
  const startZone = zoneId(child(node, 'StartTimeZone'));
  const tzForTimes = ianaFor(startZone ?? zone.itemStartZone ?? zone.context ?? 'UTC');
  const time = (name: string): number | undefined => {
    const v = textOf(node, name);
    if (v === undefined) return undefined;
    const ms = parseEwsDateTime(v, tzForTimes);
    if (ms === null) throw new SchemaError(`The value '${v}' of element ${name} is not a valid dateTime.`);
    return ms;
  };
  for (const c of node.children) {
    const value = c.text.trim();
    switch (c.name) {
      case 'MimeContent':
        out.mime = Buffer.from(value, 'base64');
        out.touched.push('item:MimeContent');
        break;
      case 'Subject':
        cal.subject = c.text;
        out.touched.push('item:Subject');
        break;
      case 'Body':
        cal.body = c.text;
        cal.bodyType = c.attrs.BodyType === 'HTML' ? 'HTML' : 'Text';
        out.touched.push('item:Body');
        break;
      case 'Sensitivity': {
        const s = sensitivities.find((x) => x === value);
        if (!s) throw new SchemaError(`The value '${value}' is invalid according to its datatype SensitivityChoicesType.`);
        cal.sensitivity = s;
        out.touched.push('item:Sensitivity');
        break;
      }
      case 'ExtendedProperty': {
        const uri = child(c, 'ExtendedFieldURI')?.attrs ?? {};
        const single = textOf(c, 'Value');
        const many = children(child(c, 'Values'), 'Value').map((v) => v.text);
        out.extended.push({ uri, value: single ?? many.join('\u0000') });
        out.touched.push(`ext:${extendedKey(uri)}`);
        break;
      }
      case 'IsRead':
        out.isRead = value === 'true';
        out.touched.push('message:IsRead');
        break;
      case 'ToRecipients':
        out.toRecipients = recipients(c);
        break;
      case 'CcRecipients':
        out.ccRecipients = recipients(c);
        break;
      case 'BccRecipients':
        out.bccRecipients = recipients(c);
        break;
      case 'Start':
        cal.start = time('Start');
        out.touched.push('calendar:Start');
        break;
      case 'End':
        cal.end = time('End');
        out.touched.push('calendar:End');
        break;
      case 'IsAllDayEvent':
        cal.isAllDay = value === 'true';
        out.touched.push('calendar:IsAllDayEvent');
        break;
      case 'LegacyFreeBusyStatus': {
        const fb = freeBusyValues.find((x) => x === value);
        if (!fb) throw new SchemaError(`The value '${value}' is invalid for LegacyFreeBusyType.`);
        cal.freeBusy = fb;
        out.touched.push('calendar:LegacyFreeBusyStatus');
        break;
      }
      case 'Location':
        cal.location = c.text;
        out.touched.push('calendar:Location');
        break;
      case 'RequiredAttendees':
        cal.required = attendees(c);
        out.touched.push('calendar:RequiredAttendees');
        break;
      case 'OptionalAttendees':
        cal.optional = attendees(c);
        out.touched.push('calendar:OptionalAttendees');
        break;
      case 'Recurrence':
        try {
          cal.recurrence = parseRecurrence(c);
        } catch (e) {
          if (e instanceof RecurrenceError) throw new EwsError('ErrorCalendarInvalidRecurrence', e.message);
          throw e;
        }
        out.touched.push('calendar:Recurrence');
        break;
      case 'StartTimeZone':
        cal.startTimeZone = startZone;
        out.touched.push('calendar:StartTimeZone');
        break;
      case 'EndTimeZone':
        cal.endTimeZone = zoneId(c);
        out.touched.push('calendar:EndTimeZone');
        break;
      case 'UID':
        cal.uid = value;
        break;
      default:
        break;
    }
  }
  return out;
}

export function validateTimes(start: number, end: number): void {
  if (end < start) throw new EwsError('ErrorCalendarEndDateIsEarlierThanStartDate', 'EndDate is earlier than StartDate');
  if (end - start > 5 * 365 * 86_400_000) throw new EwsError('ErrorCalendarDurationIsTooLong', 'Duration is too long.');
}

export function createCalendarItem(store: ExchangeStore, mb: Mailbox, folderId: string, parsed: ParsedItemFields): CalendarItem {
  const f = parsed.calendar;
  if (f.start === undefined || f.end === undefined) throw new EwsError('ErrorCalendarEndDateIsEarlierThanStartDate', 'Start and End are required.');
  validateTimes(f.start, f.end);
  const item: CalendarItem = {
    ...store.baseFields(mb, folderId),
    kind: 'calendar',
    uid: f.uid ?? `040000008200E00074C5B7101A82E00800000000${store.hex(16)}`,
    subject: f.subject ?? '',
    body: f.body ?? '',
    bodyType: f.bodyType ?? 'Text',
    location: f.location ?? '',
    start: f.start,
    end: f.end,
    isAllDay: f.isAllDay ?? false,
    sensitivity: f.sensitivity ?? 'Normal',
    freeBusy: f.freeBusy ?? 'Busy',
    startTimeZone: f.startTimeZone ?? 'UTC',
    endTimeZone: f.endTimeZone ?? f.startTimeZone ?? 'UTC',
    organizer: { email: mb.address, name: mb.displayName, response: 'Organizer' },
    required: f.required ?? [],
    optional: f.optional ?? [],
    exceptions: new Map(),
    deletedOccurrences: new Set(),
    isCancelled: false,
  };
  if (f.recurrence) item.recurrence = f.recurrence;
  for (const e of parsed.extended) item.extended.set(extendedKey(e.uri), e);
  return store.insert(mb, item);
}

/** Applies changed fields to a master or single item; a new pattern or start drops the exceptions. */
export function applyCalendarFields(item: CalendarItem, parsed: ParsedItemFields): void {
  const f = parsed.calendar;
  const start = f.start ?? item.start;
  const end = f.end ?? (f.start !== undefined ? f.start + (item.end - item.start) : item.end);
  validateTimes(start, end);
  if (item.recurrence && (f.recurrence !== undefined || start !== item.start)) {
    item.exceptions.clear();
    item.deletedOccurrences.clear();
  }
  item.start = start;
  item.end = end;
  if (f.subject !== undefined) item.subject = f.subject;
  if (f.body !== undefined) item.body = f.body;
  if (f.bodyType !== undefined) item.bodyType = f.bodyType;
  if (f.location !== undefined) item.location = f.location;
  if (f.isAllDay !== undefined) item.isAllDay = f.isAllDay;
  if (f.sensitivity !== undefined) item.sensitivity = f.sensitivity;
  if (f.freeBusy !== undefined) item.freeBusy = f.freeBusy;
  if (f.startTimeZone !== undefined) item.startTimeZone = f.startTimeZone;
  if (f.endTimeZone !== undefined) item.endTimeZone = f.endTimeZone;
  if (f.required !== undefined) item.required = f.required;
  if (f.optional !== undefined) item.optional = f.optional;
  if (f.recurrence === null) delete item.recurrence;
  else if (f.recurrence !== undefined) item.recurrence = f.recurrence;
  for (const e of parsed.extended) item.extended.set(extendedKey(e.uri), e);
}

// ---------------------------------------------------------------- occurrences

export interface Instance {
  kind: 'Occurrence' | 'Exception';
  originalStart: number;
  start: number;
  end: number;
  fields: OccurrenceFields;
  changeKey: string;
}

function baseOccurrenceFields(m: CalendarItem): OccurrenceFields {
  return {
    subject: m.subject,
    body: m.body,
    bodyType: m.bodyType,
    location: m.location,
    start: m.start,
    end: m.end,
    isAllDay: m.isAllDay,
    sensitivity: m.sensitivity,
    freeBusy: m.freeBusy,
  };
}

export function instanceAt(master: CalendarItem, originalStart: number): Instance {
  const duration = master.end - master.start;
  const exc = master.exceptions.get(originalStart);
  const fields = { ...baseOccurrenceFields(master), start: originalStart, end: originalStart + duration };
  if (exc) {
    const { originalStart: _o, changeKey: _c, version: _v, modified: _m, ...overrides } = exc;
    Object.assign(fields, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)));
  }
  return {
    kind: exc ? 'Exception' : 'Occurrence',
    originalStart,
    start: fields.start,
    end: fields.end,
    fields,
    changeKey: exc?.changeKey ?? master.changeKey,
  };
}

/** Original starts of the series, without deleted occurrences. */
export function seriesStarts(master: CalendarItem, untilMs: number): number[] {
  if (!master.recurrence) return [];
  return occurrenceStarts(master.recurrence, master.start, ianaFor(master.startTimeZone), untilMs).filter((s) => !master.deletedOccurrences.has(s));
}

/** Instances overlapping [from, to). Exceptions moved into the window from up to 60 days away are found too. */
export function instancesIn(master: CalendarItem, from: number, to: number): Instance[] {
  return seriesStarts(master, to + 60 * 86_400_000)
    .map((s) => instanceAt(master, s))
    .filter((i) => i.start < to && i.end > from);
}

export function isSeriesStart(master: CalendarItem, originalStart: number): boolean {
  if (!master.recurrence || master.deletedOccurrences.has(originalStart)) return false;
  return occurrenceStarts(master.recurrence, master.start, ianaFor(master.startTimeZone), originalStart + 1).includes(originalStart);
}

export function modifyOccurrence(store: ExchangeStore, mb: Mailbox, master: CalendarItem, originalStart: number, parsed: ParsedItemFields): void {
  if (!isSeriesStart(master, originalStart)) throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
  const current = instanceAt(master, originalStart);
  const f = parsed.calendar;
  const start = f.start ?? current.start;
  const end = f.end ?? (f.start !== undefined ? f.start + (current.end - current.start) : current.end);
  validateTimes(start, end);
  const prev = master.exceptions.get(originalStart);
  const exc: ExceptionData = { ...prev, originalStart, version: (prev?.version ?? 0) + 1, changeKey: '', modified: store.now(), start, end };
  for (const key of ['subject', 'body', 'bodyType', 'location', 'isAllDay', 'sensitivity', 'freeBusy'] as const) {
    if (f[key] !== undefined) Object.assign(exc, { [key]: f[key] });
  }
  master.exceptions.set(originalStart, exc);
  // Exchange reports an exception edit as a change of the master in SyncFolderItems.
  store.touch(mb, master, [`occurrence:${originalStart}`]);
  exc.changeKey = master.changeKey;
}

export function deleteOccurrence(store: ExchangeStore, mb: Mailbox, master: CalendarItem, originalStart: number): void {
  if (!isSeriesStart(master, originalStart)) throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
  master.exceptions.delete(originalStart);
  master.deletedOccurrences.add(originalStart);
  store.touch(mb, master, [`occurrence:${originalStart}`]);
}

export function lastOccurrence(master: CalendarItem): number | undefined {
  if (!master.recurrence || master.recurrence.range.type === 'NoEnd') return undefined;
  const starts = seriesStarts(master, Number.POSITIVE_INFINITY);
  const last = starts[starts.length - 1];
  return last;
}
