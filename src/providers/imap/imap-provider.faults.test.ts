/** Failure behaviour of the IMAP provider against real servers: expiry, auth, outages, cut connections, push, no MOVE. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from '../../../test/support/servers/tcp-proxy';
import { isProviderError } from '../errors';
import { testMessage } from '../contract/contract-fixtures';
import type { CaptureFolders } from '../provider';
import { createImapProvider } from './imap-provider';
import { messageIdsIn, providerContext, startImapServers, userImap, type ImapServers } from './imap-test-harness';

const names = { capture: 'Tandem', processed: 'Processed' };

const messageIdOf = (raw: Uint8Array): string | undefined => /^Message-ID:\s*(\S+)/im.exec(Buffer.from(raw).toString('latin1'))?.[1];

async function kindOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (isProviderError(e) ? e.kind : `not a ProviderError: ${String(e)}`),
  );
}

/** Resolves when `check` holds; driven by the server's own events, bounded so a miss fails. */
async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('imap provider faults', () => {
  let s: ImapServers;
  beforeAll(async () => {
    s = await startImapServers({ maxConnectionsPerUser: 20 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('a recreated capture folder (new UIDVALIDITY) expires the cursor and old refs', async () => {
    const p = createImapProvider(providerContext(s));
    const folders = await p.mail!.ensureCaptureFolders(names);
    const user = await userImap(s);
    await user.append(folders.captureId, Buffer.from(testMessage('uidvalidity').raw));
    const before = await p.mail!.listCaptured(folders, { pageSize: 10 });
    await user.mailboxDelete(folders.captureId);
    await user.mailboxCreate(folders.captureId);
    await user.logout();
    expect(await kindOf(p.mail!.listCaptured(folders, { pageSize: 10, cursor: before.cursor }))).toBe('cursor_expired');
    const moved = await p.mail!.markProcessed(folders, before.refs);
    expect(moved.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual(['cursor_expired']);
    // Without the cursor the folder lists again from scratch.
    expect((await p.mail!.listCaptured(folders, { pageSize: 10 })).refs).toEqual([]);
  });

  it('a server that goes down between calls is transient, and work resumes when it is back', async () => {
    const p = createImapProvider(providerContext(s));
    const folders = await p.mail!.ensureCaptureFolders(names);
    await s.dovecot.down();
    try {
      expect(await kindOf(p.mail!.listCaptured(folders, { pageSize: 10 }))).toBe('transient');
    } finally {
      await s.dovecot.up();
    }
    expect(await kindOf(p.mail!.listCaptured(folders, { pageSize: 10 }))).toBe('resolved');
  });

  it('connections cut at random: every failure is transient and a retry loop captures each message once', async () => {
    const proxy = await startTcpProxy({ host: s.dovecot.host, port: s.dovecot.port });
    const p = createImapProvider(providerContext(s, { imapPort: proxy.port }));
    const direct = createImapProvider(providerContext(s));
    const folders: CaptureFolders = await direct.mail!.ensureCaptureFolders(names);
    const messages = Array.from({ length: 12 }, () => testMessage('chaos'));
    const user = await userImap(s);
    for (const m of messages) await user.append(folders.captureId, Buffer.from(m.raw));
    const captured = new Set<string>();
    const kinds = new Set<string>();
    // Cut after a varying number of client bytes, deterministic per round.
    const cuts = [60, 400, null, 150, 900, null, 250, null];
    for (let round = 0; round < 40 && captured.size < messages.length; round++) {
      proxy.resetAfterBytes(cuts[round % cuts.length] ?? null);
      try {
        const page = await p.mail!.listCaptured(folders, { pageSize: 4 });
        const raw = await p.mail!.fetchRaw(page.refs);
        const fetched = new Set<string>();
        for (const r of raw) {
          const id = r.ok ? messageIdOf(r.value) : undefined;
          if (id) captured.add(id);
          if (id) fetched.add(r.ref.id);
        }
        await p.mail!.markProcessed(folders, page.refs.filter((r) => fetched.has(r.id)));
      } catch (e) {
        kinds.add(isProviderError(e) ? e.kind : 'unclassified');
      }
    }
    proxy.resetAfterBytes(null);
    await proxy.stop();
    expect([...kinds]).toEqual(['transient']);
    expect([...captured].sort()).toEqual(messages.map((m) => m.messageId).sort());
    const processed = await messageIdsIn(user, folders.processedId);
    for (const m of messages) expect(processed.filter((id) => id === m.messageId)).toHaveLength(1);
    expect(await messageIdsIn(user, folders.captureId)).toEqual([]);
    await user.logout();
  });

  it('one provider instance runs its calls on one connection, logs in again after a cut, and logs out when idle', async () => {
    const proxy = await startTcpProxy({ host: s.dovecot.host, port: s.dovecot.port });
    try {
      const p = createImapProvider(providerContext(s, { imapPort: proxy.port }));
      const folders = await p.mail!.ensureCaptureFolders(names);
      const user = await userImap(s);
      await user.append(folders.captureId, Buffer.from(testMessage('reuse').raw));
      await user.logout();
      const page = await p.mail!.listCaptured(folders, { pageSize: 10 });
      expect((await p.mail!.fetchRaw(page.refs)).every((r) => r.ok)).toBe(true);
      expect(proxy.opened()).toBe(1);
      proxy.resetAll();
      // The cut connection is not reused: the next call logs in afresh and works.
      expect((await p.mail!.markProcessed(folders, page.refs)).every((r) => r.ok)).toBe(true);
      expect(proxy.opened()).toBe(2);
      await eventually(() => proxy.connections() === 0);
    } finally {
      await proxy.stop();
    }
  });

  it('IDLE notices a message dropped into the capture folder, and again after the connection is cut', async () => {
    const proxy = await startTcpProxy({ host: s.dovecot.host, port: s.dovecot.port });
    const p = createImapProvider(providerContext(s, { imapPort: proxy.port }), { idle: { backoffMs: () => 20 } });
    const folders = await createImapProvider(providerContext(s)).mail!.ensureCaptureFolders(names);
    let notices = 0;
    const watch = p.watchCapture(folders, () => notices++);
    try {
      await eventually(() => notices >= 1); // the catch-up notice on connect
      const user = await userImap(s);
      await user.append(folders.captureId, Buffer.from(testMessage('idle').raw));
      await eventually(() => notices >= 2);
      proxy.resetAll();
      await eventually(() => watch.connections() >= 2 && notices >= 3);
      await user.append(folders.captureId, Buffer.from(testMessage('idle').raw));
      await eventually(() => notices >= 4);
      await user.logout();
      expect(proxy.connections()).toBe(1);
    } finally {
      await watch.stop();
      await proxy.stop();
    }
  });
  // Last in this server's life: Dovecot's auth penalty slows every later login from the same IP.
  it('a wrong password is auth_revoked on IMAP, SMTP and CalDAV', async () => {
    const p = createImapProvider(providerContext(s, { password: 'wrong' }));
    expect(await kindOf(p.identity())).toBe('auth_revoked');
    const m = testMessage('auth');
    expect(await kindOf(p.mail?.send({ mime: m.raw, messageId: m.messageId, recipients: ['x@client.test'] }) ?? Promise.resolve())).toBe('auth_revoked');
    expect(await kindOf(p.calendar?.fetchChanges(null, { start: new Date('2026-10-01'), end: new Date('2026-12-01') }) ?? Promise.resolve())).toBe('auth_revoked');
  });
});

describe('imap provider without the MOVE extension', () => {
  let s: ImapServers;
  beforeAll(async () => {
    s = await startImapServers({ withoutMove: true });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('falls back to COPY + STORE \\Deleted + UID EXPUNGE, touching no other deleted mail', async () => {
    const p = createImapProvider(providerContext(s));
    const folders = await p.mail!.ensureCaptureFolders(names);
    const user = await userImap(s);
    expect(user.capabilities.has('MOVE')).toBe(false);
    const keep = testMessage('keep-deleted');
    await user.append(folders.captureId, Buffer.from(keep.raw), ['\\Deleted']);
    const m = testMessage('nomove');
    await user.append(folders.captureId, Buffer.from(m.raw));
    const page = await p.mail!.listCaptured(folders, { pageSize: 10 });
    const raw = await p.mail!.fetchRaw(page.refs);
    expect(raw.map((r) => (r.ok ? messageIdOf(r.value) : r.error.kind))).toEqual([m.messageId]);
    expect((await p.mail!.markProcessed(folders, page.refs)).every((r) => r.ok)).toBe(true);
    expect(await messageIdsIn(user, folders.processedId)).toEqual([m.messageId]);
    // The user's own \Deleted message is still there: only our UIDs were expunged.
    await user.mailboxOpen(folders.captureId, { readOnly: true });
    const left = await user.fetchAll('1:*', { envelope: true });
    expect(left.map((x) => x.envelope?.messageId)).toEqual([keep.messageId]);
    await user.logout();
  });
});
