// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appointment } from '../test/appointments';
import { apiError, answer } from '../test/fake-api';
import { renderWithApi } from '../test/render';
import { AppointmentModal } from './appointment-modal';

const noop = () => undefined;

describe('appointment modal', () => {
  it('refuses edits on a provider event: read-only notice, locked fields, no Save or Delete', async () => {
    const { api } = renderWithApi(<AppointmentModal target={{ mode: 'open', appointment: appointment({ origin: 'provider', readOnly: true, canEdit: false }) }} onClose={noop} />);
    const subject = await screen.findByLabelText(/^Subject/);
    expect(screen.getByRole('note').textContent).toMatch(/read-only in Tandem/);
    expect(screen.getByRole('img', { name: 'Read-only' })).toBeTruthy();
    expect((subject as HTMLInputElement).disabled || subject.hasAttribute('readonly')).toBe(true);
    expect(screen.getByRole('group', { hidden: true }).hasAttribute('disabled')).toBe(true);
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    fireEvent.submit(subject.closest('form') as HTMLFormElement);
    expect(api.callsTo('PATCH /api/appointments/:id')).toHaveLength(0);
  });

  it('treats an occurrence of a recurring series as read-only', async () => {
    renderWithApi(<AppointmentModal target={{ mode: 'open', appointment: appointment({ kind: 'occurrence', seriesId: 's-1' }) }} onClose={noop} />);
    expect((await screen.findByRole('note')).textContent).toMatch(/recurring series/);
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
  });

  it('edits a Tandem appointment with PATCH and shows the API refusal if the event turned read-only', async () => {
    const { api } = renderWithApi(<AppointmentModal target={{ mode: 'open', appointment: appointment() }} onClose={noop} />, {
      'PATCH /api/appointments/:id': () => apiError(409, 'read_only', 'This appointment was made in the provider and is read-only in Tandem.'),
    });
    fireEvent.change(await screen.findByLabelText(/^Subject/), { target: { value: 'Second viewing' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('read-only in Tandem');
    const [patch] = api.callsTo('PATCH /api/appointments/:id');
    expect(patch?.path).toBe('/api/appointments/ap-1');
    expect(patch?.body).toMatchObject({ subject: 'Second viewing', startLocal: '2026-11-26T09:00', endLocal: '2026-11-26T10:00', timeZone: 'UTC', allDay: false });
  });

  it('creates an all-day appointment with the exclusive end date the API expects', async () => {
    const closed: string[] = [];
    const { api } = renderWithApi(
      <AppointmentModal target={{ mode: 'create', draft: { start: new Date(2026, 10, 3), end: new Date(2026, 10, 5), allDay: true } }} onClose={() => closed.push('x')} />,
      { 'POST /api/appointments': () => answer(201, { visibility: 'full', appointment: appointment({ id: 'ap-new' }) }) },
    );
    expect((await screen.findByLabelText(/^Last day/)).getAttribute('value')).toBe('2026-11-04');
    fireEvent.change(screen.getByLabelText(/^Subject/), { target: { value: 'Trade fair' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(closed).toHaveLength(1));
    expect(api.callsTo('POST /api/appointments')[0]?.body).toMatchObject({ subject: 'Trade fair', allDay: true, startLocal: '2026-11-03', endLocal: '2026-11-05', sensitivity: 'normal' });
  });

  it('deletes a Tandem appointment and says when it is not yet at the provider', async () => {
    const closed: string[] = [];
    const { api } = renderWithApi(<AppointmentModal target={{ mode: 'open', appointment: appointment({ synced: false }) }} onClose={() => closed.push('x')} />, {
      'DELETE /api/appointments/:id': () => answer(204),
    });
    expect((await screen.findByRole('status')).textContent).toMatch(/Waiting to be written/);
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(api.callsTo('DELETE /api/appointments/:id')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Delete for everyone' }));
    await waitFor(() => expect(closed).toHaveLength(1));
    expect(api.callsTo('DELETE /api/appointments/:id')[0]?.path).toBe('/api/appointments/ap-1');
  });

  it('makes an appointment on a colleague’s calendar; opened later it says whose calendar and PATCH leaves the owner alone', async () => {
    const users = { 'GET /api/users': () => ({ items: [{ id: 'u-ann', name: 'Ann Agent', email: 'ann@acme.test' }, { id: 'u-bob', name: 'Bob Broker', email: 'bob@acme.test' }] }) };
    const closed: string[] = [];
    const { api, unmount } = renderWithApi(
      <AppointmentModal target={{ mode: 'create', draft: { start: new Date(2026, 10, 3, 9), end: new Date(2026, 10, 3, 10), allDay: false } }} onClose={() => closed.push('x')} />,
      { ...users, 'POST /api/appointments': () => answer(201, { visibility: 'full', appointment: appointment({ id: 'ap-bob', ownerUserId: 'u-bob' }) }) },
    );
    const calendar = await screen.findByLabelText(/^Calendar/);
    expect((calendar as HTMLSelectElement).value).toBe('u-ann');
    await screen.findByRole('option', { name: 'Bob Broker' });
    fireEvent.change(calendar, { target: { value: 'u-bob' } });
    fireEvent.change(screen.getByLabelText(/^Subject/), { target: { value: 'Estimate at Oak Lane' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(closed).toHaveLength(1));
    expect(api.callsTo('POST /api/appointments')[0]?.body).toMatchObject({ ownerUserId: 'u-bob', subject: 'Estimate at Oak Lane' });
    unmount();

    const opened = renderWithApi(<AppointmentModal target={{ mode: 'open', appointment: appointment({ id: 'ap-bob', ownerUserId: 'u-bob', subject: 'Estimate at Oak Lane' }) }} onClose={noop} />, {
      ...users,
      'PATCH /api/appointments/:id': () => ({ visibility: 'full', appointment: appointment({ id: 'ap-bob', ownerUserId: 'u-bob' }) }),
    });
    expect(await screen.findByText(/^On Bob Broker.s calendar\.$/)).toBeTruthy();
    expect(screen.queryByLabelText(/^Calendar/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(opened.api.callsTo('PATCH /api/appointments/:id')).toHaveLength(1));
    expect(opened.api.callsTo('PATCH /api/appointments/:id')[0]?.body).not.toHaveProperty('ownerUserId');
  });
});
