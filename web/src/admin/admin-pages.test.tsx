// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SyncHealthItem } from '../api/schemas';
import { answer, apiError } from '../test/fake-api';
import { adminMe } from '../test/fixtures';
import { renderWithApi } from '../test/render';
import { resyncFinished } from './admin-api';
import { DomainsPage } from './domains-page';
import { SyncHealthPage } from './sync-health-page';

const item: SyncHealthItem = {
  id: 'acc-1',
  provider: 'google',
  mailboxAddress: 'bob@acme.test',
  status: 'needs_reconnect',
  statusReason: 'auth_revoked',
  lastSuccessAt: '2026-11-27T08:00:00Z',
  nextRunAt: null,
  expiresAt: null,
  expiryWarning: 'none',
  user: { id: 'u-bob', name: 'Bob Broker' },
  runs: [{ startedAt: '2026-11-27T08:05:00Z', finishedAt: '2026-11-27T08:05:02Z', items: 0, errors: 1, errorKind: 'auth_revoked', message: 'invalid_grant' }],
};

describe('sync health', () => {
  it('lists accounts with status, reason and recent runs, and shows progress while a resync runs', async () => {
    let state = item;
    const { api } = renderWithApi(<SyncHealthPage now={() => new Date('2026-11-27T09:00:00Z')} />, {
      'GET /api/me': () => adminMe,
      'GET /api/admin/sync-health': () => ({ items: [state] }),
      'POST /api/admin/accounts/:id/resync': () => {
        state = { ...item, status: 'syncing', statusReason: null, runs: [{ startedAt: '2026-11-27T09:00:01Z', finishedAt: null, items: 42, errors: 0, errorKind: null, message: null }, ...item.runs] };
        return answer(202, { ok: true });
      },
    });
    const table = await screen.findByRole('table', { name: 'Connected accounts' });
    expect(within(table).getByText('Bob Broker')).toBeTruthy();
    expect(within(table).getByText('Needs reconnect')).toBeTruthy();
    expect(within(table).getByText(/Access was revoked/)).toBeTruthy();
    fireEvent.click(within(table).getByRole('button', { name: 'Runs' }));
    expect(within(screen.getByRole('table', { name: 'Recent runs of bob@acme.test' })).getByText('auth_revoked: invalid_grant')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Resync bob@acme.test' }));
    const progress = await screen.findByRole('status', { name: 'Resync of bob@acme.test' });
    await waitFor(() => expect(progress.textContent).toContain('42 items so far'));
    expect(api.callsTo('POST /api/admin/accounts/:id/resync')[0]?.path).toBe('/api/admin/accounts/acc-1/resync');
  });

  it('calls a resync finished only when a run begun after the request has finished', () => {
    const since = '2026-11-27T09:00:00Z';
    expect(resyncFinished(item, since)).toBe(false);
    const running = { ...item, status: 'syncing', runs: [{ startedAt: '2026-11-27T09:00:01Z', finishedAt: null, items: 1, errors: 0, errorKind: null, message: null }] };
    expect(resyncFinished(running, since)).toBe(false);
    const done = { ...item, status: 'active', runs: [{ ...running.runs[0]!, finishedAt: '2026-11-27T09:01:00Z' }] };
    expect(resyncFinished(done, since)).toBe(true);
  });
});

const pass = (record: string, explanation: string) => ({ record, status: 'pass', code: `${record}_ok`, explanation, host: 'acme.test', found: [], issues: [] });

describe('email domains', () => {
  it('shows the records to publish with copy buttons and the live check explained', async () => {
    renderWithApi(<DomainsPage />, {
      'GET /api/me': () => adminMe,
      'GET /api/admin/domains': () => ({
        items: [
          {
            id: 'd-1',
            domain: 'acme.test',
            records: [
              { purpose: 'spf', host: 'acme.test', type: 'TXT', value: 'v=spf1 include:relay.test ~all', explanation: 'Lets the relay send for acme.test.' },
              { purpose: 'dkim', host: 'tandem._domainkey.acme.test', type: 'TXT', value: 'v=DKIM1; k=rsa; p=MIIB', explanation: 'Our public key.' },
            ],
            check: null,
          },
        ],
      }),
      'POST /api/admin/domains/:id/check': () => ({
        domain: 'acme.test',
        checkedAt: '2026-11-27T09:00:00Z',
        overall: 'fail',
        spf: pass('spf', 'SPF lets the relay send.'),
        dkim: { record: 'dkim', status: 'fail', code: 'dkim_missing', explanation: 'No DKIM record at tandem._domainkey.acme.test yet; publish the one above.', host: 'tandem._domainkey.acme.test', found: [], issues: [] },
        dmarc: pass('dmarc', 'DMARC is published.'),
        alignment: pass('alignment', 'The From domain aligns.'),
      }),
    });
    const records = await screen.findByRole('table', { name: 'Records to publish for acme.test' });
    expect(within(records).getByText('v=spf1 include:relay.test ~all')).toBeTruthy();
    expect(within(records).getByRole('button', { name: 'Copy dkim value' })).toBeTruthy();
    expect(screen.getByText('Not checked yet.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Check now' }));
    const live = await screen.findByRole('region', { name: 'Live check of acme.test' });
    expect(within(live).getByText('Not ready')).toBeTruthy();
    expect(within(live).getByText(/No DKIM record at tandem._domainkey.acme.test yet/)).toBeTruthy();
    expect(within(live).getByText('Needs fixing')).toBeTruthy();
  });
});

