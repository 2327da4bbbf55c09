/**
 * The simulators `tandem demo` starts, as a browser test reaches them: their URLs (read from the
 * welcome text the demo prints, as a newcomer would) and the steps on their pages — the Microsoft
 * sign-in and consent pages (sim/microsoft/identity/pages.ts) and the shared webmail (sim/common/webmail.ts).
 */
import type { Page } from 'playwright-core';

export interface DemoSimulators {
  microsoft: string;
  google: string;
  exchange: string;
  /** The Exchange simulator's EWS endpoint, for the "EWS URL" field. */
  ews: string;
}

/** Reads "Microsoft 365  http://127.0.0.1:40123/webmail" and its siblings from the demo's output. */
export function simulatorUrls(output: string): DemoSimulators {
  const find = (label: string): string => {
    const m = new RegExp(`${label}\\s+(https?://\\S+?)/webmail`).exec(output);
    if (!m?.[1]) throw new Error(`tandem demo did not print the ${label} simulator URL:\n${output}`);
    return m[1];
  };
  const ews = /\(EWS (https?:\/\/[^\s)]+)\)/.exec(output)?.[1];
  if (!ews) throw new Error(`tandem demo did not print the Exchange EWS URL:\n${output}`);
  return { microsoft: find('Microsoft 365'), google: find('Google'), exchange: find('Exchange'), ews };
}

/** The Microsoft sign-in page: type the mailbox and its password, then accept the consent page. */
export async function signInAtMicrosoft(page: Page, login: { address: string; password: string }): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByRole('textbox', { name: 'Email, phone, or Skype' }).fill(login.address);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Permissions requested' }).waitFor();
  await page.getByRole('button', { name: 'Accept' }).click();
}

/** The Google sign-in page (sim/google/oauth-page.ts): pick the account, give its password, Allow. */
export async function signInAtGoogle(page: Page, login: { address: string; password: string }): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in with Google (simulated)' }).waitFor();
  await page.getByLabel('Choose an account').selectOption(login.address);
  await page.getByLabel('Password (if the account has one)').fill(login.password);
  await page.getByRole('button', { name: 'Allow' }).click();
}

export interface WebmailRow {
  from: string;
  subject: string;
}

/** The rows of a webmail folder table ("Messages in Inbox"). */
export async function webmailRows(page: Page, folder: string): Promise<WebmailRow[]> {
  const rows = page.getByRole('table', { name: `Messages in ${folder}` }).locator('tbody tr');
  const out: WebmailRow[] = [];
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allTextContents();
    out.push({ from: cells[0] ?? '', subject: cells[1] ?? '' });
  }
  return out;
}

/** Opens a message in the webmail and moves it with the labelled "Move to folder" select. */
export async function moveMessage(page: Page, subject: string, folder: string): Promise<void> {
  await page.getByRole('link', { name: subject, exact: true }).first().click();
  await page.getByLabel('Move to folder').selectOption({ label: folder });
  await page.getByRole('button', { name: 'Move', exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Moved the message to ${folder}.` }).waitFor();
}

/** The calendar list of a mailbox in the webmail: subject and marks per event. */
export async function webmailEvents(page: Page, simUrl: string, mailbox: string): Promise<{ subject: string; marks: string }[]> {
  await page.goto(`${simUrl}/webmail/calendar?m=${encodeURIComponent(mailbox)}`);
  const rows = page.getByRole('table', { name: `Events of ${mailbox}` }).locator('tbody tr');
  const out: { subject: string; marks: string }[] = [];
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allTextContents();
    out.push({ subject: cells[0] ?? '', marks: cells[3] ?? '' });
  }
  return out;
}

/** Retries `probe` until it answers truthy, doing `between` after each miss; a browser journey's wait for async work. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, options: { timeoutMs?: number; between?: () => Promise<void> } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 45_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await (options.between ?? (() => new Promise<void>((r) => setTimeout(r, 500))))();
  }
}
