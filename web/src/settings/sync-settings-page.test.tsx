// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { SyncSettings } from '../api/schemas';
import { answer } from '../test/fake-api';
import { renderWithApi } from '../test/render';
import { SyncSettingsPage } from './sync-settings-page';

const base: SyncSettings = {
  syncEmail: true,
  syncCalendar: true,
  syncCaptureFolder: true,
  calendarPrivacy: 'public',
  provider: null,
  account: null,
};

const account = {
  id: 'acc-1',
  provider: 'microsoft' as const,
  mailboxAddress: 'ann@acme.test',
  status: 'active',
  statusReason: null,
  lastSuccessAt: '2026-11-27T10:00:00Z',
  nextRunAt: '2026-11-27T10:05:00Z',
  expiresAt: '2026-11-30T10:00:00Z',
  expiryWarning: 'none' as const,
};

function renderPage(settings: SyncSettings, put: (body: unknown) => unknown = () => ({ next: { type: 'done' } })) {
  const redirect = vi.fn<(url: string) => void>();
  const view = renderWithApi(<SyncSettingsPage redirect={redirect} />, {
    'GET /api/settings/sync': () => settings,
    'PUT /api/settings/sync': (req) => put(req.body),
    'GET /api/calendar-shares': () => ({ items: [{ userId: 'u-bob', name: 'Bob Broker' }] }),
    'GET /api/users': () => ({
      items: [
        { id: 'u-ann', name: 'Ann Agent', email: 'ann@acme.test' },
        { id: 'u-bob', name: 'Bob Broker', email: 'bob@acme.test' },
        { id: 'u-cy', name: 'Cy Clerk', email: 'cy@acme.test' },
      ],
    }),
    'PUT /api/calendar-shares/:id': () => answer(204),
  });
  return { ...view, redirect };
}

const provider = () => screen.findByLabelText('Provider');

describe('User Settings → Sync', () => {
  it('shows the Exchange fields only when Exchange is chosen, and sends them on Save', async () => {
    const { api } = renderPage(base);
    fireEvent.change(await provider(), { target: { value: 'microsoft' } });
    expect(screen.queryByLabelText(/^Username/)).toBeNull();
    fireEvent.change(await provider(), { target: { value: 'exchange' } });
    fireEvent.change(screen.getByLabelText(/^Email Address/), { target: { value: 'ann@corp.test' } });
    fireEvent.change(screen.getByLabelText(/^Username/), { target: { value: 'CORP\\ann' } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'pw' } });
    expect(screen.getByLabelText(/^EWS URL/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Your sync settings are saved.')).toBeTruthy();
    const [put] = api.callsTo('PUT /api/settings/sync');
    expect(put?.body).toEqual({ ...base, account: undefined, provider: 'exchange', exchange: { email: 'ann@corp.test', username: 'CORP\\ann', password: 'pw' } });
    expect(put?.headers['x-csrf-token']).toBe('csrf-123');
  });

  it('shows each Sync checkbox as saved and sends what the user ticks', async () => {
    const { api } = renderPage({ ...base, syncEmail: true, syncCalendar: false, syncCaptureFolder: false });
    const box = (name: string) => screen.getByRole<HTMLInputElement>('checkbox', { name });
    await provider();
    expect([box('Sync Email').checked, box('Sync Calendar').checked, box('Sync Tandem Folder').checked]).toEqual([true, false, false]);
    fireEvent.click(box('Sync Tandem Folder'));
    fireEvent.click(box('Sync Email'));
    expect([box('Sync Email').checked, box('Sync Tandem Folder').checked]).toEqual([false, true]);
    fireEvent.change(await provider(), { target: { value: 'microsoft' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Your sync settings are saved.')).toBeTruthy();
    expect(api.callsTo('PUT /api/settings/sync')[0]?.body).toMatchObject({ syncEmail: false, syncCalendar: false, syncCaptureFolder: true });
  });

  it('puts Exchange field errors next to the fields', async () => {
    renderPage(base, () =>
      answer(400, { error: { code: 'validation_failed', message: 'Some fields are missing or invalid.', fields: [{ path: 'body.exchange.password', message: 'Required' }] } }),
    );
    fireEvent.change(await provider(), { target: { value: 'exchange' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Required')).toBeTruthy();
    expect(screen.getByLabelText(/^Password/).getAttribute('aria-invalid')).toBe('true');
  });

  it('follows the OAuth redirect for Microsoft 365', async () => {
    const { redirect } = renderPage(base, () => ({ next: { type: 'redirect', url: 'https://login.example/authorize?x=1' } }));
    fireEvent.change(await provider(), { target: { value: 'microsoft' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(redirect).toHaveBeenCalledWith('https://login.example/authorize?x=1'));
  });

  it('explains admin approval with the link for the administrator', async () => {
    const consent = 'https://login.example/common/adminconsent?client_id=abc';
    renderPage(base, () => ({ next: { type: 'error', code: 'consent_required', message: 'Your organisation needs an administrator to approve Tandem.', adminConsentUrl: consent } }));
    fireEvent.change(await provider(), { target: { value: 'microsoft' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Admin approval required')).toBeTruthy();
    expect(within(alert).getByRole('link', { name: consent }).getAttribute('href')).toBe(consent);
  });

  it('shows the expiry warning banner and the connected mailbox', async () => {
    renderPage({ ...base, provider: 'microsoft', account: { ...account, expiryWarning: '3d' } });
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toMatch(/expires in less than 3 days/);
    expect(banner.textContent).toContain('ann@acme.test');
    expect(screen.getByText('Connected')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Disconnect' })).toBeTruthy();
  });

  it('shows no banner while the connection is far from expiry', async () => {
    renderPage({ ...base, provider: 'microsoft', account });
    expect(await screen.findByText('Connected')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says why sync stopped when the account needs reconnecting', async () => {
    renderPage({ ...base, provider: 'google', account: { ...account, provider: 'google', status: 'needs_reconnect', statusReason: 'auth_revoked' } });
    expect(await screen.findByText('Needs reconnect')).toBeTruthy();
    expect(screen.getByText(/Access was revoked or the password changed/)).toBeTruthy();
    expect(screen.getByText('Stopped until you reconnect')).toBeTruthy();
  });

  it('lists the people a Private calendar is shared with and adds one', async () => {
    const { api } = renderPage({ ...base, calendarPrivacy: 'private' });
    expect(await screen.findByText('Bob Broker')).toBeTruthy();
    const select = screen.getByLabelText('Share with');
    await waitFor(() => expect(within(select).queryByRole('option', { name: 'Cy Clerk' })).toBeTruthy());
    // Neither the user nor someone already shared with is offered.
    expect(within(select).queryByRole('option', { name: 'Ann Agent' })).toBeNull();
    expect(within(select).queryByRole('option', { name: 'Bob Broker' })).toBeNull();
    fireEvent.change(select, { target: { value: 'u-cy' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(api.callsTo('PUT /api/calendar-shares/:id')[0]?.path).toBe('/api/calendar-shares/u-cy'));
  });
});
