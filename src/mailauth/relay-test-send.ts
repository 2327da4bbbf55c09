/**
 * The settings page's "send test": one short message through the relay with the settings as typed,
 * answered in words the administrator can act on instead of an exception.
 */
import type { Clock } from '../domain/clock';
import type { ProviderErrorKind } from '../providers/errors';
import { signMessage, type SigningKey } from './dkim-sign';
import { RelayError } from './map-smtp-error';
import { domainOf } from './mime-headers';
import { deliver } from './relay-sender';
import type { RelaySettings } from './relay-settings';

export interface TestSendInput {
  from: string;
  to: string;
  /** Sign with the domain's key when there is one, so the test also shows the signature. */
  key?: SigningKey;
}

export type TestSendResult =
  | { ok: true; messageId: string; response: string; signed: boolean }
  | { ok: false; kind: ProviderErrorKind; code: string; message: string; relayResponse?: string };

export interface TestSendDeps {
  clock: Clock;
  /** Unique part of the test message's Message-ID. */
  newId: () => string;
}

export async function testSend(settings: RelaySettings, input: TestSendInput, deps: TestSendDeps): Promise<TestSendResult> {
  const now = deps.clock.now();
  const messageId = `<relay-test.${deps.newId()}@${domainOf(input.from)}>`;
  const mime = Buffer.from(
    [
      `From: ${input.from}`,
      `To: ${input.to}`,
      'Subject: Tandem SMTP relay test',
      `Date: ${now.toUTCString()}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 7bit',
      '',
      'This is a test message from Tandem. If you can read it, the SMTP relay settings work.',
      '',
    ].join('\r\n'),
    'utf8',
  );
  try {
    const bytes = input.key ? await signMessage(mime, input.key, now) : mime;
    const result = await deliver(settings, { from: input.from, recipients: [input.to], messageId }, bytes);
    const refused = result.rejected[0];
    if (refused) return { ok: false, kind: 'permanent', code: 'recipient_rejected', message: `failed / undeliverable: ${refused.response}`, relayResponse: refused.response };
    return { ok: true, messageId, response: result.response, signed: input.key !== undefined };
  } catch (err) {
    if (err instanceof RelayError) {
      return { ok: false, kind: err.kind, code: err.code ?? err.kind, message: err.message, ...(err.relayResponse ? { relayResponse: err.relayResponse } : {}) };
    }
    throw err;
  }
}
