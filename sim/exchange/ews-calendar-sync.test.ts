import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, ews, startFixture, type SimFixture } from './test-helpers';

let fx: SimFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx.sim.close();
});

const calendar = () => new ews.FolderId(ews.WellKnownFolderName.Calendar);

async function sync(service: ews.ExchangeService, state: string | null, max: number) {
  return service.SyncFolderItems(calendar(), ews.PropertySet.IdOnly, [], max, ews.SyncFolderItemsScope.NormalItems, state ?? '');
}

describe('ChangeKey conflicts on UpdateItem', () => {
  it('NeverOverwrite refuses a stale ChangeKey; AutoResolve refuses only when the same field changed', async () => {
    const service = fx.service();
    const id = fx.sim.handle.createProviderEvent(ALICE, { subject: 'Review', start: '2026-11-04T13:00:00Z', end: '2026-11-04T14:00:00Z' });
    const mine = await ews.Appointment.Bind(service, new ews.ItemId(id));
    // Meanwhile the user renames it in Outlook.
    fx.sim.handle.updateProviderEvent(ALICE, id, { subject: 'Review (moved room)' });

    mine.Subject = 'Review from Tandem';
    await expect(mine.Update(ews.ConflictResolutionMode.NeverOverwrite, ews.SendInvitationsOrCancellationsMode.SendToNone)).rejects.toMatchObject({
      ErrorCode: ews.ServiceError.ErrorIrresolvableConflict,
    });
    await expect(mine.Update(ews.ConflictResolutionMode.AutoResolve, ews.SendInvitationsOrCancellationsMode.SendToNone)).rejects.toMatchObject({
      ErrorCode: ews.ServiceError.ErrorIrresolvableConflict,
    });

    const other = await ews.Appointment.Bind(service, new ews.ItemId(id));
    fx.sim.handle.updateProviderEvent(ALICE, id, { subject: 'Review (again)' });
    other.Location = 'Room 2';
    await other.Update(ews.ConflictResolutionMode.AutoResolve, ews.SendInvitationsOrCancellationsMode.SendToNone);
    expect(fx.sim.handle.events(ALICE).find((e) => e.id === id)).toMatchObject({ subject: 'Review (again)', location: 'Room 2' });
  });
});

describe('SyncFolderItems on the calendar', () => {
  it('pages the first sync, then reports creates, updates and deletes incrementally', async () => {
    const service = fx.service();
    for (let i = 0; i < 4; i++) {
      fx.sim.handle.createProviderEvent(ALICE, { subject: `Standup ${i}`, start: `2026-11-0${i + 5}T08:00:00Z`, end: `2026-11-0${i + 5}T08:15:00Z` });
    }
    const total = fx.sim.handle.events(ALICE).length;
    let state: string | null = null;
    let seen = 0;
    let pages = 0;
    for (;;) {
      const page: ews.ChangeCollection<ews.ItemChange> = await sync(service, state, 2);
      pages++;
      expect(page.Count).toBeLessThanOrEqual(2);
      seen += page.GetEnumerator().filter((c) => c.ChangeType === ews.ChangeType.Create).length;
      state = page.SyncState;
      if (!page.MoreChangesAvailable) break;
    }
    expect(seen).toBe(total);
    expect(pages).toBe(Math.ceil(total / 2));

    const quiet = await sync(service, state, 10);
    expect(quiet.Count).toBe(0);
    expect(quiet.MoreChangesAvailable).toBe(false);

    const [first, second] = fx.sim.handle.events(ALICE);
    if (!first || !second) throw new Error('events missing');
    const created = fx.sim.handle.createProviderEvent(ALICE, { subject: 'New', start: '2026-11-20T10:00:00Z', end: '2026-11-20T11:00:00Z' });
    fx.sim.handle.updateProviderEvent(ALICE, first.id, { location: 'Elsewhere' });
    fx.sim.handle.deleteProviderEvent(ALICE, second.id);
    const delta = await sync(service, quiet.SyncState, 10);
    const byType = (t: ews.ChangeType) => delta.GetEnumerator().filter((c) => c.ChangeType === t).map((c) => c.ItemId.UniqueId);
    expect(byType(ews.ChangeType.Create)).toEqual([created]);
    expect(byType(ews.ChangeType.Update)).toEqual([first.id]);
    expect(byType(ews.ChangeType.Delete)).toEqual([second.id]);

    fx.sim.handle.expireSyncState(ALICE);
    await expect(sync(service, delta.SyncState, 10)).rejects.toMatchObject({ ErrorCode: ews.ServiceError.ErrorInvalidSyncStateData });
    await expect(sync(service, 'bm90IGEgc3RhdGU=', 10)).rejects.toMatchObject({ ErrorCode: ews.ServiceError.ErrorInvalidSyncStateData });
    // Starting over without a state works again.
    expect((await sync(service, null, 512)).Count).toBe(fx.sim.handle.events(ALICE).length);
  });
});

describe('pull notifications', () => {
  it('reports calendar changes after the watermark and lapses when not polled in time', async () => {
    const service = fx.service();
    const sub = await service.SubscribeToPullNotifications([calendar()], 30, '', ews.EventType.Created, ews.EventType.Modified, ews.EventType.Deleted);
    expect(sub.Watermark).toBeTruthy();
    const first = await sub.GetEvents();
    expect(first.ItemEvents).toHaveLength(0);

    const id = fx.sim.handle.createProviderEvent(ALICE, { subject: 'Pushed', start: '2026-11-21T10:00:00Z', end: '2026-11-21T11:00:00Z' });
    fx.sim.handle.placeMessage(ALICE, 'inbox', 'Subject: not calendar\r\n\r\nx');
    const events = await sub.GetEvents();
    expect(events.ItemEvents.map((e) => [e.EventType, e.ItemId.UniqueId])).toEqual([[ews.EventType.Created, id]]);
    expect((await sub.GetEvents()).ItemEvents).toHaveLength(0);

    fx.clock.advance(31 * 60_000);
    await expect(sub.GetEvents()).rejects.toMatchObject({ ErrorCode: ews.ServiceError.ErrorExpiredSubscription });
  });
});
