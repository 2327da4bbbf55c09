import { describe, expect, it } from 'vitest';
import { appointment } from '../test/appointments';
import { BUSY_COLOR, toEvents } from './to-events';

const colorOf = (userId: string) => (userId === 'u-ann' ? '#1c7ed6' : '#2f9e44');

describe('toEvents', () => {
  it("draws a colleague's Private block grey, titled Private, and an own appointment in its calendar's color", () => {
    const events = toEvents(
      [
        { visibility: 'full', appointment: appointment() },
        {
          visibility: 'busy',
          subject: 'Private',
          ownerUserId: 'u-bob',
          startAt: '2026-11-26T13:00:00.000Z',
          endAt: '2026-11-26T14:00:00.000Z',
          allDay: false,
        },
      ],
      colorOf,
    );
    // FullCalendar 7 reads `color` and `className` only; backgroundColor / classNames are ignored (every event drawn in the default blue).
    expect(events.map((e) => [e.title, e.color, e.className])).toEqual([
      ['Viewing at Elm Street', '#1c7ed6', ''],
      ['Private', BUSY_COLOR, 'tandem-busy'],
    ]);
  });
});
