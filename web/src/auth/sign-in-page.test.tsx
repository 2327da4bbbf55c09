// @vitest-environment jsdom
import '../test/dom-setup';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../app';
import { answer, apiError, fakeApi } from '../test/fake-api';
import { me } from '../test/fixtures';

function signedOutApp(signIn: Parameters<ReturnType<typeof fakeApi>['on']>[1]) {
  const api = fakeApi({
    'GET /api/me': () => apiError(401, 'unauthenticated', 'Sign in first.'),
    'POST /api/session': signIn,
    'GET /api/contacts': () => ({ items: [] }),
  });
  render(<App fetch={api.fetch} mantineEnv="test" />);
  return api;
}

async function fillAndSubmit(email: string, password: string) {
  fireEvent.change(await screen.findByLabelText(/^Email/), { target: { value: email } });
  fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign-in page', () => {
  it('signs in and shows the shell with the user and company', async () => {
    const api = signedOutApp(() => me);
    await fillAndSubmit(' ann@acme.test ', 'secret');
    expect(await screen.findByText('Acme Realty')).toBeTruthy();
    expect(screen.getByText(/Ann Agent/)).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Sync health' })).toBeNull();
    const [call] = api.callsTo('POST /api/session');
    expect(call?.body).toEqual({ email: 'ann@acme.test', password: 'secret' });
    expect(call?.headers['x-csrf-token']).toBeUndefined();
  });

  it('shows the API message for wrong credentials and stays on the form', async () => {
    signedOutApp(() => apiError(401, 'invalid_credentials', 'The email address or password is not correct.'));
    await fillAndSubmit('ann@acme.test', 'wrong');
    expect((await screen.findByRole('alert')).textContent).toContain('The email address or password is not correct.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('shows field errors next to the fields', async () => {
    signedOutApp(() => answer(400, { error: { code: 'validation_failed', message: 'Some fields are missing or invalid.', fields: [{ path: 'body.email', message: 'Invalid email address' }] } }));
    await fillAndSubmit('nope', 'x');
    const email = await screen.findByLabelText(/^Email/);
    await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('Invalid email address')).toBeTruthy();
  });

  it('sends the CSRF token from the sign-in answer on later writes (sign out)', async () => {
    const api = signedOutApp(() => me);
    api.on('DELETE /api/session', () => answer(204));
    await fillAndSubmit('ann@acme.test', 'secret');
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(api.callsTo('DELETE /api/session')).toHaveLength(1));
    expect(api.callsTo('DELETE /api/session')[0]?.headers['x-csrf-token']).toBe('csrf-123');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
  });
});
