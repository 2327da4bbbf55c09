/**
 * Steps the journeys share, each on the page it is given (several signed-in users run side by side
 * in their own browser contexts): sign in, navigate, Sync now, and the capture round trip — move a
 * customer's message into the Tandem folder (Gmail: label) on a simulator's webmail, then find it on
 * the contact's Activities tab.
 */
import type { Page } from 'playwright-core';
import { demoCorrespondents } from '../../../src/store/seed-demo';
import { screenshot } from './browser';
import { eventually, moveMessage, webmailRows } from './simulators';

export const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

export async function signInToTandem(page: Page, url: string, login: { email: string; password: string }): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByRole('textbox', { name: 'Email' }).fill(login.email);
  // The visibility toggle also mentions the password; the input is the one field of its type.
  await page.locator('input[type="password"]').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('table', { name: 'Contacts' }).waitFor();
}

export async function openContact(page: Page, name: string): Promise<void> {
  await nav(page, 'Contacts').click();
  await page.getByRole('searchbox', { name: 'Search contacts' }).fill(name);
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('tab', { name: 'Activities' }).waitFor();
}

export async function syncNow(page: Page): Promise<void> {
  await nav(page, 'Settings').click();
  const mailboxCard = page.getByRole('region', { name: 'Connected mailbox' });
  await mailboxCard.getByRole('button', { name: 'Sync now' }).click();
  await page.waitForLoadState('networkidle');
}

/** Back from the provider on Settings with `?connected=1` and the mailbox card showing a sync state, never an error. */
export async function expectConnected(page: Page, tandemUrl: string, mailboxText: string): Promise<void> {
  await page.waitForURL((url) => url.origin === tandemUrl && url.pathname === '/settings/sync');
  const card = page.getByRole('region', { name: 'Connected mailbox' });
  await card.waitFor();
  const text = (await card.textContent()) ?? '';
  if (!text.includes(mailboxText)) throw new Error(`connected mailbox card shows "${text}", expected "${mailboxText}"`);
  const badge = (await card.locator('.mantine-Badge-root').textContent()) ?? '';
  if (!['Connected', 'Syncing'].includes(badge)) throw new Error(`mailbox status is "${badge}"`);
}

export interface Captured {
  subject: string;
  contact: string;
}

/**
 * On the simulator's webmail: wait for the Tandem folder the connect step made, then move the newest
 * Inbox message from a demo contact into it. `shot` names the screenshot of the moved message.
 */
export async function dropIntoTandemFolder(page: Page, simUrl: string, mailbox: string, shot: string): Promise<Captured> {
  const webmail = await page.context().newPage();
  try {
    await webmail.goto(`${simUrl}/webmail/mailbox?m=${encodeURIComponent(mailbox)}`);
    await webmail.getByRole('link', { name: /^Tandem \(\d+\)$/ }).waitFor();
    const rows = await webmailRows(webmail, 'Inbox');
    const pick = rows
      .map((r) => ({ ...r, contact: demoCorrespondents.find((c) => r.from.toLowerCase().includes(c.email)) }))
      .find((r) => r.contact && r.subject.trim());
    if (!pick?.contact) throw new Error(`no message from a demo contact in the inbox of ${mailbox}: ${JSON.stringify(rows)}`);
    await moveMessage(webmail, pick.subject, 'Tandem');
    await screenshot(webmail, shot);
    return { subject: pick.subject, contact: pick.contact.name };
  } finally {
    await webmail.close();
  }
}

/**
 * Sync now, then wait for the mail on the contact's Activities tab. With `push`, no Sync now: the
 * provider's notification alone must bring the mail in (before the next scheduled poll).
 */
export async function expectOnActivities(page: Page, captured: Captured, options: { push?: boolean } = {}): Promise<void> {
  if (!options.push) await syncNow(page);
  await openContact(page, captured.contact);
  const article = page.getByRole('article', { name: `Email: ${captured.subject}` });
  await eventually(async () => (await article.count()) > 0, `"${captured.subject}" on ${captured.contact}'s Activities tab`, {
    between: async () => {
      await page.waitForTimeout(1000);
      await page.reload();
      await page.getByRole('tab', { name: 'Activities' }).waitFor();
    },
  });
}
