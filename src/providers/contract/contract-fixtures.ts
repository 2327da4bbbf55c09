/** Messages and events the contract suite uses; deterministic, CRLF line ends as RFC 5322 requires. */
import type { EventInput } from '../provider';

let counter = 0;

export function testMessage(tag: string, o: { from?: string; to?: string; body?: string } = {}): { raw: Uint8Array; messageId: string } {
  counter++;
  const messageId = `<contract-${tag}-${counter}@tandem.test>`;
  const text = [
    `From: ${o.from ?? 'Carol Client <carol@client.test>'}`,
    `To: ${o.to ?? 'user@tandem.test'}`,
    `Subject: Contract ${tag} ${counter}`,
    'Date: Mon, 02 Nov 2026 09:00:00 +0000',
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    o.body ?? `Hello from ${tag} — grüße.`,
    '',
  ].join('\r\n');
  return { raw: new TextEncoder().encode(text), messageId };
}

export function appointment(tandemId: string, over: Partial<EventInput> = {}): EventInput {
  return {
    tandemId,
    subject: `Appointment ${tandemId}`,
    bodyText: 'Discuss the quote',
    location: 'Office',
    start: { local: '2026-11-10T09:00:00', timeZone: 'Europe/Berlin' },
    end: { local: '2026-11-10T10:00:00', timeZone: 'Europe/Berlin' },
    allDay: false,
    sensitivity: 'normal',
    attendees: [{ email: 'carol@client.test', name: 'Carol Client' }],
    ...over,
  };
}