describe('adding a sending domain and checking it', () => {
  it('adds a domain through the form, shows its records, and shows progress while the live check runs', async () => {
    const domains: unknown[] = [];
    let finishCheck: (v: unknown) => void = () => undefined;
    const { api } = renderWithApi(<DomainsPage />, {
      'GET /api/me': () => adminMe,
      'GET /api/admin/domains': () => ({ items: domains }),
      'POST /api/admin/domains': (req) => {
        const body = req.body as { domain: string };
        if (body.domain === 'bad') return apiError(400, 'validation_failed', 'Invalid request', { fields: [{ path: 'body.domain', message: 'not a domain name' }] });
        const added = { id: 'd-2', domain: body.domain, records: [{ purpose: 'dkim', host: `tandem._domainkey.${body.domain}`, type: 'TXT', value: 'v=DKIM1; k=rsa; p=MIIB', explanation: 'Our public key.' }], check: null };
        domains.push(added);
        return answer(201, added);
      },
      'POST /api/admin/domains/:id/check': () => new Promise((resolve) => (finishCheck = resolve)),
    });
    await screen.findByText('No sending domain is set up yet.');
    const form = screen.getByRole('form', { name: 'Add a sending domain' });
    fireEvent.change(within(form).getByLabelText(/^Domain/), { target: { value: 'bad' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add domain' }));
    expect(await within(form).findByText('not a domain name')).toBeTruthy();

    fireEvent.change(within(form).getByLabelText(/^Domain/), { target: { value: 'Mail.Acme.test' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add domain' }));
    const records = await screen.findByRole('table', { name: 'Records to publish for mail.acme.test' });
    expect(within(records).getByText('tandem._domainkey.mail.acme.test')).toBeTruthy();
    // The empty report address becomes the domain's default; the name is sent lower-cased.
    expect(api.callsTo('POST /api/admin/domains').at(-1)?.body).toEqual({ domain: 'mail.acme.test', dmarcReportAddress: 'dmarc-reports@mail.acme.test' });
    expect((within(form).getByLabelText(/^Domain/) as HTMLInputElement).value).toBe('');

    fireEvent.click(screen.getByRole('button', { name: 'Check now' }));
    const progress = await screen.findByRole('status', { name: 'Checking mail.acme.test' });
    expect(within(progress).getByRole('progressbar', { name: 'Live check of mail.acme.test running' })).toBeTruthy();
    expect(progress.textContent).toContain('DKIM');
    finishCheck({
      domain: 'mail.acme.test',
      checkedAt: '2026-11-27T09:00:00Z',
      overall: 'pass',
      spf: pass('spf', 'SPF lets the relay send.'),
      dkim: pass('dkim', 'DKIM key matches.'),
      dmarc: pass('dmarc', 'DMARC is published.'),
      alignment: pass('alignment', 'The From domain aligns.'),
    });
    const live = await screen.findByRole('region', { name: 'Live check of mail.acme.test' });
    expect(within(live).getByText('Ready to send')).toBeTruthy();
    expect(screen.queryByRole('status', { name: 'Checking mail.acme.test' })).toBeNull();
  });
});
