/**
 * Smoke: the built UI served by `tandem demo` in Debian's Chromium. Signs in as the demo admin and
 * saves a screenshot of each main page into artifacts/e2e.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, watchPage } from './support/browser';
import { buildWebUi, demoSignIn, startTandem, type RunningTandem } from './support/tandem-server';

let tandem: RunningTandem;
let browser: Browser;
let page: Page;
let watched: { errors: string[] };

beforeAll(async () => {
  await buildWebUi();
  [tandem, browser] = await Promise.all([startTandem('demo'), launchBrowser()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
  watched = watchPage(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await tandem?.stop();
});

describe('web UI smoke (tandem demo + Chromium)', () => {
  it('signs in as the demo admin and shows the contacts page', async () => {
    await page.goto(`${tandem.url}/`);
    await page.getByRole('textbox', { name: 'Email' }).fill(demoSignIn.email);
    // The visibility toggle also mentions the password; the input is the one field of its type.
    await page.locator('input[type="password"]').fill(demoSignIn.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('table', { name: 'Contacts' }).waitFor();
    expect(page.url()).toBe(`${tandem.url}/contacts`);
    expect(await page.getByTestId('company-name').textContent()).toBe('Greenleaf Landscaping');
    expect(await page.getByRole('table', { name: 'Contacts' }).locator('tbody tr').count()).toBeGreaterThan(10);
    await screenshot(page, 'contacts');
    expect(watched.errors).toEqual([]);
  });

  it('opens a contact and its Activities tab', async () => {
    await page.getByRole('table', { name: 'Contacts' }).locator('tbody tr a').first().click();
    await page.getByRole('tab', { name: 'Activities' }).waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'contact');
    expect(watched.errors).toEqual([]);
  });

  it('finds a contact by search and attaches Regarding to an email on the Activities tab', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill('Noah Sato');
    await page.getByRole('link', { name: 'Noah Sato' }).click();
    const email = page.getByRole('article', { name: 'Email: Invoice question' });
    await email.getByRole('button', { name: 'Attach Regarding' }).click();
    await email.getByRole('combobox', { name: 'Regarding' }).fill('Irrigation');
    await page.getByRole('option', { name: /Irrigation retrofit/ }).click();
    await email.getByRole('button', { name: 'Clear Regarding' }).waitFor();
    expect(await email.textContent()).toContain('Irrigation retrofit');
    await screenshot(page, 'contact-activities-regarding');
    expect(watched.errors).toEqual([]);
  });

  it('shows the calendar with the FullCalendar week view', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'calendar');
    await page.getByText('Week', { exact: true }).waitFor();
    expect(watched.errors).toEqual([]);
  });

  it('creates a Tandem appointment in the modal and shows it in the week', async () => {
    await page.getByRole('button', { name: 'New appointment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New appointment' });
    await dialog.getByRole('textbox', { name: 'Subject' }).fill('E2E site visit');
    // Today 10:00-11:00 is always inside the week on screen (the default "next hour" may not be, late on a Saturday).
    const now = new Date();
    const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    await dialog.getByLabel('Starts').fill(`${today}T10:00`);
    await dialog.getByLabel('Ends').fill(`${today}T11:00`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByTestId('calendar-event').filter({ hasText: 'E2E site visit' }).first().waitFor();
    await screenshot(page, 'calendar-with-appointment');
    expect(watched.errors).toEqual([]);
  });

  it('screenshots the other main pages', async () => {
    for (const [path, name, heading] of [
      ['/unmatched', 'unmatched', 'Unmatched mail'],
      ['/settings/sync', 'settings-sync', 'User Settings → Sync'],
      ['/admin/sync-health', 'admin-sync-health', 'Sync health'],
      ['/admin/domains', 'admin-domains', 'Email domains'],
    ] as const) {
      await page.goto(`${tandem.url}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await screenshot(page, name);
    }
  });
});
