// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appointment } from '../test/appointments';
import { renderWithApi } from '../test/render';
import { CalendarPage } from './calendar-page';
import { eventTimeLabel } from './event-content';

const users = {
  items: [
    { id: 'u-ann', name: 'Ann Agent', email: 'ann@acme.test', calendarPrivacy: 'public' },
    { id: 'u-bob', name: 'Bob Broker', email: 'bob@acme.test', calendarPrivacy: 'private' },
  ],
};

const views = {
  items: [
    { visibility: 'full', appointment: appointment({ id: 'ap-own', subject: 'Own viewing' }) },
    { visibility: 'full', appointment: appointment({ id: 'ap-prov', subject: 'Dentist', origin: 'provider', readOnly: true, canEdit: false, startAt: '2026-11-25T13:00:00.000Z', endAt: '2026-11-25T14:00:00.000Z' }) },
    { visibility: 'full', appointment: appointment({ id: 'ap-occ', subject: 'Weekly sync', origin: 'provider', kind: 'occurrence', seriesId: 's-1', readOnly: true, startAt: '2026-11-24T08:00:00.000Z', endAt: '2026-11-24T08:30:00.000Z' }) },
    { visibility: 'busy', subject: 'Private', ownerUserId: 'u-bob', startAt: '2026-11-27T11:00:00.000Z', endAt: '2026-11-27T12:00:00.000Z', startLocal: '2026-11-27T11:00:00', endLocal: '2026-11-27T12:00:00', timeZone: 'UTC', allDay: false, showAs: 'busy' },
  ],
};

function renderCalendar() {
  return renderWithApi(<CalendarPage initialDate="2026-11-26" initialView="listWeek" />, {
    'GET /api/users': () => users,
    'GET /api/appointments': () => views,
  });
}

const eventTexts = () => screen.getAllByTestId('calendar-event').map((e) => e.textContent ?? '');

describe('calendar page', () => {
  it('asks for the visible range for the user and colleagues, and draws colleagues’ private events as Private blocks', async () => {
    const { api } = renderCalendar();
    await waitFor(() => expect(eventTexts().some((t) => t.includes('Private'))).toBe(true));
    const call = api.callsTo('GET /api/appointments').at(-1);
    expect(call?.url.searchParams.get('users')?.split(',').sort()).toEqual(['u-ann', 'u-bob']);
    expect(call?.url.searchParams.get('from')).toBeTruthy();
    expect(call?.url.searchParams.get('to')).toBeTruthy();

    const block = screen.getAllByTestId('calendar-event').find((e) => e.textContent?.includes('Private'));
    expect(block && within(block).queryByRole('img', { name: 'Read-only' })).toBeNull();
    expect(eventTexts().join('|')).toContain('Own viewing');
  });

  it('marks provider events with a lock and series occurrences as recurring', async () => {
    renderCalendar();
    const dentist = await waitFor(() => {
      const el = screen.getAllByTestId('calendar-event').find((e) => e.textContent?.includes('Dentist'));
      if (!el) throw new Error('not yet');
      return el;
    });
    expect(within(dentist).getByRole('img', { name: 'Read-only' })).toBeTruthy();
    const weekly = screen.getAllByTestId('calendar-event').find((e) => e.textContent?.includes('Weekly sync'));
    expect(weekly && within(weekly).getByRole('img', { name: 'Recurring' })).toBeTruthy();
    const own = screen.getAllByTestId('calendar-event').find((e) => e.textContent?.includes('Own viewing'));
    expect(own && within(own).queryByRole('img', { name: 'Read-only' })).toBeNull();
  });

  it('opens a provider event read-only and a busy block not at all', async () => {
    renderCalendar();
    const dentist = await screen.findByText('Dentist');
    fireEvent.click(screen.getByText('Private'));
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.click(dentist);
    expect(await screen.findByRole('note')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
  });

  it('leaves a colleague out of the request when their calendar is unticked', async () => {
    const { api } = renderCalendar();
    const bob = await screen.findByLabelText(/Bob Broker/);
    await waitFor(() => expect(api.callsTo('GET /api/appointments').length).toBeGreaterThan(0));
    fireEvent.click(bob);
    await waitFor(() => expect(api.callsTo('GET /api/appointments').at(-1)?.url.searchParams.get('users')).toBe('u-ann'));
  });
});

describe('week view event times', () => {
  it('shows a short provider event’s start time, not a range squeezed down to its dash', async () => {
    renderWithApi(<CalendarPage initialDate="2026-11-24" initialView="timeGridWeek" />, {
      'GET /api/users': () => users,
      'GET /api/appointments': () => ({
        items: [
          // Half an hour, as the simulators seed site visits: one text line high in the grid.
          { visibility: 'full', appointment: appointment({ id: 'ap-short', subject: 'Site visit', origin: 'provider', readOnly: true, canEdit: false, startAt: '2026-11-24T11:30:00.000Z', endAt: '2026-11-24T12:00:00.000Z' }) },
          { visibility: 'full', appointment: appointment({ id: 'ap-long', subject: 'Snow plan', startAt: '2026-11-25T07:30:00.000Z', endAt: '2026-11-25T10:30:00.000Z' }) },
        ],
      }),
    });
    const short = await waitFor(() => {
      const el = screen.getAllByTestId('calendar-event').find((e) => e.textContent?.includes('Site visit'));
      if (!el) throw new Error('not yet');
      return el;
    });
    const time = within(short).getByTestId('calendar-event-time');
    expect(time.textContent).toMatch(/\d/);
    expect(time.textContent).not.toMatch(/[–-]/);
    expect(time.style.whiteSpace).toBe('nowrap');
    // The whole range stays available on hover.
    expect(short.getAttribute('title')).toMatch(/[–-].*Site visit/);

    const long = screen.getAllByTestId('calendar-event').find((e) => e.textContent?.includes('Snow plan'));
    expect(long && within(long).getByTestId('calendar-event-time').textContent).toMatch(/\d.*[–-].*\d/);
  });
});

describe('eventTimeLabel', () => {
  const at = (start: string, end: string, allDay = false) => ({ allDay, start: new Date(start), end: new Date(end) });
  it('keeps the range of an hour-long event, takes the start of a 30-minute one, leaves all-day alone', () => {
    expect(eventTimeLabel('9:00 – 10:00', at('2026-11-24T09:00:00Z', '2026-11-24T10:00:00Z'))).toBe('9:00 – 10:00');
    expect(eventTimeLabel('11:30 – 12:00', at('2026-11-24T11:30:00Z', '2026-11-24T12:00:00Z'))).toBe('11:30');
    expect(eventTimeLabel('11:30 AM - 12:00 PM', at('2026-11-24T11:30:00Z', '2026-11-24T12:00:00Z'))).toBe('11:30 AM');
    expect(eventTimeLabel('', at('2026-11-24T00:00:00Z', '2026-11-25T00:00:00Z', true))).toBe('');
  });
});
