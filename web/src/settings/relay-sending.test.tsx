// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RelayStatus } from '../api/relay-schemas';
import type { SyncSettings } from '../api/schemas';
import { adminMe } from '../test/fixtures';
import { renderWithApi } from '../test/render';
import { SyncSettingsPage } from './sync-settings-page';

const settings: SyncSettings = { syncEmail: false, syncCalendar: false, syncCaptureFolder: false, calendarPrivacy: 'public', provider: null, account: null };

const notPassing: RelayStatus = {
  fromAddress: 'ann@acme.test',
  hasSyncedMailbox: false,
  relayConfigured: true,
  domain: { domain: 'acme.test', checkedAt: '2026-11-27T09:00:00Z', overall: 'fail' },
  ready: false,
  code: 'domain_not_passing',
  message: 'Mail from ann@acme.test cannot go through the relay until the DKIM record (tandem._domainkey.acme.test) is fixed.',
  failing: [{ record: 'dkim', host: 'tandem._domainkey.acme.test', explanation: 'No DKIM record there yet; publish the one shown.' }],
};

function renderSettings(status: RelayStatus, routes: Record<string, () => unknown> = {}) {
  return renderWithApi(<SyncSettingsPage redirect={() => undefined} />, {
    'GET /api/settings/sync': () => settings,
    'GET /api/settings/relay': () => status,
    'PUT /api/settings/sync': () => ({ next: { type: 'done' } }),
    ...routes,
  });
}

const chooseRelay = async () => fireEvent.change(await screen.findByLabelText('Provider'), { target: { value: 'smtp' } });

describe('Settings → Provider "Other via SMTP"', () => {
  it('explains that mail goes through the relay and names the record to fix; a member is told to ask an administrator', async () => {
    const { api } = renderSettings(notPassing);
    expect(screen.queryByRole('region', { name: 'Sending through the company SMTP relay' })).toBeNull();
    await chooseRelay();
    const panel = await screen.findByRole('region', { name: 'Sending through the company SMTP relay' });
    await within(panel).findByText('Not ready');
    expect(panel.textContent).toContain('ann@acme.test');
    const alert = within(panel).getByRole('alert');
    expect(alert.textContent).toContain('DKIM record (tandem._domainkey.acme.test) is fixed');
    expect(within(alert).getByText(/No DKIM record there yet/)).toBeTruthy();
    expect(alert.textContent).toContain('Ask an administrator');
    expect(within(panel).queryByRole('link', { name: 'Set up the SMTP relay' })).toBeNull();
    // Nothing is synced via the relay: the sync boxes are off and cannot be ticked.
    for (const name of ['Sync Email', 'Sync Calendar', 'Sync Tandem Folder']) {
      const box = screen.getByRole('checkbox', { name: new RegExp(name) });
      expect((box as HTMLInputElement).checked).toBe(false);
      expect((box as HTMLInputElement).disabled).toBe(true);
    }
    expect(api.callsTo('GET /api/settings/relay')).toHaveLength(1);
  });

  it('saves with no provider and nothing synced', async () => {
    const { api } = renderSettings({ ...notPassing, ready: true, code: null, message: null, failing: [], domain: { domain: 'acme.test', checkedAt: '2026-11-27T09:00:00Z', overall: 'pass' } });
    await chooseRelay();
    const panel = await screen.findByRole('region', { name: 'Sending through the company SMTP relay' });
    expect(await within(panel).findByText('Ready to send', { selector: '.mantine-Badge-label' })).toBeTruthy();
    expect(within(panel).getByRole('status').textContent).toContain('acme.test passed its SPF, DKIM and DMARC check');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.callsTo('PUT /api/settings/sync')).toHaveLength(1));
    expect(api.callsTo('PUT /api/settings/sync')[0]?.body).toEqual({ syncEmail: false, syncCalendar: false, syncCaptureFolder: false, calendarPrivacy: 'public', provider: null });
  });

  it('links an administrator to the relay and domain screens', async () => {
    renderSettings({ ...notPassing, relayConfigured: false, domain: null, code: 'relay_not_configured', message: 'The company has no SMTP relay set up.', failing: [] }, { 'GET /api/me': () => adminMe });
    await chooseRelay();
    const panel = await screen.findByRole('region', { name: 'Sending through the company SMTP relay' });
    expect((await within(panel).findByRole('link', { name: 'Set up the SMTP relay' })).getAttribute('href')).toBe('/admin/relay');
    expect(within(panel).getByRole('link', { name: /Email domains/ }).getAttribute('href')).toBe('/admin/domains');
  });

  it('says an added domain is waiting for its first check, rather than not set up', async () => {
    renderSettings({ ...notPassing, domain: { domain: 'acme.test', checkedAt: null, overall: null }, code: 'domain_not_checked', message: 'acme.test is not set up as a sending domain.', failing: [] });
    await chooseRelay();
    const alert = await within(await screen.findByRole('region', { name: 'Sending through the company SMTP relay' })).findByRole('alert');
    expect(alert.textContent).toContain('acme.test is added as a sending domain, but its SPF, DKIM and DMARC records have not been checked yet');
    expect(alert.textContent).not.toContain('not set up');
  });
});
