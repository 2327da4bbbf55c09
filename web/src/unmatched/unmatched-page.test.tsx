// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { activity } from '../test/activities';
import { answer } from '../test/fake-api';
import { renderWithApi } from '../test/render';
import { UnmatchedPage } from './unmatched-page';

describe('unmatched mail', () => {
  it('creates a contact prefilled from the sender and files the message to it', async () => {
    let filed = false;
    const { api } = renderWithApi(<UnmatchedPage />, {
      'GET /api/activities/unmatched': () => ({ items: filed ? [] : [activity(1, { from: { address: 'new@lead.test', name: 'New Lead' }, contactIds: [] })] }),
      'POST /api/contacts': (req) => answer(201, { id: 'ct-9', emails: ['new@lead.test'], ...(req.body as object) }),
      'POST /api/activities/:id/file': () => {
        filed = true;
        return answer(204);
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Create contact' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'New contact' }));
    expect(dialog.getByLabelText(/^Name/).getAttribute('value')).toBe('New Lead');
    expect(dialog.getByLabelText(/^Email/).getAttribute('value')).toBe('new@lead.test');
    fireEvent.click(dialog.getByRole('button', { name: 'Create contact' }));
    expect(await screen.findByText(/Nothing waiting/)).toBeTruthy();
    expect(api.callsTo('POST /api/contacts')[0]?.body).toEqual({ name: 'New Lead', emails: ['new@lead.test'] });
    expect(api.callsTo('POST /api/activities/:id/file')[0]?.body).toEqual({ contactIds: ['ct-9'] });
  });

  it('files a message to a contact picked by search', async () => {
    const { api } = renderWithApi(<UnmatchedPage />, {
      'GET /api/activities/unmatched': () => ({ items: [activity(2)] }),
      'GET /api/contacts': (req) => ({ items: req.url.searchParams.get('q') === 'dana' ? [{ id: 'ct-1', name: 'Dana Client', emails: ['dana@client.test'] }] : [] }),
      'POST /api/activities/:id/file': () => answer(204),
    });
    const input = await screen.findByRole('combobox', { name: 'File to contact' });
    input.focus();
    fireEvent.click(input);
    fireEvent.change(input, { target: { value: 'dana' } });
    fireEvent.click(await screen.findByRole('option', { name: 'Dana Client <dana@client.test>' }));
    await waitFor(() => expect(api.callsTo('POST /api/activities/:id/file')[0]?.path).toBe('/api/activities/act-2/file'));
  });
});
