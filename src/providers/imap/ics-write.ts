/**
 * EventInput → iCalendar text for a Tandem-made event. The UID derives from our id, so a retried
 * create lands on the same resource, and X-TANDEM-ID marks the event as ours when it comes back.
 * Timed events carry TZID and a VTIMEZONE generated from the IANA rules (RFC 5545 §3.6.5).
 */
import type { EventInput } from '../provider';
import { vtimezoneLines } from './time-zones';

export function uidForTandemId(tandemId: string): string {
  return `tandem-${tandemId}`;
}

function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

function escapeParam(value: string): string {
  // Parameter values cannot escape; quote them and drop the characters quoting cannot carry.
  return `"${value.replace(/["\r\n]/g, '')}"`;
}

/** Folds at 75 octets (RFC 5545 §3.1), never splitting a UTF-8 sequence. */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    const limit = parts.length === 0 ? 75 : 74;
    if (size + n > limit) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const compact = (local: string) => local.replace(/[-:]/g, '');

function utcStamp(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

const classOf = { normal: 'PUBLIC', personal: 'PRIVATE', private: 'PRIVATE', confidential: 'CONFIDENTIAL' } as const;
const partstatOf = { none: 'NEEDS-ACTION', accepted: 'ACCEPTED', tentative: 'TENTATIVE', declined: 'DECLINED' } as const;

export function writeEventIcs(input: EventInput, o: { uid: string; sequence: number; now: Date; organizer?: string }): string {
  const zones = input.allDay || input.start.timeZone === 'UTC' ? [] : [...new Set([input.start.timeZone, input.end.timeZone])];
  const time = (name: string, t: EventInput['start']) => {
    if (input.allDay) return `${name};VALUE=DATE:${compact(t.local.slice(0, 10))}`;
    if (t.timeZone === 'UTC') return `${name}:${compact(t.local)}Z`;
    return `${name};TZID=${t.timeZone}:${compact(t.local)}`;
  };
  const year = Number(input.start.local.slice(0, 4));
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tandem//Tandem CRM//EN',
    'CALSCALE:GREGORIAN',
    ...zones.flatMap((z) => vtimezoneLines(z, year - 1, year + 1)),
    'BEGIN:VEVENT',
    `UID:${o.uid}`,
    `DTSTAMP:${utcStamp(o.now)}`,
    `SEQUENCE:${o.sequence}`,
    time('DTSTART', input.start),
    time('DTEND', input.end),
    `SUMMARY:${escapeText(input.subject)}`,
    ...(input.bodyText ? [`DESCRIPTION:${escapeText(input.bodyText)}`] : []),
    ...(input.location ? [`LOCATION:${escapeText(input.location)}`] : []),
    `CLASS:${classOf[input.sensitivity]}`,
    'TRANSP:OPAQUE',
    ...(o.organizer ? [`ORGANIZER:mailto:${o.organizer}`] : []),
    ...input.attendees.map(
      (a) => `ATTENDEE${a.name ? `;CN=${escapeParam(a.name)}` : ''};PARTSTAT=${partstatOf[a.response ?? 'none']}:mailto:${a.email}`,
    ),
    `X-TANDEM-ID:${escapeText(input.tandemId)}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
