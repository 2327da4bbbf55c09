/**
 * THE provider contract: the behaviours every provider adapter (Microsoft, Google, Exchange, IMAP)
 * must show against its real or simulated server. Call it from a `*.contract.test.ts` beside the
 * adapter with a setup that returns a ContractHarness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderError, type ProviderErrorKind } from '../errors';
import type { CalendarAbility, CalendarChanges, CaptureFolders, MailAbility, ProviderEvent } from '../provider';
import type { ContractHarness } from './contract-harness';
import { appointment, testMessage } from './contract-fixtures';

async function expectKind(promise: Promise<unknown>, kind: ProviderErrorKind): Promise<void> {
  const outcome = await promise.then(
    () => 'resolved',
    (e: unknown) => (isProviderError(e) ? e.kind : `not a ProviderError: ${String(e)}`),
  );
  expect(outcome).toBe(kind);
}

/** Follows fetchChanges until `more` is false, merging pages. */
async function drain(calendar: CalendarAbility, cursor: string | null, window: ContractHarness['window']): Promise<CalendarChanges> {
  let page = await calendar.fetchChanges(cursor, window);
  const upserts = [...page.upserts];
  const deletions = [...page.deletions];
  while (page.more) {
    page = await calendar.fetchChanges(page.nextCursor, window);
    upserts.push(...page.upserts);
    deletions.push(...page.deletions);
  }
  return { ...page, upserts, deletions };
}

