// @vitest-environment jsdom
/**
 * User Settings → Sync → "Other mailbox (IMAP)": presets from the API fill the servers, Save sends the
 * form as the API takes it, and a refusal (wrong password, unreachable server) keeps every field filled.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SyncSettings } from '../api/schemas';
import { answer } from '../test/fake-api';
import { renderWithApi } from '../test/render';
import { refusalHint } from './imap-fields';
import { SyncSettingsPage } from './sync-settings-page';

const noMailbox: SyncSettings = { syncEmail: true, syncCalendar: false, syncCaptureFolder: true, calendarPrivacy: 'public', provider: null, account: null };

// Shaped as GET /api/settings/sync/imap-presets answers (test/api/imap-presets.test.ts pins the server side).
const presets = [
  {
    id: 'fastmail',
    name: 'Fastmail',
    domains: ['fastmail.com'],
    imap: { host: 'imap.fastmail.com', port: 993, secure: true },
    smtp: { host: 'smtp.fastmail.com', port: 465, secure: true },
    caldavUrl: 'https://caldav.fastmail.com/',
    appPasswordNote: 'Create an app password with IMAP, SMTP and CalDAV access.',
    appPasswordUrl: 'https://app.fastmail.com/settings/security/apps',
  },
  {
    id: 'icloud',
    name: 'iCloud Mail',
    domains: ['icloud.com'],
    imap: { host: 'imap.mail.me.com', port: 993, secure: true },
    smtp: { host: 'smtp.mail.me.com', port: 587, secure: false },
    caldavUrl: 'https://caldav.icloud.com/',
    appPasswordNote: 'Apple requires an app-specific password.',
    appPasswordUrl: 'https://appleid.apple.com/account/manage',
  },
];

function renderPage(settings: SyncSettings, put: (body: unknown) => unknown = () => ({ next: { type: 'done' } })) {
  return renderWithApi(<SyncSettingsPage redirect={() => undefined} />, {
    'GET /api/settings/sync': () => settings,
    'PUT /api/settings/sync': (req) => put(req.body),
    'GET /api/settings/sync/imap-presets': () => ({ items: presets }),
    'GET /api/calendar-shares': () => ({ items: [] }),
  });
}

const field = (label: RegExp) => screen.getByLabelText<HTMLInputElement>(label);
const type = (label: RegExp, value: string) => fireEvent.change(field(label), { target: { value } });
const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save' }));

async function chooseImap() {
  const provider = await screen.findByLabelText('Provider');
  expect(within(provider).getByRole('option', { name: 'Other mailbox (IMAP)' })).toBeTruthy();
  fireEvent.change(provider, { target: { value: 'imap' } });
  // The host menu fills once the presets arrive.
  await waitFor(() => expect(within(field(/^Mail host/)).queryByRole('option', { name: 'Fastmail' })).toBeTruthy());
}

function fillCustom() {
  type(/^Email Address/, 'erin@mail.tandem.test');
  type(/^Password/, 'erin-Imap-Password-1');
  type(/^IMAP server/, '127.0.0.1');
  fireEvent.change(field(/^IMAP encryption/), { target: { value: 'starttls' } });
  type(/^SMTP server/, '127.0.0.1');
  type(/^SMTP port/, '2525');
  fireEvent.change(field(/^SMTP encryption/), { target: { value: 'starttls' } });
}

const customBody = {
  email: 'erin@mail.tandem.test',
  username: 'erin@mail.tandem.test',
  password: 'erin-Imap-Password-1',
  imap: { host: '127.0.0.1', port: 143, secure: false },
  smtp: { host: '127.0.0.1', port: 2525, secure: false },
};

describe('User Settings → Sync → Other mailbox (IMAP)', () => {
  it('fills the servers from the preset of the address’s domain and sends what the API takes', async () => {
    const { api } = renderPage(noMailbox);
    await chooseImap();
    type(/^Email Address/, 'ann@Fastmail.com');
    expect(field(/^Mail host/).value).toBe('fastmail');
    expect([field(/^IMAP server/).value, field(/^IMAP port/).value, field(/^IMAP encryption/).value]).toEqual(['imap.fastmail.com', '993', 'tls']);
    expect([field(/^SMTP server/).value, field(/^SMTP port/).value, field(/^SMTP encryption/).value]).toEqual(['smtp.fastmail.com', '465', 'tls']);
    expect(field(/^CalDAV URL/).value).toBe('https://caldav.fastmail.com/');
    // The username follows the address until the user types their own.
    expect(field(/^Username/).value).toBe('ann@Fastmail.com');
    expect(screen.getByText(/Create an app password with IMAP, SMTP and CalDAV access/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Create an app password at Fastmail' }).getAttribute('href')).toBe(presets[0]!.appPasswordUrl);
    type(/^Password/, 'app-pass-1234');
    save();
    expect(await screen.findByText('Your sync settings are saved.')).toBeTruthy();
    expect(api.callsTo('PUT /api/settings/sync')[0]?.body).toEqual({
      syncEmail: true,
      syncCalendar: false,
      syncCaptureFolder: true,
      calendarPrivacy: 'public',
      provider: 'imap',
      imap: {
        email: 'ann@Fastmail.com',
        username: 'ann@Fastmail.com',
        password: 'app-pass-1234',
        imap: { host: 'imap.fastmail.com', port: 993, secure: true },
        smtp: { host: 'smtp.fastmail.com', port: 465, secure: true },
        caldavUrl: 'https://caldav.fastmail.com/',
      },
    });
    // Connected: the password does not linger in the page.
    expect(field(/^Password/).value).toBe('');
  });

  it('picks the address’s preset when the presets arrive after the address was typed', async () => {
    let release: () => void = () => undefined;
    const late = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { api } = renderPage(noMailbox);
    api.on('GET /api/settings/sync/imap-presets', async () => {
      await late;
      return { items: presets };
    });
    const provider = await screen.findByLabelText('Provider');
    fireEvent.change(provider, { target: { value: 'imap' } });
    type(/^Email Address/, 'cara@icloud.com');
    expect(field(/^SMTP server/).value).toBe('');
    release();
    await waitFor(() => expect(field(/^SMTP server/).value).toBe('smtp.mail.me.com'));
    expect(field(/^Mail host/).value).toBe('icloud');
    expect(field(/^Username/).value).toBe('cara@icloud.com');
  });

  it('takes a host picked by hand, or servers entered by hand, with STARTTLS and its usual port', async () => {
    const { api } = renderPage(noMailbox);
    await chooseImap();
    fireEvent.change(field(/^Mail host/), { target: { value: 'icloud' } });
    expect([field(/^SMTP server/).value, field(/^SMTP port/).value, field(/^SMTP encryption/).value]).toEqual(['smtp.mail.me.com', '587', 'starttls']);
    expect(screen.getByText(/Apple requires an app-specific password/)).toBeTruthy();
    // A host the user picked stays picked whatever the address.
    type(/^Email Address/, 'ann@fastmail.com');
    expect(field(/^Mail host/).value).toBe('icloud');

    fireEvent.change(field(/^Mail host/), { target: { value: '' } });
    expect(screen.getByText(/most hosts refuse your usual password here/)).toBeTruthy();
    type(/^Username/, 'erin');
    fillCustom();
    // STARTTLS moved the IMAP port from 993 to 143; a port typed by hand (2525) stays.
    expect(field(/^IMAP port/).value).toBe('143');
    expect(field(/^Username/).value).toBe('erin');
    type(/^CalDAV URL/, '');
    save();
    expect(await screen.findByText('Your sync settings are saved.')).toBeTruthy();
    expect(api.callsTo('PUT /api/settings/sync')[0]?.body).toMatchObject({ provider: 'imap', imap: { ...customBody, username: 'erin' } });
    expect(api.callsTo('PUT /api/settings/sync')[0]?.body).not.toHaveProperty('imap.caldavUrl');
  });

  it('a wrong password shows the server’s refusal at the password and keeps the form filled', async () => {
    renderPage(noMailbox, () => ({ next: { type: 'error', code: 'invalid_credentials', message: 'The mail server did not accept the username or password.' } }));
    await chooseImap();
    fillCustom();
    save();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Could not connect the mailbox')).toBeTruthy();
    expect(alert.textContent).toContain('The mail server did not accept the username or password.');
    expect(field(/^Password/).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/Not accepted by the mail server/)).toBeTruthy();
    expect([field(/^Email Address/).value, field(/^Password/).value, field(/^IMAP server/).value, field(/^SMTP port/).value]).toEqual([
      'erin@mail.tandem.test',
      'erin-Imap-Password-1',
      '127.0.0.1',
      '2525',
    ]);
  });

  it('an unreachable server points at the IMAP server fields', async () => {
    renderPage(noMailbox, () => ({ next: { type: 'error', code: 'provider_unavailable', message: 'The mail provider could not be reached; try again in a moment.' } }));
    await chooseImap();
    fillCustom();
    save();
    expect(await screen.findByText('The mail provider could not be reached; try again in a moment.')).toBeTruthy();
    expect(screen.getByText('Tandem could not reach this server: check its name, port and encryption.')).toBeTruthy();
    expect(field(/^IMAP server/).getAttribute('aria-invalid')).toBe('true');
    expect(field(/^IMAP server/).value).toBe('127.0.0.1');
  });

  it.each([
    ['invalid_credentials', 'password'],
    ['smtp_invalid_credentials', 'password'],
    ['caldav_invalid_credentials', 'password'],
    ['provider_unavailable', 'imap'],
    ['imap_tls_failed', 'imap'],
    ['smtp_unreachable', 'smtp'],
    ['smtp_tls_failed', 'smtp'],
    ['smtp_refused', 'smtp'],
    ['caldav_unreachable', 'caldavUrl'],
    ['caldav_tls_failed', 'caldavUrl'],
    ['caldav_no_calendar', 'caldavUrl'],
    ['caldav_refused', 'caldavUrl'],
    ['caldav_not_found', 'caldavUrl'],
    ['caldav_elsewhere', 'caldavUrl'],
  ] as const)('a %s refusal is hinted at the %s field and nowhere else', (code, at) => {
    for (const f of ['password', 'imap', 'smtp', 'caldavUrl'] as const) {
      if (f === at) expect(refusalHint(code, f)).toBeTruthy();
      else expect(refusalHint(code, f)).toBeUndefined();
    }
    expect(refusalHint('mailbox_in_use', at)).toBeUndefined();
    expect(refusalHint(null, at)).toBeUndefined();
  });

  it.each([
    ['smtp_invalid_credentials', /^Password/, /Not accepted by the outgoing \(SMTP\) server/, [/^IMAP server/, /^SMTP server/, /^CalDAV URL/]],
    ['smtp_unreachable', /^SMTP server/, /could not reach this server/, [/^IMAP server/, /^Password/]],
    ['caldav_no_calendar', /^CalDAV URL/, /No calendar found for this account/, [/^IMAP server/, /^SMTP server/, /^Password/]],
  ])('a %s refusal points at its own field only and keeps the form filled', async (code, at, hint, notAt) => {
    renderPage(noMailbox, () => ({ next: { type: 'error', code, message: `The API's message for ${code}.` } }));
    await chooseImap();
    fillCustom();
    type(/^CalDAV URL/, 'https://dav.mail.tandem.test/');
    save();
    expect(await screen.findByText(`The API's message for ${code}.`)).toBeTruthy();
    expect(screen.getByText(hint)).toBeTruthy();
    expect(field(at).getAttribute('aria-invalid')).toBe('true');
    for (const other of notAt) expect(field(other).getAttribute('aria-invalid')).not.toBe('true');
    expect([field(/^SMTP port/).value, field(/^CalDAV URL/).value]).toEqual(['2525', 'https://dav.mail.tandem.test/']);
  });

  it('sends nothing while a field is missing or wrong, and says which', async () => {
    const { api } = renderPage({ ...noMailbox, syncCalendar: true });
    await chooseImap();
    type(/^IMAP port/, '99999');
    save();
    expect(await screen.findByText('Enter the email address of the mailbox.')).toBeTruthy();
    expect(screen.getByText('Enter the password or app password.')).toBeTruthy();
    expect(screen.getByText('A port is a number from 1 to 65535.')).toBeTruthy();
    expect(field(/^Email Address/).getAttribute('aria-invalid')).toBe('true');
    expect(api.callsTo('PUT /api/settings/sync')).toEqual([]);
  });

  it('with Sync Calendar and no CalDAV URL, sends the settings for the server to look the calendar up', async () => {
    const { api } = renderPage({ ...noMailbox, syncCalendar: true });
    await chooseImap();
    type(/^Email Address/, 'erin@mail.tandem.test');
    type(/^Password/, 'erin-password');
    fillCustom();
    type(/^CalDAV URL/, '');
    save();
    expect(await screen.findByText('Your sync settings are saved.')).toBeTruthy();
    const body = api.callsTo('PUT /api/settings/sync')[0]?.body;
    expect(body).toMatchObject({ provider: 'imap', syncCalendar: true });
    expect(body).not.toHaveProperty('imap.caldavUrl');
  });

  it('shows the API’s field errors at the fields', async () => {
    renderPage(noMailbox, () =>
      answer(400, { error: { code: 'validation_failed', message: 'Some fields are missing or invalid.', fields: [{ path: 'body.imap.smtp.host', message: 'Too long' }] } }),
    );
    await chooseImap();
    fillCustom();
    save();
    expect(await screen.findByText('Too long')).toBeTruthy();
    expect(field(/^SMTP server/).getAttribute('aria-invalid')).toBe('true');
  });

  it('keeps a connected IMAP mailbox’s stored settings when only the options change', async () => {
    const account = {
      id: 'acc-1',
      provider: 'imap' as const,
      mailboxAddress: 'erin@mail.tandem.test',
      status: 'active',
      statusReason: null,
      lastSuccessAt: null,
      nextRunAt: null,
      expiresAt: null,
      expiryWarning: 'none' as const,
    };
    const { api } = renderPage({ ...noMailbox, provider: 'imap', account });
    expect(await screen.findByText('Your mailbox is connected with its saved servers and password.')).toBeTruthy();
    expect(screen.queryByLabelText(/^IMAP server/)).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Sync Email' }));
    save();
    expect(await screen.findByText('Your sync settings are saved.')).toBeTruthy();
    const body = api.callsTo('PUT /api/settings/sync')[0]?.body;
    expect(body).toMatchObject({ provider: 'imap', syncEmail: false });
    expect(body).not.toHaveProperty('imap');

    // Opened to change the password, the form is checked and sent again in full.
    fireEvent.click(screen.getByRole('button', { name: 'Change servers or password' }));
    await waitFor(() => expect(within(field(/^Mail host/)).queryByRole('option', { name: 'Fastmail' })).toBeTruthy());
    fillCustom();
    save();
    await waitFor(() => expect(api.callsTo('PUT /api/settings/sync')).toHaveLength(2));
    expect(api.callsTo('PUT /api/settings/sync')[1]?.body).toMatchObject({ provider: 'imap', imap: customBody });
  });
});
