// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { activity } from '../test/activities';
import { answer, apiError } from '../test/fake-api';
import { renderWithApi } from '../test/render';
import { ContactPage } from './contact-page';
import { ContactsPage } from './contacts-page';

const dana = { id: 'ct-1', name: 'Dana Client', companyName: 'Client Co', phone: null, street: null, city: 'Tigard', region: 'OR', postalCode: null, country: null, emails: ['dana@client.test'] };

describe('contacts', () => {
  it('searches on the server as the user types and links to the contact', async () => {
    const { api } = renderWithApi(<ContactsPage />, {
      'GET /api/contacts': (req) => ({ items: req.url.searchParams.get('q') === 'dana' ? [dana] : [dana, { ...dana, id: 'ct-2', name: 'Eli Other', emails: [] }] }),
    });
    expect(await screen.findByRole('link', { name: 'Eli Other' })).toBeTruthy();
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search contacts' }), { target: { value: 'dana' } });
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Eli Other' })).toBeNull());
    expect((await screen.findByRole('link', { name: 'Dana Client' })).getAttribute('href')).toBe('/contacts/ct-1');
    expect(api.callsTo('GET /api/contacts').at(-1)?.url.searchParams.get('q')).toBe('dana');
  });
});

describe('compose', () => {
  it('sends to the contact and shows the new mail as queued on the Activities tab', async () => {
    let sent = false;
    const { api } = renderWithApi(<ContactPage contactId="ct-1" />, {
      'GET /api/contacts/:id': () => dana,
      'GET /api/contacts/:id/activities': () => ({ items: sent ? [activity(1, { direction: 'outbound', subject: 'Quote', status: 'queued' })] : [] }),
      'POST /api/emails': (req) => {
        sent = true;
        return answer(202, activity(1, { direction: 'outbound', subject: (req.body as { subject: string }).subject, status: 'queued' }));
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Compose email' }));
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.change(dialog.getByLabelText(/^Subject/), { target: { value: 'Quote' } });
    fireEvent.change(dialog.getByLabelText('Message'), { target: { value: 'Hello Dana' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Send' }));
    expect(await screen.findByLabelText('Status: queued')).toBeTruthy();
    expect(api.callsTo('POST /api/emails')[0]?.body).toEqual({ to: [{ address: 'dana@client.test', name: 'Dana Client' }], subject: 'Quote', text: 'Hello Dana' });
  });

  it('points to Settings when no mailbox is connected for sending', async () => {
    renderWithApi(<ContactPage contactId="ct-1" />, {
      'GET /api/contacts/:id': () => dana,
      'GET /api/contacts/:id/activities': () => ({ items: [] }),
      'POST /api/emails': () => apiError(409, 'not_connected', 'No mailbox is connected for sending.'),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Compose email' }));
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.change(dialog.getByLabelText(/^Subject/), { target: { value: 'Hi' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Send' }));
    const alert = await dialog.findByRole('alert');
    expect(alert.textContent).toContain('No mailbox is connected for sending.');
    expect(within(alert).getByRole('link', { name: /User Settings/ }).getAttribute('href')).toBe('/settings/sync');
  });

  it('sends with Regarding and attachments (base64), and refuses more than 25 MB before sending', async () => {
    const { api, container } = renderWithApi(<ContactPage contactId="ct-1" />, {
      'GET /api/contacts/:id': () => dana,
      'GET /api/contacts/:id/activities': () => ({ items: [] }),
      'GET /api/regarding/search': (req) => ({ items: req.url.searchParams.get('q') === 'elm' ? [{ type: 'property', id: '0b5d7a1e-3f7c-4c52-9a55-0d8c0f3f9c11', label: '12 Elm Street' }] : [] }),
      'POST /api/emails': (req) => answer(202, activity(1, { direction: 'outbound', subject: (req.body as { subject: string }).subject, status: 'queued' })),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Compose email' }));
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.change(dialog.getByLabelText(/^Subject/), { target: { value: 'Quote for Elm Street' } });
    const regarding = dialog.getByRole('combobox', { name: 'Regarding' });
    regarding.focus();
    fireEvent.click(regarding);
    fireEvent.change(regarding, { target: { value: 'elm' } });
    fireEvent.click(await screen.findByRole('option', { name: '12 Elm Street' }));
    expect(within(dialog.getByRole('group', { name: 'Regarding' })).getByText('12 Elm Street')).toBeTruthy();

    const fileInput = container.ownerDocument.querySelector<HTMLInputElement>('input[type="file"]');
    if (!fileInput) throw new Error('no file input');
    const big = new File([new Uint8Array(26 * 1024 * 1024)], 'site-plan.pdf', { type: 'application/pdf' });
    fireEvent.change(fileInput, { target: { files: [big] } });
    expect(await dialog.findByText(/one mail can carry at most 25 MB/)).toBeTruthy();
    expect((dialog.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);

    const quote = new File(['Quote: 1,200 USD\n'], 'quote.txt', { type: 'text/plain' });
    const photo = new File([new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x10])], 'lawn.jpg', { type: 'image/jpeg' });
    fireEvent.change(fileInput, { target: { files: [quote, photo] } });
    await waitFor(() => expect((dialog.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false));
    expect(dialog.getByLabelText('Attached files').textContent).toBe('quote.txt (17 B), lawn.jpg (5 B)');
    fireEvent.click(dialog.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(api.callsTo('POST /api/emails')).toHaveLength(1));
    expect(api.callsTo('POST /api/emails')[0]?.body).toEqual({
      to: [{ address: 'dana@client.test', name: 'Dana Client' }],
      subject: 'Quote for Elm Street',
      text: '',
      regarding: { type: 'property', id: '0b5d7a1e-3f7c-4c52-9a55-0d8c0f3f9c11' },
      attachments: [
        { filename: 'quote.txt', contentType: 'text/plain', contentBase64: Buffer.from('Quote: 1,200 USD\n').toString('base64') },
        { filename: 'lawn.jpg', contentType: 'image/jpeg', contentBase64: '/9j/ABA=' },
      ],
    });
  });
});
