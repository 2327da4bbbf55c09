/**
 * t:CalendarItem (as GetItem returns it with `eventShape`) → ProviderEvent. Times come back in UTC
 * (our requests set a UTC TimeZoneContext); the item's StartTimeZone (a Windows id) gives the zone
 * its wall-clock times are shown in. A zone we cannot name in IANA is shown in UTC: the instants stay
 * exact, only the displayed zone differs.
 */
import { toIanaZone, UnknownTimeZoneError } from '../../domain/timezones';
import { utcToLocal } from '../../domain/zoned-time';
import type { EventAttendee, ProviderEvent, Sensitivity } from '../provider';
import { child, children, textOf, type XNode } from './ews-xml';
import { fieldUri, itemShape, tandemIdProperty, tandemIdUri } from './ews-requests';
import { recurrenceToRrule, UnsupportedRecurrenceError } from './ews-recurrence';

const UTC_ZONE = 'Etc/UTC';

/** The properties every read of an event asks for (GetItem; FindItem cannot return body or attendees). */
export const eventShape = itemShape(
  'IdOnly',
  [
    'item:Subject',
    'item:Sensitivity',
    'item:Body',
    'calendar:UID',
    'calendar:Start',
    'calendar:End',
    'calendar:OriginalStart',
    'calendar:IsAllDayEvent',
    'calendar:LegacyFreeBusyStatus',
    'calendar:Location',
    'calendar:IsCancelled',
    'calendar:CalendarItemType',
    'calendar:Organizer',
    'calendar:RequiredAttendees',
    'calendar:OptionalAttendees',
    'calendar:Recurrence',
    'calendar:DeletedOccurrences',
    'calendar:StartTimeZone',
  ]
    .map(fieldUri)
    .concat(tandemIdUri()),
  'Text',
);

const kinds: Record<string, ProviderEvent['kind']> = { Single: 'single', RecurringMaster: 'seriesMaster', Occurrence: 'occurrence', Exception: 'exception' };
const sensitivities: Record<string, Sensitivity> = { Normal: 'normal', Personal: 'personal', Private: 'private', Confidential: 'confidential' };
const showAs: Record<string, NonNullable<ProviderEvent['showAs']>> = { Free: 'free', Tentative: 'tentative', Busy: 'busy', OOF: 'oof', WorkingElsewhere: 'workingElsewhere' };
const responses: Record<string, EventAttendee['response']> = { Accept: 'accepted', Tentative: 'tentative', Decline: 'declined' };

// windows-iana scans its table on every look-up; a sync maps the same few zones thousands of times.
const zoneCache = new Map<string, string>();

export function zoneOf(item: XNode): string {
  const id = child(item, 'StartTimeZone')?.attrs.Id;
  if (!id) return UTC_ZONE;
  let zone = zoneCache.get(id);
  if (zone === undefined) {
    try {
      zone = toIanaZone(id);
    } catch (e) {
      if (!(e instanceof UnknownTimeZoneError)) throw e;
      zone = UTC_ZONE;
    }
    zoneCache.set(id, zone);
  }
  return zone;
}

function iso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function mailbox(node: XNode | undefined): EventAttendee | undefined {
  const email = textOf(node, 'EmailAddress');
  if (!email) return undefined;
  const name = textOf(node, 'Name');
  return { email: email.toLowerCase(), ...(name && name !== email ? { name } : {}) };
}

function attendees(item: XNode): EventAttendee[] {
  const list = [...children(child(item, 'RequiredAttendees'), 'Attendee'), ...children(child(item, 'OptionalAttendees'), 'Attendee')];
  return list.flatMap((a) => {
    const who = mailbox(child(a, 'Mailbox'));
    if (!who) return [];
    return [{ ...who, response: responses[textOf(a, 'ResponseType') ?? ''] ?? 'none' }];
  });
}

function tandemIdOf(item: XNode): string | undefined {
  const prop = children(item, 'ExtendedProperty').find((p) => child(p, 'ExtendedFieldURI')?.attrs.PropertyName === tandemIdProperty.PropertyName);
  return textOf(prop, 'Value') || undefined;
}

export interface ReadContext {
  /** Master providerId for occurrences and exceptions (found through RecurringMasterItemId). */
  seriesMasterId?: string;
  /** Zone of the series when the instance itself does not state one. */
  zone?: string;
}

export function toProviderEvent(item: XNode, context: ReadContext = {}): ProviderEvent {
  const idNode = child(item, 'ItemId');
  const kind = kinds[textOf(item, 'CalendarItemType') ?? 'Single'] ?? 'single';
  const zone = child(item, 'StartTimeZone') ? zoneOf(item) : (context.zone ?? UTC_ZONE);
  const allDay = textOf(item, 'IsAllDayEvent') === 'true';
  const time = (name: 'Start' | 'End') => {
    const local = utcToLocal(new Date(iso(textOf(item, name)) ?? 0), zone);
    return { local: allDay ? local.slice(0, 10) : local, timeZone: zone };
  };
  const event: ProviderEvent = {
    providerId: idNode?.attrs.Id ?? '',
    etag: idNode?.attrs.ChangeKey ?? '',
    kind,
    subject: textOf(item, 'Subject') ?? '',
    start: time('Start'),
    end: time('End'),
    allDay,
    sensitivity: sensitivities[textOf(item, 'Sensitivity') ?? ''] ?? 'normal',
    attendees: attendees(item),
  };
  const uid = textOf(item, 'UID');
  if (uid) event.iCalUid = uid;
  const body = child(item, 'Body')?.text;
  if (body) event.bodyText = body;
  const location = textOf(item, 'Location');
  if (location) event.location = location;
  const freeBusy = showAs[textOf(item, 'LegacyFreeBusyStatus') ?? ''];
  if (freeBusy) event.showAs = freeBusy;
  const organizer = mailbox(child(child(item, 'Organizer'), 'Mailbox'));
  if (organizer) event.organizer = organizer;
  const tandemId = tandemIdOf(item);
  if (tandemId) event.tandemId = tandemId;
  if (textOf(item, 'IsCancelled') === 'true') event.cancelled = true;
  if (kind === 'occurrence' || kind === 'exception') {
    if (context.seriesMasterId) event.seriesMasterId = context.seriesMasterId;
    const original = iso(textOf(item, 'OriginalStart')) ?? (kind === 'occurrence' ? iso(textOf(item, 'Start')) : undefined);
    if (original) event.originalStart = original;
  }
  const recurrence = child(item, 'Recurrence');
  if (kind === 'seriesMaster' && recurrence) {
    try {
      const exdates = children(child(item, 'DeletedOccurrences'), 'DeletedOccurrence').flatMap((d) => iso(textOf(d, 'Start')) ?? []);
      event.recurrence = { rrule: recurrenceToRrule(recurrence, zone, allDay), exdates };
    } catch (e) {
      // A pattern we cannot express leaves the master without a rule; its instances still arrive.
      if (!(e instanceof UnsupportedRecurrenceError)) throw e;
    }
  }
  return event;
}
