/**
 * Delivers `relay_send` outbox rows through the company's SMTP relay, DKIM-signed with the sending
 * domain's key; the activity goes queued → sent, or failed with the relay's own answer.
 *
 * Exactly-once. The outbox row's idempotency key is the Message-ID, so the same mail is never queued
 * twice. A mailbox send can look in Sent after an ambiguous failure; SMTP has no such lookup
 * (RFC 5321 offers no "did you take message X"). So the rule here is: resend only when the failure
 * proves the relay took nothing, and otherwise mark the mail "sent, unconfirmed" rather than risk a
 * second copy in the customer's inbox. Concretely:
 *  - a refusal with a reply code (4xx / 5xx), or a failure before the message was offered
 *    (connect, TLS, login), proves nothing was accepted: the worker's retry policy applies;
 *  - a connection lost after the message was offered (mapSmtpError's `ambiguous`) may have been
 *    delivered: sent, unconfirmed, no resend;
 *  - a worker that died mid-handover leaves the activity marked "handing over" (set just before the
 *    session opens); the repeat finds the mark and treats it the same way.
 */
import { z } from 'zod';
import { isProviderError, ProviderError } from '../../providers/errors';
import { sendThroughRelay, type RelaySendResult } from '../../mailauth';
import type { OutboxRow } from '../../store/repos/outbox';
import type { Vault } from '../../store/vault';
import type { OutboxContext, OutboxHandler } from '../outbox-worker';
import { loadRelaySettings, signingKeyOf } from './relay-store';

export const relayPayloadSchema = z.object({
  messageId: z.string().min(3),
  mimeBase64: z.string(),
  recipients: z.array(z.string()).min(1),
  /** Envelope sender (MAIL FROM); also the From of the message. */
  from: z.string().min(3),
  /** The sending domain whose DKIM key signs. */
  domain: z.string().min(1),
});
export type RelayPayload = z.infer<typeof relayPayloadSchema>;

/** Kept in the activity's failure reason while a session is open; a repeat that finds it must not resend. */
export const handoverMark = 'relay: handing over to the SMTP relay';

export const unconfirmedNote =
  'Sent, unconfirmed: the connection to the SMTP relay was lost after the message was handed over, so it was probably delivered. ' +
  'Tandem does not send it again, to avoid a duplicate; check with the recipient if in doubt.';

function payloadOf(row: OutboxRow): RelayPayload {
  const parsed = relayPayloadSchema.safeParse(row.payload);
  if (!parsed.success) throw new ProviderError('invalid_input', `relay_send row ${row.id} has an unreadable payload`, { code: 'bad_payload' });
  return parsed.data;
}

function rejectedNote(result: RelaySendResult): string | null {
  if (result.rejected.length === 0) return null;
  return `Sent, but undeliverable to ${result.rejected.map((r) => `${r.recipient} (${r.response})`).join('; ')}`.slice(0, 1000);
}

export function relaySendHandler(deps: { vault: Vault }): OutboxHandler {
  const setActivity = async (ctx: OutboxContext, row: OutboxRow, status: 'queued' | 'sent', reason: string | null) => {
    if (row.activityId) await ctx.db.repos.activities.setStatus(ctx.scope, row.activityId, status, reason);
  };

  return {
    kind: 'relay_send',
    needsProvider: false,

    async alreadyDone(row, _provider, ctx) {
      if (!row.activityId) return false;
      const activity = await ctx.db.repos.activities.get(ctx.scope, row.activityId);
      // Sent already (the worker died before marking the row), or a handover was under way.
      return activity !== undefined && (activity.status === 'sent' || activity.failureReason === handoverMark);
    },

    async deliver(row, _provider, ctx) {
      const p = payloadOf(row);
      const settings = await loadRelaySettings(ctx.db, deps.vault, ctx.scope);
      if (!settings) throw new ProviderError('permanent', 'The company SMTP relay is no longer set up; an administrator must configure it again.', { code: 'relay_not_configured' });
      const domain = await ctx.db.repos.mailRelays.getDomain(ctx.scope, p.domain);
      if (!domain) throw new ProviderError('permanent', `${p.domain} is no longer a sending domain, so the mail cannot be signed.`, { code: 'domain_removed' });
      const key = signingKeyOf(deps.vault, domain);

      await setActivity(ctx, row, 'queued', handoverMark);
      let result: RelaySendResult;
      try {
        result = await sendThroughRelay(settings, { mime: new Uint8Array(Buffer.from(p.mimeBase64, 'base64')), messageId: p.messageId, recipients: p.recipients, from: p.from }, key, { clock: ctx.clock });
      } catch (e) {
        if (isProviderError(e) && e.ambiguous) {
          ctx.logger.warn({ code: e.code, messageId: p.messageId }, 'relay connection lost after handover; marked sent, unconfirmed');
          await setActivity(ctx, row, 'sent', unconfirmedNote);
          return;
        }
        // The relay answered (or was never reached): nothing was taken, a retry may send.
        await setActivity(ctx, row, 'queued', null);
        throw e;
      }
      ctx.logger.info({ messageId: p.messageId, accepted: result.accepted.length, rejected: result.rejected.length }, 'sent through the SMTP relay');
      await setActivity(ctx, row, 'sent', rejectedNote(result));
    },

    async onDelivered(row, ctx) {
      // deliver() records the outcome itself; a repeat found already done still says so.
      if (!row.activityId) return;
      const activity = await ctx.db.repos.activities.get(ctx.scope, row.activityId);
      if (activity?.status === 'queued') await setActivity(ctx, row, 'sent', unconfirmedNote);
    },

    async onDead(row, reason, ctx) {
      if (row.activityId) await ctx.db.repos.activities.setStatus(ctx.scope, row.activityId, 'failed', reason);
    },
  };
}