export function runProviderContract(name: string, setup: () => Promise<ContractHarness>): void {
  describe(`provider contract: ${name}`, () => {
    let h: ContractHarness;
    let mail: MailAbility;
    let calendar: CalendarAbility;
    let folders: CaptureFolders;

    beforeAll(async () => {
      h = await setup();
      if (!h.provider.mail || !h.provider.calendar) throw new Error('the contract covers providers with mail and calendar');
      mail = h.provider.mail;
      calendar = h.provider.calendar;
      folders = await mail.ensureCaptureFolders(h.folderNames);
    });
    afterAll(async () => {
      await h?.close();
    });

    const listAll = async (pageSize = 50) => {
      const refs = [];
      let pageToken: string | undefined;
      do {
        const page = await mail.listCaptured(folders, { pageToken, pageSize });
        refs.push(...page.refs);
        pageToken = page.nextPageToken;
      } while (pageToken);
      return refs;
    };

    it('identity is the connected user mailbox', async () => {
      const id = await h.provider.identity();
      expect(id.type).toBe('user');
      expect(id.address.toLowerCase()).toBe(h.mailbox.toLowerCase());
      expect(id.providerUserId).not.toBe('');
    });

    it('ensureCaptureFolders is idempotent', async () => {
      const again = await mail.ensureCaptureFolders(h.folderNames);
      expect(again).toEqual(folders);
      expect(await h.folderContents(h.folderNames.capture)).toEqual([]);
    });

    it('list → fetchRaw returns the exact bytes → markProcessed moves them; repeats are safe', async () => {
      const messages = [testMessage('capture'), testMessage('capture'), testMessage('capture')];
      for (const m of messages) await h.placeInFolder(h.folderNames.capture, m.raw);

      const refs = await listAll();
      expect(new Set(refs.map((r) => r.id)).size).toBe(messages.length);
      // The Message-ID at listing is optional (Gmail's listing has ids only); when given, it is right.
      for (const r of refs) if (r.messageId !== undefined) expect(messages.map((m) => m.messageId)).toContain(r.messageId);
      const raw = await mail.fetchRaw(refs);
      expect(raw.map((r) => r.ref.id)).toEqual(refs.map((r) => r.id));
      const fetched: string[] = [];
      for (const result of raw) {
        expect(result.ok).toBe(true);
        if (!result.ok) continue;
        const want = messages.find((m) => Buffer.from(m.raw).equals(Buffer.from(result.value)));
        expect(want, 'fetchRaw returns the exact bytes placed').toBeDefined();
        fetched.push(want?.messageId ?? '');
        if (result.ref.messageId !== undefined) expect(result.ref.messageId).toBe(want?.messageId);
      }
      expect(fetched.sort()).toEqual(messages.map((m) => m.messageId).sort());

      // A crash before the move: the next run lists the same messages again.
      expect((await listAll()).map((r) => r.id).sort()).toEqual(refs.map((r) => r.id).sort());

      const moved = await mail.markProcessed(folders, refs);
      expect(moved.every((r) => r.ok)).toBe(true);
      expect(await h.folderContents(h.folderNames.capture)).toEqual([]);
      expect((await h.folderContents(h.folderNames.processed)).filter((id) => messages.some((m) => m.messageId === id)).sort()).toEqual(
        messages.map((m) => m.messageId).sort(),
      );

      // A repeated move (the answer was lost) succeeds and duplicates nothing.
      const again = await mail.markProcessed(folders, refs);
      expect(again.every((r) => r.ok)).toBe(true);
      const processed = await h.folderContents(h.folderNames.processed);
      for (const m of messages) expect(processed.filter((id) => id === m.messageId)).toHaveLength(1);
      expect(await listAll()).toEqual([]);
    });

    it('pages through a full capture folder without loss or repeats', async () => {
      const messages = Array.from({ length: 5 }, () => testMessage('paging'));
      for (const m of messages) await h.placeInFolder(h.folderNames.capture, m.raw);
      const sizes: number[] = [];
      const ids: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await mail.listCaptured(folders, { pageToken, pageSize: 2 });
        sizes.push(page.refs.length);
        ids.push(...page.refs.map((r) => r.id));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(sizes).toEqual([2, 2, 1]);
      expect(new Set(ids).size).toBe(5);
      // The pages together hold exactly the messages placed (read back by their bytes' Message-ID).
      const raw = await mail.fetchRaw(ids.map((id) => ({ id })));
      const got = raw.map((r) => (r.ok ? /^Message-ID: (.+)$/im.exec(Buffer.from(r.value).toString('latin1'))?.[1]?.trim() : undefined));
      expect(got.sort()).toEqual(messages.map((m) => m.messageId).sort());
      await mail.markProcessed(folders, await listAll());
      expect(await h.folderContents(h.folderNames.capture)).toEqual([]);
    });

    it('send lands once in Sent with our Message-ID, and findSent finds it', async () => {
      const m = testMessage('send', { from: h.mailbox, to: 'carol@client.test' });
      await mail.send({ mime: m.raw, messageId: m.messageId, recipients: ['carol@client.test', 'dave@client.test'] });
      const delivered = (await h.sentMessages()).filter((s) => s.messageId === m.messageId);
      expect(delivered).toHaveLength(1);
      expect(delivered[0]?.recipients.sort()).toEqual(['carol@client.test', 'dave@client.test']);
      expect((await h.sentFolder()).filter((id) => id === m.messageId)).toHaveLength(1);
      expect(await mail.findSent(m.messageId)).not.toBeNull();
    });

    it('findSent of an unknown Message-ID is null', async () => {
      expect(await mail.findSent('<never-sent@tandem.test>')).toBeNull();
    });

    it('a created event comes back through fetchChanges with our tandemId; a stale etag is a conflict', async () => {
      const start = await drain(calendar, null, h.window);
      expect(start.fullSync).toBe(true);
      const created = await calendar.createEvent(appointment('contract-1'));
      expect(created.tandemId).toBe('contract-1');
      expect(created.etag).not.toBe('');

      const changes = await drain(calendar, start.nextCursor, h.window);
      const seen = changes.upserts.find((e) => e.providerId === created.providerId);
      expect(seen).toMatchObject({ tandemId: 'contract-1', kind: 'single', subject: 'Appointment contract-1' });
      expect(seen?.start).toEqual({ local: '2026-11-10T09:00:00', timeZone: 'Europe/Berlin' });

      const updated = await calendar.updateEvent(created.providerId, created.etag, appointment('contract-1', { subject: 'Moved' }));
      expect(updated.etag).not.toBe(created.etag);
      await expectKind(calendar.updateEvent(created.providerId, created.etag, appointment('contract-1', { subject: 'Stale' })), 'conflict');

      await calendar.deleteEvent(updated.providerId, updated.etag);
      const after = await drain(calendar, changes.nextCursor, h.window);
      expect(after.deletions).toContain(created.providerId);
    });

    it('provider-side create, edit and delete appear as changes', async () => {
      const base = await drain(calendar, null, h.window);
      const id = await h.createProviderEvent({ subject: 'Dentist', start: '2026-11-12T15:00:00', end: '2026-11-12T16:00:00', timeZone: 'Europe/Berlin' });
      const c1 = await drain(calendar, base.nextCursor, h.window);
      const made = c1.upserts.find((e) => e.providerId === id);
      expect(made).toMatchObject({ subject: 'Dentist', kind: 'single' });
      expect(made?.tandemId).toBeUndefined();

      await h.updateProviderEvent(id, { subject: 'Dentist (moved)' });
      const c2 = await drain(calendar, c1.nextCursor, h.window);
      expect(c2.upserts.find((e) => e.providerId === id)?.subject).toBe('Dentist (moved)');

      await h.deleteProviderEvent(id);
      const c3 = await drain(calendar, c2.nextCursor, h.window);
      expect(c3.deletions).toContain(id);
      expect(c3.upserts.find((e) => e.providerId === id)).toBeUndefined();
    });

    it('a recurring series shows its master and instances, with a moved and a cancelled one', async () => {
      const masterId = await h.createProviderSeries({
        subject: 'Weekly site meeting',
        firstStart: '2026-10-15T09:00:00',
        durationMinutes: 60,
        timeZone: 'Europe/Berlin',
        movedStart: '2026-10-22T14:00:00',
      });
      const all = await drain(calendar, null, h.window);
      const series = all.upserts.filter((e) => e.providerId === masterId || e.seriesMasterId === masterId);
      const master = series.find((e) => e.kind === 'seriesMaster');
      expect(master?.recurrence?.rrule).toMatch(/FREQ=WEEKLY/);
      const instances = series.filter((e): e is ProviderEvent => e.kind === 'occurrence' || e.kind === 'exception');
      const live = instances.filter((e) => !e.cancelled).sort((a, b) => (a.originalStart ?? '').localeCompare(b.originalStart ?? ''));
      expect(live.map((e) => e.start.local)).toEqual(['2026-10-15T09:00:00', '2026-10-22T14:00:00', '2026-11-05T09:00:00']);
      expect(live[1]?.kind).toBe('exception');
      // The 29 Oct instance was cancelled: absent, or present only as cancelled.
      expect(live.some((e) => e.start.local.startsWith('2026-10-29'))).toBe(false);
      // Across the DST change the wall-clock time holds and the UTC instant moves.
      expect(live[0]?.originalStart).toBe('2026-10-15T07:00:00.000Z');
      expect(live[2]?.originalStart).toBe('2026-11-05T08:00:00.000Z');
    });

    it('an expired calendar cursor is cursor_expired', async () => {
      const { nextCursor } = await drain(calendar, null, h.window);
      const expired = await h.expireCalendarCursor(nextCursor);
      await expectKind(calendar.fetchChanges(expired, h.window), 'cursor_expired');
    });
  });
}
