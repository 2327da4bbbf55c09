/**
 * Mail written in the CRM goes out through the user's own mailbox, so it sits in their Sent folder.
 * `queueEmail` writes the outbound activity (status queued) and its outbox row in ONE transaction;
 * the outbox worker then delivers it with `sendMailHandler`. The Message-ID is made once and is the
 * row's idempotency key: after an ambiguous failure (timeout after the provider accepted) the worker
 * asks the handler to look for it in Sent before sending again, so a send never goes out twice.
 * A user with no mailbox at all sends through the company SMTP relay instead (sync/relay), when the
 * relay is set up and their domain passes its SPF/DKIM/DMARC check.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { systemClock, type Clock } from '../../domain/clock';
import { ProviderError } from '../../providers/errors';
import type { Db } from '../../store/db';
import type { ConnectedAccount } from '../../store/repos/accounts';
import type { Activity } from '../../store/repos/activities';
import type { OutboxRow } from '../../store/repos/outbox';
import { regardingTypes } from '../../store/repos/records';
import type { AttachmentMeta } from '../../store/schema';
import { defaultMaxAttachmentBytes, type BlobStore } from '../capture/blob-store';
import { requireMail } from '../capture/require-mail';
import { ComposeError, composeMime, type OutgoingAttachment } from '../mail/compose-mime';
import { htmlToPlainText, sanitizeEmailHtml } from '../mail/sanitize-html';
import type { OutboxHandler } from '../outbox-worker';
import { RelayRefusedError, relayRouteFor, type RelayRoute } from '../relay/relay-route';

const recipient = z.object({ address: z.email().max(320), name: z.string().trim().max(200).optional() });
const recipients = z.array(recipient).max(100);

export const emailInputSchema = z.object({
  to: recipients.min(1),
  cc: recipients.optional(),
  bcc: recipients.optional(),
  subject: z.string().max(998),
  text: z.string().max(2_000_000).optional(),
  html: z.string().max(5_000_000).optional(),
  regarding: z.object({ type: z.enum(regardingTypes), id: z.uuid() }).optional(),
  attachments: z
    .array(z.object({ filename: z.string().min(1).max(255), contentType: z.string().min(1).max(255).default('application/octet-stream'), contentBase64: z.base64() }))
    .max(20)
    .optional(),
  /** Which of the user's connected mailboxes to send from; the first connected one by default. */
  accountId: z.uuid().optional(),
});
export type EmailInput = z.input<typeof emailInputSchema>;

export type SendErrorCode = 'not_connected' | 'invalid_input';

export class SendError extends Error {
  override name = 'SendError';
  constructor(
    readonly code: SendErrorCode,
    message: string,
    /** For invalid_input: the field at fault, as a path into the input ("subject", "to.1.address"). */
    readonly fields: { path: string; message: string }[] = [],
    /** For not_connected from the relay gate: why the relay refused, and the records to fix. */
    readonly relayRefusal?: RelayRefusedError,
  ) {
    super(message);
  }
}

export interface QueueEmailDeps {
  clock?: Clock;
  /** UUID source of the Message-ID. */
  newId?: () => string;
  /** Where attachment bytes are kept (default the database). */
  blobs?: BlobStore;
  maxAttachmentBytes?: number;
}

export interface QueuedEmail {
  activity: Activity;
  outboxId: string;
  messageId: string;
}

/** What the outbox row carries: everything a retry needs, so it never composes again. */
const payloadSchema = z.object({ messageId: z.string().min(3), mimeBase64: z.string(), recipients: z.array(z.string()).min(1) });

const notConnected = 'No mailbox is connected for sending; connect one in User Settings → Sync, or ask an administrator to set up the SMTP relay.';

/** The user's mailbox, else (no mailbox at all) the company relay when its gate allows. */
async function senderRoute(db: Db, scope: { companyId: string }, userId: string, accountId: string | undefined, now: Date): Promise<{ account: ConnectedAccount; relay?: undefined } | { account?: undefined; relay: RelayRoute }> {
  // needs_reconnect is fine: the row waits and goes out once the user reconnects; disabled is not.
  const accounts = (await db.repos.accounts.listForUser(scope, userId)).filter((a) => a.status !== 'disabled');
  const account = accountId ? accounts.find((a) => a.id === accountId) : accounts[0];
  if (account) return { account };
  if (accountId) throw new SendError('not_connected', notConnected);
  try {
    return { relay: await relayRouteFor(db, scope, userId, now) };
  } catch (e) {
    if (e instanceof RelayRefusedError) throw new SendError('not_connected', e.code === 'relay_not_configured' ? notConnected : e.message, [], e);
    throw e;
  }
}

