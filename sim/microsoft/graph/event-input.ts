/** Validates event JSON from POST / PATCH into the simulator's fields, rejecting what Graph rejects. */
import type { Attendee, PatternedRecurrence } from '@microsoft/microsoft-graph-types';
import { GraphError, badRequest } from '../http';
import type { SimDateTime, SimEventFields, SimExtendedProperty } from '../types';
import { validateRecurrence } from './recurrence';
import { parseLocal, toIana, toWindows } from './timezones';

const sensitivities = ['normal', 'personal', 'private', 'confidential'];
const showAsValues = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'];

export interface EventPatch {
  fields: Partial<SimEventFields>;
  recurrence?: PatternedRecurrence | null;
  extendedProperties?: SimExtendedProperty[];
  transactionId?: string;
}

function enumError(field: string, value: unknown): GraphError {
  return new GraphError(400, 'RequestBodyRead', `Requested value '${String(value)}' was not found in the enumeration for ${field}.`);
}

function dateTime(value: unknown, field: string): SimDateTime {
  const v = value as { dateTime?: unknown; timeZone?: unknown } | null;
  if (typeof v !== 'object' || v === null || typeof v.dateTime !== 'string' || parseLocal(v.dateTime.replace(/Z$/, '')) === undefined) {
    throw badRequest(`${field} must have a valid dateTime.`, 'ErrorInvalidRequest');
  }
  const zone = typeof v.timeZone === 'string' && v.timeZone ? v.timeZone : 'UTC';
  if (!toIana(zone)) {
    throw new GraphError(400, 'TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`);
  }
  return { dateTime: v.dateTime.replace(/Z$/, '').slice(0, 19), timeZone: toWindows(zone) };
}

function attendees(value: unknown): Attendee[] {
  if (!Array.isArray(value)) throw badRequest('attendees must be a collection.', 'ErrorInvalidRequest');
  return value.map((a: unknown) => {
    const att = a as Attendee;
    if (typeof att?.emailAddress?.address !== 'string') throw badRequest('Each attendee needs an emailAddress.', 'ErrorInvalidRequest');
    return { type: att.type ?? 'required', emailAddress: att.emailAddress, status: { response: 'none', time: '0001-01-01T00:00:00Z' } };
  });
}

function extended(value: unknown): SimExtendedProperty[] {
  if (!Array.isArray(value)) throw badRequest('singleValueExtendedProperties must be a collection.', 'ErrorInvalidRequest');
  return value.map((p: unknown) => {
    const prop = p as { id?: unknown; value?: unknown };
    if (typeof prop?.id !== 'string' || !/^(String|Integer|Boolean|SystemTime|Binary|Guid|Double|Long|Short|Currency)\s/i.test(prop.id)) {
      throw badRequest('The extended property id is not valid.', 'ErrorInvalidProperty');
    }
    return { id: prop.id, value: String(prop.value ?? '') };
  });
}

export function parseEventPatch(json: Record<string, unknown>): EventPatch {
  const fields: Partial<SimEventFields> = {};
  const out: EventPatch = { fields };
  if ('subject' in json) fields.subject = String(json.subject ?? '');
  if ('body' in json) {
    const b = json.body as { contentType?: unknown; content?: unknown } | null;
    fields.body = { contentType: String(b?.contentType ?? 'text').toLowerCase() === 'html' ? 'html' : 'text', content: String(b?.content ?? '') };
  }
  if ('start' in json) fields.start = dateTime(json.start, 'start');
  if ('end' in json) fields.end = dateTime(json.end, 'end');
  if ('isAllDay' in json) fields.isAllDay = json.isAllDay === true;
  if ('sensitivity' in json) {
    if (!sensitivities.includes(String(json.sensitivity))) throw enumError('sensitivity', json.sensitivity);
    fields.sensitivity = json.sensitivity as SimEventFields['sensitivity'];
  }
  if ('showAs' in json) {
    if (!showAsValues.includes(String(json.showAs))) throw enumError('showAs', json.showAs);
    fields.showAs = json.showAs as SimEventFields['showAs'];
  }
  if ('location' in json) fields.location = String((json.location as { displayName?: unknown } | null)?.displayName ?? '');
  if ('attendees' in json) fields.attendees = attendees(json.attendees);
  if ('categories' in json) fields.categories = Array.isArray(json.categories) ? json.categories.map(String) : [];
  if ('recurrence' in json) out.recurrence = json.recurrence === null ? null : validateRecurrence(json.recurrence as PatternedRecurrence);
  if ('singleValueExtendedProperties' in json) out.extendedProperties = extended(json.singleValueExtendedProperties);
  if (typeof json.transactionId === 'string') out.transactionId = json.transactionId;
  return out;
}

/** Checks the combined result: end after start, all-day events on midnights. */
export function checkTimes(f: SimEventFields): void {
  const s = parseLocal(f.start.dateTime) ?? 0;
  const e = parseLocal(f.end.dateTime) ?? 0;
  if (f.isAllDay) {
    if (s % 86_400_000 !== 0 || e % 86_400_000 !== 0 || e <= s) {
      throw badRequest('For an all-day event, start and end must be midnight and end must be after start.', 'ErrorInvalidRequest');
    }
  } else if (f.start.timeZone === f.end.timeZone && e < s) {
    throw badRequest('The end of the event must be after its start.', 'ErrorInvalidRequest');
  }
}
