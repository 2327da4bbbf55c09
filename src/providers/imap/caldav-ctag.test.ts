/** The ctag + etag fallback (servers without sync-collection), run against Radicale with sync-collection unused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointment } from '../contract/contract-fixtures';
import type { ContractHarness } from '../contract/contract-harness';
import type { CalendarAbility } from '../provider';
import { imapContractHarness } from './imap-test-harness';

describe('caldav ctag + etag change detection', () => {
  let h: ContractHarness;
  let calendar: CalendarAbility;
  beforeAll(async () => {
    h = await imapContractHarness({ calendarChangeDetection: 'ctag' });
    calendar = h.provider.calendar!;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('reports creates, edits and deletes from both sides, and nothing when the ctag is unchanged', async () => {
    const first = await calendar.fetchChanges(null, h.window);
    expect(first).toMatchObject({ upserts: [], deletions: [], fullSync: true });
    const ours = await calendar.createEvent(appointment('ctag-1'));
    const theirs = await h.createProviderEvent({ subject: 'Call', start: '2026-11-11T10:00:00', end: '2026-11-11T10:30:00', timeZone: 'America/New_York' });

    const second = await calendar.fetchChanges(first.nextCursor, h.window);
    expect(second.upserts.map((e) => e.providerId).sort()).toEqual([ours.providerId, theirs].sort());
    expect(second.fullSync).toBe(false);

    const quiet = await calendar.fetchChanges(second.nextCursor, h.window);
    expect(quiet).toMatchObject({ upserts: [], deletions: [], nextCursor: second.nextCursor });

    await h.updateProviderEvent(theirs, { subject: 'Call (moved)' });
    await calendar.deleteEvent(ours.providerId, ours.etag);
    const third = await calendar.fetchChanges(quiet.nextCursor, h.window);
    expect(third.upserts.map((e) => e.subject)).toEqual(['Call (moved)']);
    expect(third.deletions).toEqual([ours.providerId]);
  });

  it('a create retried after a lost answer returns the same event instead of a duplicate', async () => {
    const a = await calendar.createEvent(appointment('ctag-retry'));
    // The retry carries a later version of the appointment (renamed, moved a month): it gets the
    // event as the provider holds it, marked as existing, so the caller can tell it is not its input.
    const b = await calendar.createEvent(appointment('ctag-retry', { subject: 'Renamed', start: { local: '2026-12-10T09:00:00', timeZone: 'Europe/Berlin' }, end: { local: '2026-12-10T10:00:00', timeZone: 'Europe/Berlin' } }));
    expect(b).toMatchObject({ providerId: a.providerId, etag: a.etag, subject: 'Appointment ctag-retry', start: { local: '2026-11-10T09:00:00' }, existing: true });
    expect(a.existing).toBeUndefined();
    expect(await calendar.findByTandemId?.('ctag-retry', h.window)).toMatchObject({ providerId: a.providerId, tandemId: 'ctag-retry' });
    expect(await calendar.findByTandemId?.('never-made', h.window)).toBeNull();
  });
});
