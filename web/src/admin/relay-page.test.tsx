// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { answer } from '../test/fake-api';
import { adminMe } from '../test/fixtures';
import { renderWithApi } from '../test/render';
import { RelayPage } from './relay-page';

const stored = { host: 'smtp.acme.test', port: 587, tls: 'starttls', username: 'crm', passwordSet: true, updatedAt: '2026-11-27T08:00:00Z' };

describe('SMTP relay settings', () => {
  it('sets up a relay from scratch; the password is sent once and never shown', async () => {
    let relay: typeof stored | null = null;
    const { api } = renderWithApi(<RelayPage />, {
      'GET /api/me': () => adminMe,
      'GET /api/admin/relay': () => ({ relay }),
      'PUT /api/admin/relay': (req) => {
        const body = req.body as { host: string; port: number; tls: 'starttls'; username?: string; password?: string };
        relay = { host: body.host, port: body.port, tls: body.tls, username: body.username ?? '', passwordSet: body.password !== undefined, updatedAt: '2026-11-27T09:00:00Z' };
        return { ...relay };
      },
    });
    const form = await screen.findByRole('form', { name: 'Relay settings' });
    expect(screen.getByText('Not set up yet.')).toBeTruthy();
    // No test send before there is a relay to send through.
    expect(screen.queryByRole('form', { name: 'Send a test message' })).toBeNull();
    fireEvent.change(within(form).getByLabelText(/^Host/), { target: { value: 'smtp.acme.test' } });
    fireEvent.change(within(form).getByLabelText(/^Encryption/), { target: { value: 'tls' } });
    fireEvent.change(within(form).getByLabelText(/^Port/), { target: { value: '465' } });
    fireEvent.change(within(form).getByLabelText(/^Username/), { target: { value: 'crm' } });
    fireEvent.change(within(form).getByLabelText(/^Password/), { target: { value: 'S3cret-relay' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save relay' }));
    await waitFor(() => expect(api.callsTo('PUT /api/admin/relay')).toHaveLength(1));
    expect(api.callsTo('PUT /api/admin/relay')[0]?.body).toEqual({ host: 'smtp.acme.test', port: 465, tls: 'tls', username: 'crm', password: 'S3cret-relay' });
    const saved = await screen.findByRole('form', { name: 'Relay settings' });
    await within(saved).findByText(/A password is saved \(never shown\)/);
    expect(within(saved).getByRole('status').textContent).toContain('The relay settings are saved.');
    expect((within(saved).getByLabelText(/^Password/) as HTMLInputElement).value).toBe('');
    expect(await screen.findByRole('form', { name: 'Send a test message' })).toBeTruthy();
  });

  it('keeps the stored password when the field is left empty, can remove it, and shows field errors', async () => {
    const { api } = renderWithApi(<RelayPage />, {
      'GET /api/me': () => adminMe,
      'GET /api/admin/relay': () => ({ relay: stored }),
      'PUT /api/admin/relay': (req) =>
        (req.body as { port: number }).port === 70000
          ? answer(400, { error: { code: 'validation_failed', message: 'Invalid request', fields: [{ path: 'body.port', message: 'Too big: expected number to be <=65535' }] } })
          : stored,
    });
    const form = await screen.findByRole('form', { name: 'Relay settings' });
    expect((within(form).getByLabelText(/^Host/) as HTMLInputElement).value).toBe('smtp.acme.test');
    fireEvent.click(within(form).getByRole('button', { name: 'Save relay' }));
    await waitFor(() => expect(api.callsTo('PUT /api/admin/relay')).toHaveLength(1));
    expect(api.callsTo('PUT /api/admin/relay')[0]?.body).toEqual({ host: 'smtp.acme.test', port: 587, tls: 'starttls', username: 'crm' });

    fireEvent.click(within(form).getByRole('checkbox', { name: 'Remove the saved password' }));
    fireEvent.change(within(form).getByLabelText(/^Port/), { target: { value: '70000' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save relay' }));
    expect(await within(form).findByText(/expected number to be <=65535/)).toBeTruthy();
    expect(api.callsTo('PUT /api/admin/relay')[1]?.body).toMatchObject({ password: null });
  });

  it('sends a test message and shows the relay’s answer when it refuses', async () => {
    let ok = true;
    const { api } = renderWithApi(<RelayPage />, {
      'GET /api/me': () => adminMe,
      'GET /api/admin/relay': () => ({ relay: stored }),
      'POST /api/admin/relay/test': () =>
        ok
          ? { ok: true, messageId: '<t-1@acme.test>', response: '250 2.0.0 queued', signed: true }
          : { ok: false, kind: 'permission', code: 'relay_auth_failed', message: 'The relay refused the username or password.', relayResponse: '535 5.7.8 Authentication credentials invalid' },
    });
    const test = await screen.findByRole('form', { name: 'Send a test message' });
    expect((within(test).getByLabelText(/^Send to/) as HTMLInputElement).value).toBe(adminMe.user.email);
    fireEvent.click(within(test).getByRole('button', { name: 'Send test' }));
    expect((await within(test).findByRole('status')).textContent).toMatch(/accepted[\s\S]*Signed with the domain’s DKIM key[\s\S]*250 2.0.0 queued/);
    expect(api.callsTo('POST /api/admin/relay/test')[0]?.body).toEqual({ to: adminMe.user.email });

    ok = false;
    fireEvent.click(within(test).getByRole('button', { name: 'Send test' }));
    const refused = await within(test).findByRole('alert');
    expect(refused.textContent).toContain('The relay refused the username or password.');
    expect(refused.textContent).toContain('535 5.7.8');
  });
});
