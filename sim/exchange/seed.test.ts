import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOB, ews, startFixture, type SimFixture } from './test-helpers';

let fx: SimFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx.sim.close();
});

describe('seed', () => {
  it('fills Inbox, Sent Items and Calendar deterministically, series with a moved and a cancelled occurrence', async () => {
    const result = fx.sim.handle.seed(BOB, { seed: 11, messages: 20, events: 8, profile: 'small' });
    expect(result.messageIds).toHaveLength(20);
    const inbox = fx.sim.handle.folderMessages(BOB, 'inbox');
    const sent = fx.sim.handle.sentItems(BOB);
    expect(inbox.length + sent.length).toBe(20);
    expect(sent.length).toBeGreaterThan(0);

    const events = fx.sim.handle.events(BOB);
    expect(events).toHaveLength(8);
    const series = events.filter((e) => e.recurrence);
    expect(series.length).toBeGreaterThan(0);
    for (const s of series) {
      expect(s.modifiedOccurrences).toHaveLength(1);
      expect(s.deletedOccurrences).toHaveLength(1);
    }

    const other = await startFixture();
    try {
      other.sim.handle.seed(BOB, { seed: 11, messages: 20, events: 8, profile: 'small' });
      expect(other.sim.handle.events(BOB).map((e) => [e.subject, e.start])).toEqual(events.map((e) => [e.subject, e.start]));
      expect(other.sim.handle.folderMessages(BOB, 'inbox').map((m) => m.internetMessageId)).toEqual(inbox.map((m) => m.internetMessageId));
    } finally {
      await other.sim.close();
    }

    const service = fx.service('bob@contoso.com', 'bob-pw');
    const view = await service.FindAppointments(
      ews.WellKnownFolderName.Calendar,
      new ews.CalendarView(new ews.DateTime('2026-10-20T00:00:00Z'), new ews.DateTime('2027-01-05T00:00:00Z'), 500),
    );
    expect(view.Items.filter((i) => i.AppointmentType === ews.AppointmentType.Exception)).toHaveLength(series.length);
  });
});
