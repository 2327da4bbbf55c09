// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../api/schemas';
import { activity } from '../test/activities';
import { answer } from '../test/fake-api';
import { renderWithApi } from '../test/render';
import { ActivitiesTab } from './activities-tab';

function articles(): string[] {
  return screen.getAllByRole('article').map((a) => a.getAttribute('aria-label') ?? '');
}

function pagedActivities(all: Activity[], pageSize: number) {
  return (req: { url: URL }) => {
    const start = Number(req.url.searchParams.get('cursor') || 0);
    const items = all.slice(start, start + pageSize);
    const next = start + pageSize < all.length ? String(start + pageSize) : undefined;
    return { items, ...(next ? { nextCursor: next } : {}) };
  };
}

describe('Activities tab', () => {
  it('shows newest first and loads the next page with the cursor until there is none', async () => {
    const all = [1, 2, 3, 4, 5].map((n) => activity(n));
    const { api } = renderWithApi(<ActivitiesTab contactId="ct-1" />, { 'GET /api/contacts/:id/activities': pagedActivities(all, 2) });
    await screen.findByRole('article', { name: 'Email: Subject 1' });
    expect(articles()).toEqual(['Email: Subject 1', 'Email: Subject 2']);

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('article', { name: 'Email: Subject 4' });
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('article', { name: 'Email: Subject 5' });

    expect(articles()).toEqual([1, 2, 3, 4, 5].map((n) => `Email: Subject ${n}`));
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    const cursors = api.callsTo('GET /api/contacts/:id/activities').map((c) => c.url.searchParams.get('cursor'));
    expect(cursors).toEqual([null, '2', '4']);
  });

  it('renders HTML bodies in a sandboxed iframe that blocks scripts and remote loads, and lists attachments', async () => {
    const html = '<p>Hello <img src="https://tracker.test/p.gif"></p>';
    renderWithApi(<ActivitiesTab contactId="ct-1" />, {
      'GET /api/contacts/:id/activities': () => ({
        items: [activity(1, { bodyHtml: html, attachments: [{ name: 'offer.pdf', contentType: 'application/pdf', size: 2048 }, { name: 'big.iso', contentType: 'application/octet-stream', size: 10, refusedReason: 'too large' }] })],
      }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Show message' }));
    const frame = await screen.findByTitle('Message: Subject 1');
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.getAttribute('sandbox')).toBe('');
    const doc = frame.getAttribute('srcdoc') ?? '';
    expect(doc).toContain(html);
    expect(doc).toContain("default-src 'none'");
    const files = screen.getByRole('list', { name: 'Attachments' });
    expect(within(files).getByText(/offer\.pdf \(application\/pdf, 2\.0 KB\)/)).toBeTruthy();
    expect(within(files).getByText(/not stored: too large/)).toBeTruthy();
  });

  it('shows the status of sent mail, with the reason when it failed', async () => {
    renderWithApi(<ActivitiesTab contactId="ct-1" />, {
      'GET /api/contacts/:id/activities': () => ({
        items: [activity(1, { direction: 'outbound', status: 'failed', failureReason: 'Recipient address rejected' }), activity(2, { direction: 'outbound', status: 'sent' })],
      }),
    });
    expect(await screen.findByLabelText('Status: failed')).toBeTruthy();
    expect(screen.getByText('Recipient address rejected')).toBeTruthy();
    expect(screen.getByLabelText('Status: sent')).toBeTruthy();
  });
});

describe('Regarding picker', () => {
  it('searches, attaches the picked record, and clears it again', async () => {
    let current: Activity = activity(1);
    const { api } = renderWithApi(<ActivitiesTab contactId="ct-1" />, {
      'GET /api/contacts/:id/activities': () => ({ items: [current] }),
      'GET /api/regarding/search': (req) =>
        req.url.searchParams.get('q') === 'elm'
          ? { items: [{ type: 'property', id: 'p-1', label: '12 Elm Street' }, { type: 'opportunity', id: 'o-1', label: 'Elm Street sale' }] }
          : { items: [] },
      'PUT /api/activities/:id/regarding': (req) => {
        current = { ...current, regarding: { type: 'property', id: 'p-1', label: '12 Elm Street' } };
        expect(req.body).toEqual({ type: 'property', id: 'p-1' });
        return answer(204);
      },
      'DELETE /api/activities/:id/regarding': () => {
        current = { ...current, regarding: null };
        return answer(204);
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Attach Regarding' }));
    const input = screen.getByRole('combobox', { name: 'Regarding' });
    // Mantine treats changes to an unfocused input as autofill, as a browser would; type like a user.
    input.focus();
    fireEvent.click(input);
    fireEvent.change(input, { target: { value: 'elm' } });
    const option = await screen.findByRole('option', { name: '12 Elm Street' });
    expect(screen.getByText('Properties')).toBeTruthy();
    expect(screen.getByText('Opportunities')).toBeTruthy();
    fireEvent.click(option);

    await screen.findByRole('button', { name: 'Clear Regarding' });
    expect(screen.getByText('12 Elm Street')).toBeTruthy();
    expect(screen.getByText('Property')).toBeTruthy();
    expect(api.callsTo('PUT /api/activities/:id/regarding')[0]?.path).toBe('/api/activities/act-1/regarding');

    fireEvent.click(screen.getByRole('button', { name: 'Clear Regarding' }));
    expect(await screen.findByRole('button', { name: 'Attach Regarding' })).toBeTruthy();
    await waitFor(() => expect(api.callsTo('DELETE /api/activities/:id/regarding')).toHaveLength(1));
  });
});
