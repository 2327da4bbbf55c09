/**
 * Issue 8's journeys in Debian's Chromium against one `tandem demo` (the product wired to the
 * Microsoft 365 / Google / Exchange simulators), in order, as the demo admin Ava:
 * sign in → connect the simulated Microsoft 365 mailbox through its OAuth pages → move a message into
 * the Tandem folder on the simulator's webmail and find it on the contact's Activities tab → attach
 * Regarding → create an appointment and find it at the simulator → see Ben's Private calendar as
 * blocks. Then Ben connects the simulated Google account through its OAuth page and Cara an
 * Exchange account through the form, each in their own browser; mail they drop into Tandem (a Gmail
 * label, an EWS folder) on the simulator's webmail lands on Activities. Before that, Cara connects an
 * "Other mailbox (IMAP)" on a real Dovecot the journey starts itself (the demo reaches it on loopback
 * like any mail host): a wrong password is refused with the form kept, the right one connects, and
 * mail appended to its Tandem folder lands on Activities. Each main page is saved as a screenshot in
 * artifacts/e2e.
 *
 * The browser runs in the demo users' time zone, so "today" in the calendar is the day the demo
 * seeded Ben's appointments around.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTimeZone } from '../../src/store/seed-demo';
import { startDovecot, type DovecotServer } from '../support/servers/dovecot';
import { freePort as freeLoopbackPort } from '../support/servers/net-utils';
import { startSmtpSink, type SmtpSink } from '../support/servers/smtp-sink';
import { launchBrowser, screenshot, watchPage } from './support/browser';
import { dropIntoImapTandemFolder, folderNames } from './support/dovecot-mailbox';
import { dropIntoTandemFolder, expectConnected, expectOnActivities, nav as navOn, signInToTandem, type Captured } from './support/journey-steps';
import { eventually, signInAtGoogle, signInAtMicrosoft, simulatorUrls, webmailEvents, type DemoSimulators } from './support/simulators';
import { buildWebUi, demoSignIn, startTandem, type RunningTandem } from './support/tandem-server';

const mailbox = { address: 'ava@greenleaf.example', password: 'ava-Demo-2026' };

let tandem: RunningTandem;
let sims: DemoSimulators;
let browser: Browser;
let page: Page;
let watched: { errors: string[] };
/** Cara (Exchange) and Ben (Google), each signed in in a browser context of their own. */
let cara: { page: Page; watched: { errors: string[] } };
/** Cara's "Other mailbox (IMAP)": the journey's own Dovecot, started when her IMAP step runs. */
let dovecot: DovecotServer | undefined;
/** …and her SMTP server (connecting proves the SMTP login too). */
let smtp: SmtpSink | undefined;

beforeAll(async () => {
  await buildWebUi();
  [tandem, browser] = await Promise.all([startTandem('demo'), launchBrowser()]);
  sims = simulatorUrls(tandem.output());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: demoTimeZone, locale: 'en-US' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watched = watchPage(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tandem?.stop();
  await dovecot?.stop();
  await smtp?.stop();
});

const nav = (name: string) => navOn(page, name);

/** Another demo user in a browser context of their own (own session cookie), in the demo's zone. */
async function newUserPage(email: string): Promise<{ page: Page; watched: { errors: string[] } }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: demoTimeZone, locale: 'en-US' });
  const p = await context.newPage();
  p.setDefaultTimeout(15_000);
  const w = watchPage(p);
  await signInToTandem(p, tandem.url, { email, password: demoSignIn.password });
  return { page: p, watched: w };
}

