/**
 * Mail ability over IMAP (imapflow) + SMTP (nodemailer). The capture folder is the queue: every
 * listing returns what is in it now (by ascending UID), so a message whose move failed is listed
 * again and the engine's dedupe absorbs the repeat. The cursor's job is to notice a UIDVALIDITY
 * change, which voids every UID-based id the engine holds.
 */
import type { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import { ProviderError } from '../errors';
import type { CaptureFolderNames, CaptureFolders, CapturePage, CapturedRef, ItemResult, MailAbility, OutgoingMail, SentRef } from '../provider';
import { decodeCursor, decodePageToken, decodeRefId, encodeCursor, encodePageToken, encodeRefId, type MessageRef } from './imap-cursor';
import { findFolder, findSentFolder, folderPath, personalNamespace } from './imap-folders';
import { reusedImap, type ImapSession, type ImapSettings } from './imap-session';
import { sendSmtp, type SmtpSettings } from './smtp-send';

export interface ImapMailOptions {
  imap: ImapSettings;
  smtp: SmtpSettings | undefined;
  /** Envelope sender of outgoing mail. */
  mailbox: string;
  logger: Logger;
  /** The SMTP server files submitted mail in Sent by itself: do not APPEND a second copy. */
  smtpFilesToSent?: boolean;
  /** UIDs per FETCH / MOVE command. */
  batchSize?: number;
}

function expired(path: string, had: string, now: string): ProviderError {
  return new ProviderError('cursor_expired', `imap: UIDVALIDITY of ${path} changed (${had} → ${now})`, { code: 'UIDVALIDITY' });
}

function groupByPath(refs: CapturedRef[]): Map<string, { ref: CapturedRef; msg: MessageRef | undefined }[]> {
  const groups = new Map<string, { ref: CapturedRef; msg: MessageRef | undefined }[]>();
  for (const ref of refs) {
    const msg = decodeRefId(ref.id);
    const key = msg?.path ?? '';
    groups.set(key, [...(groups.get(key) ?? []), { ref, msg }]);
  }
  return groups;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Opens `path` (read-only unless writing) and returns its UIDVALIDITY as a decimal string. */
async function openFolder(client: ImapFlow, path: string, readOnly: boolean): Promise<{ uidValidity: string; highestModseq?: string; exists: number }> {
  const box = await client.mailboxOpen(path, { readOnly });
  return { uidValidity: box.uidValidity.toString(), highestModseq: box.highestModseq?.toString(), exists: box.exists };
}

const badRef = (ref: CapturedRef): ItemResult<never> => ({
  ref,
  ok: false,
  error: new ProviderError('invalid_input', 'imap: not an IMAP message id', { code: 'BAD_REF' }),
});

export function createImapMail(o: ImapMailOptions): MailAbility {
  const batchSize = o.batchSize ?? 200;
  // One connection for the calls of this provider instance (one sync run), not a login per call.
  const imap = reusedImap(o.imap, o.logger);

  async function sentPath(s: ImapSession, createIfMissing: boolean): Promise<string | undefined> {
    const list = await s.client.list();
    const ns = personalNamespace(s.client, list);
    const found = findSentFolder(list, ns);
    if (found || !createIfMissing) return found?.path;
    const path = folderPath('Sent', ns);
    await s.client.mailboxCreate(path);
    await s.client.mailboxSubscribe(path);
    return path;
  }

  return {
    // Page tokens are "after UID n" of one UIDVALIDITY: moving the page's messages does not shift them.
    pageTokensSurviveMoves: true,

    ensureCaptureFolders(names: CaptureFolderNames): Promise<CaptureFolders> {
      return imap('ensureCaptureFolders', async (s) => {
        const list = await s.client.list();
        const ns = personalNamespace(s.client, list);
        const ensure = async (name: string) => {
          const wanted = folderPath(name, ns);
          const existing = findFolder(list, wanted);
          if (existing) return existing.path;
          const created = await s.client.mailboxCreate(wanted);
          // Subscribed, so the user's mail client shows the folder to drag mail into.
          await s.client.mailboxSubscribe(created.path);
          return created.path;
        };
        return { captureId: await ensure(names.capture), processedId: await ensure(names.processed) };
      });
    },

    listCaptured(folders, page): Promise<CapturePage> {
      return imap('listCaptured', async (s) => {
        const path = folders.captureId;
        const box = await openFolder(s.client, path, true);
        const cursor = page.cursor ? decodeCursor(page.cursor) : undefined;
        if (cursor && cursor.uidValidity !== box.uidValidity) throw expired(path, cursor.uidValidity, box.uidValidity);
        const token = page.pageToken ? decodePageToken(page.pageToken) : undefined;
        if (token && token.uidValidity !== box.uidValidity) throw expired(path, token.uidValidity, box.uidValidity);
        const after = token?.afterUid ?? 0;
        // Without MOVE and UIDPLUS, processed mail is only flagged \Deleted (see markProcessed): skip it.
        const found = box.exists === 0 ? [] : (await s.client.search({ uid: `${after + 1}:*`, deleted: false }, { uid: true })) || [];
        // "n:*" also matches the highest UID when n is above it (RFC 3501 §6.4.8): drop those.
        const uids = found.filter((u) => u > after).sort((a, b) => a - b);
        const pageUids = uids.slice(0, page.pageSize);
        const refs: CapturedRef[] = [];
        if (pageUids.length > 0) {
          // No ENVELOPE: the pipeline reads the Message-ID from the raw bytes it fetches anyway, and
          // parsing every listed message's headers here cost more than the MOVE of the same batch.
          for await (const m of s.client.fetch(pageUids.join(','), { uid: true, internalDate: true }, { uid: true })) {
            const internal = m.internalDate instanceof Date ? m.internalDate : m.internalDate ? new Date(m.internalDate) : undefined;
            refs.push({ id: encodeRefId({ path, uidValidity: box.uidValidity, uid: m.uid }), receivedAt: internal?.toISOString() });
          }
          refs.sort((a, b) => (decodeRefId(a.id)?.uid ?? 0) - (decodeRefId(b.id)?.uid ?? 0));
        }
        const lastUid = pageUids.at(-1);
        const more = lastUid !== undefined && uids.length > pageUids.length;
        return {
          refs,
          nextPageToken: more ? encodePageToken(box.uidValidity, lastUid) : undefined,
          cursor: encodeCursor({
            uidValidity: box.uidValidity,
            uid: Math.max(lastUid ?? 0, cursor?.uid ?? 0),
            modseq: box.highestModseq,
          }),
        };
      });
    },

    fetchRaw(refs): Promise<ItemResult<Uint8Array>[]> {
      return imap('fetchRaw', async (s) => {
        const results = new Map<CapturedRef, ItemResult<Uint8Array>>();
        for (const [path, items] of groupByPath(refs)) {
          if (!path) {
            for (const { ref } of items) results.set(ref, badRef(ref));
            continue;
          }
          const box = await openFolder(s.client, path, true);
          const bytes = new Map<number, Uint8Array>();
          const current = items.filter(({ ref, msg }) => {
            if (msg?.uidValidity === box.uidValidity) return true;
            results.set(ref, { ref, ok: false, error: expired(path, msg?.uidValidity ?? '?', box.uidValidity) });
            return false;
          });
          for (const batch of chunks(current, batchSize)) {
            const set = batch.map(({ msg }) => msg?.uid).join(',');
            // BODY.PEEK[]: the exact stored bytes, without setting \Seen.
            for await (const m of s.client.fetch(set, { uid: true, source: true }, { uid: true })) {
              // A view of imapflow's Buffer, not a copy (a raw message is tens of KB).
              if (m.source) bytes.set(m.uid, new Uint8Array(m.source.buffer, m.source.byteOffset, m.source.byteLength));
            }
          }
          for (const { ref, msg } of current) {
            const raw = msg ? bytes.get(msg.uid) : undefined;
            results.set(
              ref,
              raw ? { ref, ok: true, value: raw } : { ref, ok: false, error: new ProviderError('not_found', `imap: message ${ref.id} is gone`, { code: 'NONEXISTENT' }) },
            );
          }
        }
        return refs.map((ref) => results.get(ref) ?? badRef(ref));
      });
    },

    markProcessed(folders, refs): Promise<ItemResult<void>[]> {
      return imap('markProcessed', async (s) => {
        const results = new Map<CapturedRef, ItemResult<void>>();
        const canMove = s.client.capabilities.has('MOVE');
        const canUidExpunge = s.client.capabilities.has('UIDPLUS');
        for (const [path, items] of groupByPath(refs)) {
          if (!path) {
            for (const { ref } of items) results.set(ref, badRef(ref));
            continue;
          }
          const box = await openFolder(s.client, path, false);
          const valid = items.filter(({ ref, msg }) => {
            if (msg?.uidValidity === box.uidValidity) return true;
            results.set(ref, { ref, ok: false, error: expired(path, msg?.uidValidity ?? '?', box.uidValidity) });
            return false;
          });
          for (const batch of chunks(valid, batchSize)) {
            // Messages already gone from the folder were moved by an earlier attempt: a repeat is a no-op.
            const present = (await s.client.search({ uid: batch.map(({ msg }) => msg?.uid).join(','), deleted: false }, { uid: true })) || [];
            if (present.length > 0) {
              const set = present.join(',');
              if (canMove) {
                // UID MOVE (RFC 6851) is atomic.
                if (!(await s.client.messageMove(set, folders.processedId, { uid: true }))) s.failed('UID MOVE');
              } else {
                if (!(await s.client.messageCopy(set, folders.processedId, { uid: true }))) s.failed('UID COPY');
                if (!(await s.client.messageFlagsAdd(set, ['\\Deleted'], { uid: true, silent: true }))) s.failed('UID STORE');
                // UID EXPUNGE (RFC 4315) removes only these UIDs; a plain EXPUNGE would also purge other
                // \Deleted mail of the user's, so without UIDPLUS the copies stay flagged and listing skips them.
                if (canUidExpunge && !(await s.client.messageDelete(set, { uid: true }))) s.failed('UID EXPUNGE');
              }
            }
            for (const { ref } of batch) results.set(ref, { ref, ok: true, value: undefined });
          }
        }
        return refs.map((ref) => results.get(ref) ?? badRef(ref));
      });
    },

    async send(mail: OutgoingMail): Promise<SentRef> {
      if (!o.smtp) throw new ProviderError('permanent', 'imap: no SMTP server configured', { code: 'NO_ENDPOINT' });
      await sendSmtp(o.smtp, { from: o.mailbox, recipients: mail.recipients, mime: mail.mime });
      if (o.smtpFilesToSent) return {};
      // The message is delivered; now file the exact bytes in Sent. A failure here must not make the
      // outbox resend (that would deliver twice), so it is retried on fresh sessions and then logged.
      let lastError: unknown;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          return await imap('send: APPEND to Sent', async (s) => {
            const path = (await sentPath(s, true)) ?? 'Sent';
            const appended = await s.client.append(path, Buffer.from(mail.mime), ['\\Seen']);
            if (!appended) return s.failed('APPEND');
            return { providerId: appended.uid ? encodeRefId({ path, uidValidity: String(appended.uidValidity ?? ''), uid: appended.uid }) : undefined };
          });
        } catch (e) {
          lastError = e;
          if (e instanceof ProviderError && !['transient', 'throttled'].includes(e.kind)) break;
        }
      }
      o.logger.error({ err: lastError, messageId: mail.messageId }, 'imap: sent, but the copy in Sent could not be stored');
      return {};
    },

    findSent(messageId: string): Promise<SentRef | null> {
      return imap('findSent', async (s) => {
        const path = await sentPath(s, false);
        if (!path) return null;
        const box = await openFolder(s.client, path, true);
        if (box.exists === 0) return null;
        const uids = (await s.client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
        const uid = uids[0];
        return uid === undefined ? null : { providerId: encodeRefId({ path, uidValidity: box.uidValidity, uid }) };
      });
    },
  };
}
