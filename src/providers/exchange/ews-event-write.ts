/**
 * EventInput → the t:CalendarItem properties EWS takes, once, as a list of (path, element) pairs in
 * types.xsd order: CreateItem concatenates the elements, UpdateItem turns each into SetItemField (or
 * DeleteItemField when the value is now empty). Times are sent in UTC with the wall-clock zone as
 * StartTimeZone / EndTimeZone (Windows ids; Exchange 2010+), which is how Exchange keeps a series'
 * local time across DST. An all-day event runs from midnight to midnight in its zone.
 */
import { ianaToWindows, UnknownTimeZoneError } from '../../domain/timezones';
import { localToUtc } from '../../domain/zoned-time';
import { ProviderError } from '../errors';
import type { EventInput, EventTime, Sensitivity } from '../provider';
import { el, tx } from './ews-xml';
import { fieldUri, tandemIdProperty, tandemIdUri } from './ews-requests';

interface Property {
  /** t:FieldURI or t:ExtendedFieldURI element naming the property. */
  path: string;
  /** The property's element, or null when it is to be emptied. */
  element: string | null;
}

const sensitivities: Record<Sensitivity, string> = { normal: 'Normal', personal: 'Personal', private: 'Private', confidential: 'Confidential' };

function windowsZone(iana: string): string {
  try {
    return ianaToWindows(iana);
  } catch (e) {
    if (e instanceof UnknownTimeZoneError) throw new ProviderError('invalid_input', `Exchange has no time zone for "${iana}"`, { code: e.code });
    throw e;
  }
}

function utc(t: EventTime, allDay: boolean): string {
  const local = allDay ? `${t.local.slice(0, 10)}T00:00:00` : t.local;
  try {
    return localToUtc(local, t.timeZone).toISOString().replace(/\.\d{3}Z$/, 'Z');
  } catch (e) {
    throw new ProviderError('invalid_input', `Bad event time "${t.local}" in "${t.timeZone}"`, { code: 'bad_event_time', cause: e });
  }
}

export function eventProperties(input: EventInput): Property[] {
  const field = (uri: string, element: string | null): Property => ({ path: fieldUri(uri), element });
  const attendees = input.attendees.map((a) => el('t:Attendee', null, el('t:Mailbox', null, tx('t:Name', a.name), tx('t:EmailAddress', a.email))));
  return [
    field('item:Subject', tx('t:Subject', input.subject)),
    field('item:Sensitivity', tx('t:Sensitivity', sensitivities[input.sensitivity])),
    field('item:Body', input.bodyText ? tx('t:Body', input.bodyText, { BodyType: 'Text' }) : null),
    { path: tandemIdUri(), element: el('t:ExtendedProperty', null, el('t:ExtendedFieldURI', tandemIdProperty), tx('t:Value', input.tandemId)) },
    field('calendar:Start', tx('t:Start', utc(input.start, input.allDay))),
    field('calendar:End', tx('t:End', utc(input.end, input.allDay))),
    field('calendar:IsAllDayEvent', tx('t:IsAllDayEvent', input.allDay)),
    field('calendar:Location', input.location ? tx('t:Location', input.location) : null),
    field('calendar:RequiredAttendees', attendees.length > 0 ? el('t:RequiredAttendees', null, attendees) : null),
    field('calendar:StartTimeZone', el('t:StartTimeZone', { Id: windowsZone(input.start.timeZone) })),
    field('calendar:EndTimeZone', el('t:EndTimeZone', { Id: windowsZone(input.end.timeZone) })),
  ];
}

/** The t:CalendarItem for CreateItem. */
export function calendarItemXml(input: EventInput): string {
  return el(
    't:CalendarItem',
    null,
    eventProperties(input).map((p) => p.element),
  );
}

/** The t:Updates of an UpdateItem ItemChange replacing every property Tandem owns. */
export function eventUpdatesXml(input: EventInput): string {
  return el(
    't:Updates',
    null,
    eventProperties(input).map((p) => (p.element === null ? el('t:DeleteItemField', null, p.path) : el('t:SetItemField', null, p.path, el('t:CalendarItem', null, p.element)))),
  );
}