function today(): string {
  // The demo's zone, as the browser (timezoneId) sees it.
  return new Intl.DateTimeFormat('en-CA', { timeZone: demoTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

describe('issue 8 journeys (tandem demo + simulators + Chromium)', () => {
  let captured: Captured;

  it('signs in as the demo admin', async () => {
    await signInToTandem(page, tandem.url, demoSignIn);
    expect(page.url()).toBe(`${tandem.url}/contacts`);
    expect(await page.getByTestId('company-name').textContent()).toBe('Greenleaf Landscaping');
    expect(await page.getByRole('table', { name: 'Contacts' }).locator('tbody tr').count()).toBeGreaterThan(10);
    await screenshot(page, 'contacts');
    expect(watched.errors).toEqual([]);
  });

  it('connects the simulated Microsoft 365 mailbox through its sign-in and consent pages', async () => {
    await nav('Settings').click();
    await page.getByRole('heading', { level: 1, name: 'User Settings → Sync' }).waitFor();
    for (const label of ['Sync Email', 'Sync Calendar', 'Sync Tandem Folder']) await page.getByRole('checkbox', { name: label }).check();
    await page.getByRole('combobox', { name: 'Provider' }).selectOption({ label: 'Microsoft 365' });
    await screenshot(page, 'settings-sync');
    await page.getByRole('button', { name: 'Save' }).click();

    await page.waitForURL((url) => url.origin === new URL(sims.microsoft).origin);
    await screenshot(page, 'microsoft-sign-in');
    await signInAtMicrosoft(page, mailbox);

    await expectConnected(page, tandem.url, `${mailbox.address} (Microsoft 365)`);
    expect(new URL(page.url()).searchParams.get('connected')).toBe('1');
    await screenshot(page, 'settings-sync-connected');
    expect(watched.errors).toEqual([]);
  });

  it('files a message moved into the Tandem folder on the webmail on the sender contact’s Activities tab, by push', async () => {
    captured = await dropIntoTandemFolder(page, sims.microsoft, mailbox.address, 'webmail-moved-to-tandem');
    // No Sync now: the Graph subscription on the Tandem folder notifies Tandem's webhook.
    await expectOnActivities(page, captured, { push: true });
    await screenshot(page, 'contact-activities-captured');
    expect(watched.errors).toEqual([]);
  });

  it('attaches Regarding to the captured email, and it stays attached', async () => {
    const email = page.getByRole('article', { name: `Email: ${captured.subject}` });
    await email.getByRole('button', { name: 'Attach Regarding' }).click();
    await email.getByRole('combobox', { name: 'Regarding' }).fill('Irrigation');
    await page.getByRole('option', { name: /Irrigation retrofit/ }).click();
    await email.getByRole('button', { name: 'Clear Regarding' }).waitFor();
    await page.reload();
    await email.getByRole('button', { name: 'Clear Regarding' }).waitFor();
    expect(await email.textContent()).toContain('Irrigation retrofit');
    await screenshot(page, 'contact-activities-regarding');
    expect(watched.errors).toEqual([]);
  });

  it('composes an email with Regarding and an attachment from the contact page', async () => {
    await page.getByRole('button', { name: 'Compose email' }).click();
    const dialog = page.getByRole('dialog', { name: `Email ${captured.contact}` });
    const subject = `E2E quote ${Date.now().toString(36)}`;
    await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
    await dialog.getByRole('textbox', { name: 'Message' }).fill('The quote for the irrigation retrofit is attached.');
    await dialog.getByRole('combobox', { name: 'Regarding' }).fill('Irrigation');
    await page.getByRole('option', { name: /Irrigation retrofit/ }).click();
    await dialog.getByRole('group', { name: 'Regarding' }).waitFor();
    await dialog.locator('input[type="file"]').setInputFiles({ name: 'quote.txt', mimeType: 'text/plain', buffer: Buffer.from('Irrigation retrofit: 4,200 USD\n') });
    await dialog.getByLabel('Attached files').waitFor();
    await screenshot(page, 'compose-email');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const sent = page.getByRole('article', { name: `Email: ${subject}` });
    await sent.waitFor();
    const text = (await sent.textContent()) ?? '';
    expect(text).toContain('quote.txt');
    expect(text).toContain('Irrigation retrofit');
    await screenshot(page, 'contact-activities-sent');
    expect(watched.errors).toEqual([]);
  });

  it('creates an appointment in the Calendar and finds it in the mailbox at the simulator', async () => {
    await nav('Calendar').click();
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    await page.getByRole('button', { name: 'New appointment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New appointment' });
    const subject = `E2E site visit ${Date.now().toString(36)}`;
    await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
    // Today 10:00-11:00 is always inside the week on screen (the default "next hour" may not be, late on a Saturday).
    await dialog.getByLabel('Starts').fill(`${today()}T10:00`);
    await dialog.getByLabel('Ends').fill(`${today()}T11:00`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByTestId('calendar-event').filter({ hasText: subject }).first().waitFor();
    await page.waitForLoadState('networkidle');
    // No event time wraps out of its box (a 30-minute simulator event used to show only "–").
    const wrapped = await page.getByTestId('calendar-event-time').evaluateAll((els) =>
      els.filter((el) => el.textContent?.trim() === '–' || el.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(el).fontSize)).map((el) => el.textContent),
    );
    expect(wrapped).toEqual([]);
    await screenshot(page, 'calendar-with-appointment');

    const sim = await page.context().newPage();
    const event = await eventually(async () => (await webmailEvents(sim, sims.microsoft, mailbox.address)).find((e) => e.subject === subject), `"${subject}" in the simulator's calendar`, {
      timeoutMs: 30_000,
    });
    expect(event.marks).toContain('Made by Tandem');
    await screenshot(sim, 'webmail-calendar');
    await sim.close();
    expect(watched.errors).toEqual([]);
  });

  it("makes an appointment on Cara's calendar, edits it as its maker, and Cara sees it on hers", async () => {
    await nav('Calendar').click();
    await page.getByRole('button', { name: 'New appointment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New appointment' });
    const subject = `E2E estimate for Cara ${Date.now().toString(36)}`;
    await dialog.getByRole('combobox', { name: 'Calendar' }).selectOption({ label: 'Cara Nguyen' });
    await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
    await dialog.getByLabel('Starts').fill(`${today()}T15:00`);
    await dialog.getByLabel('Ends').fill(`${today()}T16:00`);
    await screenshot(page, 'calendar-owner-picker');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByTestId('calendar-event').filter({ hasText: subject }).first().click();
    const edit = page.getByRole('dialog', { name: 'Edit appointment' });
    await edit.getByText("On Cara Nguyen's calendar.").waitFor();
    await edit.getByRole('textbox', { name: 'Subject' }).fill(`${subject} (confirmed)`);
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    cara = await newUserPage('cara@greenleaf.example');
    await navOn(cara.page, 'Calendar').click();
    await cara.page.getByTestId('calendar-event').filter({ hasText: `${subject} (confirmed)` }).first().waitFor();
    await screenshot(cara.page, 'calendar-cara-sees-appointment');
    expect([...watched.errors, ...cara.watched.errors]).toEqual([]);
  });

  it("shows Ben's Private calendar as busy blocks without details", async () => {
    await nav('Calendar').click();
    const calendars = page.getByRole('region', { name: 'Calendars' });
    await calendars.getByText('(private)').waitFor();
    // Only Ben's calendar on screen, so every event drawn is his.
    await calendars.getByRole('checkbox', { name: /Ava Greenleaf \(you\)/ }).uncheck();
    await calendars.getByRole('checkbox', { name: /Cara Nguyen/ }).uncheck();
    const events = page.getByTestId('calendar-event');
    await events.first().waitFor();
    await page.waitForLoadState('networkidle');
    // The previous calendars stay on screen until the new answer arrives; wait for Ben's alone.
    let titles: string[] = [];
    await eventually(
      async () => {
        titles = await events.allTextContents();
        return titles.length > 0 && titles.every((t) => t.endsWith('Private'));
      },
      "only Private blocks on Ben's calendar",
      { timeoutMs: 15_000 },
    ).catch(() => undefined);
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.filter((t) => !t.endsWith('Private'))).toEqual([]);
    // Drawn as grey busy blocks (BUSY_COLOR #868e96), not in a calendar's color.
    const colors = await page.locator('.tandem-busy').evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor));
    expect(colors).toEqual(titles.map(() => 'rgb(134, 142, 150)'));
    const text = (await page.getByRole('region', { name: 'Calendar grid' }).textContent()) ?? '';
    for (const secret of ['Interview', 'Pay review', 'Dentist', 'Parent-teacher', 'Office']) expect(text).not.toContain(secret);
    await screenshot(page, 'calendar-private-blocks');
    expect(watched.errors).toEqual([]);
  });

  it('sets up the SMTP relay and a sending domain, and shows a user what sending via SMTP needs', async () => {
    await nav('SMTP relay').click();
    const relay = page.getByRole('form', { name: 'Relay settings' });
    await relay.getByRole('textbox', { name: 'Host' }).fill('127.0.0.1');
    await relay.getByRole('textbox', { name: 'Port' }).fill('2525');
    await relay.getByRole('combobox', { name: 'Encryption' }).selectOption('none');
    await relay.getByRole('button', { name: 'Save relay' }).click();
    await relay.getByRole('status').filter({ hasText: 'The relay settings are saved.' }).waitFor();
    await page.getByRole('form', { name: 'Send a test message' }).waitFor();
    await screenshot(page, 'admin-relay');

    await nav('Email domains').click();
    const add = page.getByRole('form', { name: 'Add a sending domain' });
    await add.getByRole('textbox', { name: 'Domain' }).fill('greenleaf.example');
    await add.getByRole('button', { name: 'Add domain' }).click();
    const records = page.getByRole('table', { name: 'Records to publish for greenleaf.example' });
    await records.waitFor();
    expect(await records.textContent()).toContain('_domainkey.greenleaf.example');
    await screenshot(page, 'admin-domains');

    // Cara has no synced mailbox yet: "Other via SMTP" tells her the domain still needs its check.
    await navOn(cara.page, 'Settings').click();
    await cara.page.getByRole('combobox', { name: 'Provider' }).selectOption({ label: 'Other via SMTP' });
    const panel = cara.page.getByRole('region', { name: 'Sending through the company SMTP relay' });
    await panel.getByRole('alert').waitFor();
    expect(await panel.textContent()).toContain('cara@greenleaf.example');
    await screenshot(cara.page, 'settings-other-via-smtp');
    expect([...watched.errors, ...cara.watched.errors]).toEqual([]);
  });

  it('connects Cara’s own IMAP mailbox (a real Dovecot) through the form: an unreachable server and a wrong password are refused, the right one connects and captures', async () => {
    const login = { user: 'cara', password: 'cara-Imap-2026' };
    [dovecot, smtp] = await Promise.all([startDovecot({ users: [login] }), startSmtpSink({ users: [login] })]);
    const p = cara.page;
    await navOn(p, 'Settings').click();
    await p.reload();
    for (const label of ['Sync Email', 'Sync Tandem Folder']) await p.getByRole('checkbox', { name: label }).check();
    await p.getByRole('combobox', { name: 'Provider' }).selectOption({ label: 'Other mailbox (IMAP)' });
    const host = p.getByRole('combobox', { name: 'Mail host' });
    // The presets are the server's data: typing an iCloud address picks iCloud and fills its servers.
    await p.getByRole('textbox', { name: 'Email Address' }).fill('cara@icloud.com');
    await eventually(async () => (await p.getByRole('textbox', { name: 'SMTP server' }).inputValue()) === 'smtp.mail.me.com', 'the iCloud preset filled in', { timeoutMs: 15_000 });
    expect(await host.inputValue()).toBe('icloud');
    expect(await host.locator('option').allTextContents()).toEqual(['Fastmail', 'iCloud Mail', 'Zoho Mail', 'Yahoo Mail', 'Another host (enter the servers)']);

    await p.getByRole('textbox', { name: 'Email Address' }).fill('cara@greenleaf.example');
    await host.selectOption({ label: 'Another host (enter the servers)' });
    await p.getByRole('textbox', { name: 'Username' }).fill(login.user);
    await p.locator('input[type="password"]').fill('cara-Wrong-Password');
    await p.getByRole('textbox', { name: 'IMAP server' }).fill(dovecot.host);
    await p.getByRole('combobox', { name: 'IMAP encryption' }).selectOption({ label: 'STARTTLS' });
    // First a port nothing listens on: the server cannot be reached.
    await p.getByRole('textbox', { name: 'IMAP port' }).fill(String(await freeLoopbackPort('127.0.0.1')));
    // Connecting proves the IMAP login, then the SMTP login (the journey sends nothing from it).
    await p.getByRole('textbox', { name: 'SMTP server' }).fill(smtp.host);
    await p.getByRole('textbox', { name: 'SMTP port' }).fill(String(smtp.port));
    await p.getByRole('combobox', { name: 'SMTP encryption' }).selectOption({ label: 'STARTTLS' });
    await p.getByRole('textbox', { name: 'CalDAV URL (optional)' }).fill('');
    // Mail only: with Sync Calendar on and no URL, connect would look for a calendar server at greenleaf.example.
    await p.getByRole('checkbox', { name: 'Sync Calendar' }).uncheck();
    await screenshot(p, 'settings-imap-form');

    const save = p.getByRole('button', { name: 'Save' });
    await save.click();
    await p.getByRole('alert').filter({ hasText: 'could not be reached' }).waitFor({ timeout: 30_000 });
    await p.getByText('Tandem could not reach this server: check its name, port and encryption.').waitFor();
    await screenshot(p, 'settings-imap-unreachable');

    await p.getByRole('textbox', { name: 'IMAP port' }).fill(String(dovecot.port));
    await save.click();
    await p.getByRole('alert').filter({ hasText: 'did not accept the username or password' }).waitFor({ timeout: 30_000 });
    // Nothing was stored, and everything typed is still there to correct.
    expect(await p.getByRole('region', { name: 'Connected mailbox' }).count()).toBe(0);
    expect(await p.getByRole('textbox', { name: 'IMAP port' }).inputValue()).toBe(String(dovecot.port));
    expect(await p.locator('input[type="password"]').inputValue()).toBe('cara-Wrong-Password');
    await screenshot(p, 'settings-imap-wrong-password');

    await p.locator('input[type="password"]').fill(login.password);
    await p.getByRole('button', { name: 'Save' }).click();
    await p.getByRole('status').filter({ hasText: 'Your sync settings are saved.' }).waitFor({ timeout: 45_000 });
    await expectConnected(p, tandem.url, 'cara@greenleaf.example (Other mailbox (IMAP))');
    expect(await folderNames(dovecot, login)).toEqual(expect.arrayContaining(['Tandem', 'Processed']));
    await screenshot(p, 'settings-imap-connected');

    const caught = await dropIntoImapTandemFolder(dovecot, login, 'cara@greenleaf.example');
    // No Sync now: IMAP IDLE on the Tandem folder tells the worker.
    await expectOnActivities(p, caught, { push: true });
    await screenshot(p, 'contact-activities-imap');

    // Leave Cara without a mailbox, as the Exchange journey expects.
    await navOn(p, 'Settings').click();
    await p.getByRole('region', { name: 'Connected mailbox' }).getByRole('button', { name: 'Disconnect' }).click();
    await p.getByRole('region', { name: 'Connected mailbox' }).waitFor({ state: 'detached' });
    expect(cara.watched.errors).toEqual([]);
  });

  it('screenshots the other main pages', async () => {
    for (const [path, name, heading] of [
      ['/unmatched', 'unmatched', 'Unmatched mail'],
      ['/admin/sync-health', 'admin-sync-health', 'Sync health'],
    ] as const) {
      await page.goto(`${tandem.url}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await screenshot(page, name);
    }
    expect(watched.errors).toEqual([]);
  });

  it('connects Cara’s simulated Exchange mailbox through the form; a message she moves into its Tandem folder lands on Activities', async () => {
    const p = cara.page;
    await navOn(p, 'Settings').click();
    await p.reload();
    for (const label of ['Sync Email', 'Sync Tandem Folder']) await p.getByRole('checkbox', { name: label }).check();
    await p.getByRole('combobox', { name: 'Provider' }).selectOption({ label: 'Exchange' });
    await p.getByRole('textbox', { name: 'Email Address' }).fill('cara@greenleaf.example');
    await p.getByRole('textbox', { name: 'Username' }).fill('cara@greenleaf.example');
    await p.locator('input[type="password"]').fill('cara-Demo-2026');
    await p.getByRole('textbox', { name: 'EWS URL (optional)' }).fill(sims.ews);
    await screenshot(p, 'settings-exchange-form');
    await p.getByRole('button', { name: 'Save' }).click();
    await p.getByRole('status').filter({ hasText: 'Your sync settings are saved.' }).waitFor({ timeout: 45_000 });
    await expectConnected(p, tandem.url, 'cara@greenleaf.example (Exchange)');
    await screenshot(p, 'settings-exchange-connected');

    const caught = await dropIntoTandemFolder(p, sims.exchange, 'cara@greenleaf.example', 'webmail-exchange-moved-to-tandem');
    // No Sync now: the EWS pull subscription on the Tandem folder reports the new item.
    await expectOnActivities(p, caught, { push: true });
    await screenshot(p, 'contact-activities-exchange');
    expect(cara.watched.errors).toEqual([]);
  });

  it('connects Ben’s simulated Google account through its OAuth page; a message he labels Tandem lands on Activities by push', async () => {
    const ben = await newUserPage('ben@greenleaf.example');
    const p = ben.page;
    await navOn(p, 'Settings').click();
    for (const label of ['Sync Email', 'Sync Tandem Folder']) await p.getByRole('checkbox', { name: label }).check();
    await p.getByRole('combobox', { name: 'Provider' }).selectOption({ label: 'Google' });
    await p.getByRole('button', { name: 'Save' }).click();
    await p.waitForURL((url) => url.origin === new URL(sims.google).origin);
    await screenshot(p, 'google-sign-in');
    await signInAtGoogle(p, { address: 'ben@greenleaf.example', password: 'ben-Demo-2026' });
    await expectConnected(p, tandem.url, 'ben@greenleaf.example (Google)');
    expect(new URL(p.url()).searchParams.get('connected')).toBe('1');
    await screenshot(p, 'settings-google-connected');

    const caught = await dropIntoTandemFolder(p, sims.google, 'ben@greenleaf.example', 'webmail-google-labelled-tandem');
    // No Sync now: the demo's Gmail watch publishes to Pub/Sub, whose push reaches Tandem's webhook.
    await expectOnActivities(p, caught, { push: true });
    await screenshot(p, 'contact-activities-google');
    expect(ben.watched.errors).toEqual([]);
  });
});