function decodeAttachments(input: z.output<typeof emailInputSchema>['attachments'], limit: number): OutgoingAttachment[] {
  const out = (input ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: new Uint8Array(Buffer.from(a.contentBase64, 'base64')) }));
  const total = out.reduce((n, a) => n + a.content.byteLength, 0);
  if (total > limit) throw new SendError('invalid_input', 'Attachments are too large', [{ path: 'attachments', message: `together over the ${limit}-byte limit` }]);
  return out;
}

export async function queueEmail(db: Db, scope: { companyId: string }, user: { id: string }, input: unknown, deps: QueueEmailDeps = {}): Promise<QueuedEmail> {
  const parsed = emailInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new SendError(
      'invalid_input',
      'Some fields are missing or invalid.',
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }
  const body = parsed.data;
  const clock = deps.clock ?? systemClock;
  const now = clock.now();
  const { account, relay } = await senderRoute(db, scope, user.id, body.accountId, now);
  const sender = await db.repos.users.get(scope, user.id);
  const attachments = decodeAttachments(body.attachments, deps.maxAttachmentBytes ?? defaultMaxAttachmentBytes);
  const from = { address: account ? account.mailboxAddress : relay.from, ...(sender?.name ? { name: sender.name } : {}) };
  let composed;
  try {
    composed = await composeMime(
      {
        from,
        to: body.to,
        ...(body.cc ? { cc: body.cc } : {}),
        ...(body.bcc ? { bcc: body.bcc } : {}),
        subject: body.subject,
        ...(body.text !== undefined ? { text: body.text } : {}),
        ...(body.html !== undefined ? { html: body.html } : {}),
        attachments,
        date: now,
      },
      { newId: deps.newId ?? randomUUID },
    );
  } catch (e) {
    if (e instanceof ComposeError) throw new SendError('invalid_input', e.message, [{ path: e.field.replace(/\[(\d+)\]/g, '.$1'), message: e.message }]);
    throw e;
  }
  const blobs = deps.blobs ?? db.repos.blobs;
  const metas: AttachmentMeta[] = [];
  for (const a of attachments) metas.push({ name: a.filename, contentType: a.contentType, size: a.content.byteLength, sha256: (await blobs.put(scope, a.content)).sha256 });

  return db.transaction(async (tx) => {
    if (body.regarding && !(await tx.repos.records.findRegarding(scope, body.regarding.type, body.regarding.id))) {
      throw new SendError('invalid_input', 'Regarding names no record of this company', [{ path: 'regarding', message: `${body.regarding.type} not found` }]);
    }
    const matches = await tx.repos.contacts.matchAddresses(scope, composed.recipients);
    const { activity } = await tx.repos.activities.create(scope, {
      type: 'email',
      direction: 'outbound',
      subject: body.subject,
      from,
      to: body.to,
      cc: body.cc ?? [],
      occurredAt: now,
      bodyText: body.text ?? (body.html ? htmlToPlainText(body.html) : ''),
      bodyHtml: body.html ? sanitizeEmailHtml(body.html).html : null,
      attachments: metas,
      status: 'queued',
      regarding: body.regarding ?? null,
      // The same key capture uses: if the user later drops the sent copy into Tandem, it is this activity.
      dedupeKey: composed.messageId,
      accountId: account?.id ?? null,
      createdBy: user.id,
      contactIds: matches.map((m) => m.contactId),
    });
    const payload = { messageId: composed.messageId, mimeBase64: Buffer.from(composed.mime).toString('base64'), recipients: composed.recipients };
    const { row } = await tx.repos.outbox.enqueue(scope, {
      ...(account ? { kind: 'send_mail', accountId: account.id, payload } : { kind: 'relay_send', accountId: null, payload: { ...payload, from: relay.from, domain: relay.domain } }),
      activityId: activity.id,
      idempotencyKey: composed.messageId,
      now,
    });
    return { activity, outboxId: row.id, messageId: composed.messageId };
  });
}

function payloadOf(row: OutboxRow): z.infer<typeof payloadSchema> {
  const parsed = payloadSchema.safeParse(row.payload);
  if (!parsed.success) throw new ProviderError('invalid_input', `send_mail row ${row.id} has an unreadable payload`, { code: 'bad_payload' });
  return parsed.data;
}

export const sendMailHandler: OutboxHandler = {
  kind: 'send_mail',
  needsProvider: true,

  async alreadyDone(row, provider) {
    return (await requireMail(provider).findSent(payloadOf(row).messageId)) !== null;
  },

  async deliver(row, provider) {
    const p = payloadOf(row);
    await requireMail(provider).send({ mime: new Uint8Array(Buffer.from(p.mimeBase64, 'base64')), messageId: p.messageId, recipients: p.recipients });
  },

  async onDelivered(row, ctx) {
    if (row.activityId) await ctx.db.repos.activities.setStatus(ctx.scope, row.activityId, 'sent');
  },

  async onDead(row, reason, ctx) {
    if (row.activityId) await ctx.db.repos.activities.setStatus(ctx.scope, row.activityId, 'failed', reason);
  },
};
