import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/domain/clock';
import { describeSimulators } from './cli';
import { handleWebmail } from './common/webmail';
import { demoMailboxes, startSimulators, type Simulators } from './index';

const users = ['ava@greenleaf.example', 'ben@greenleaf.example', 'cara@greenleaf.example'];

describe('startSimulators', () => {
  let sims: Simulators;
  beforeAll(async () => {
    sims = await startSimulators({ seed: 5, clock: new FakeClock('2026-11-02T09:00:00Z'), messagesPerMailbox: 4, eventsPerMailbox: 3 });
  });
  afterAll(async () => {
    await sims?.close();
  });

  it('starts three simulators on distinct ephemeral ports', () => {
    const urls = [sims.microsoft.url, sims.google.url, sims.exchange.url];
    expect(new Set(urls).size).toBe(3);
    for (const url of urls) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates the demo users with seeded mail and calendars on every simulator', () => {
    for (const sim of [sims.microsoft, sims.google, sims.exchange]) {
      const webmail = sim.handle.webmail;
      for (const user of users) {
        expect(webmail.mailboxes(), webmail.title).toContain(user);
        // Seeded mail lands in the inbox or, for the owner's own messages, in the Sent folder.
        const total = webmail
          .folders(user)
          .filter((f) => /^(inbox|sent|sent items)$/i.test(f.name))
          .reduce((n, f) => n + f.count, 0);
        expect(total, `${webmail.title} ${user}`).toBe(4);
        expect(webmail.events(user).length, `${webmail.title} ${user}`).toBeGreaterThan(0);
      }
    }
  });

  it('serves the Microsoft and Google webmail pages at /webmail', async () => {
    for (const sim of [sims.microsoft, sims.google]) {
      const res = await fetch(`${sim.url}/webmail`);
      expect(res.status, sim.url).toBe(200);
      expect(await res.text()).toContain('ava@greenleaf.example');
    }
  });

  // The Exchange server does not mount /webmail yet; its source still renders through the shared page.
  it('renders the Exchange mailboxes through the shared webmail page', () => {
    const res = handleWebmail(sims.exchange.handle.webmail, { method: 'GET', path: '/webmail/mailbox', query: 'm=ava@greenleaf.example' });
    expect(res?.status).toBe(200);
    expect(String(res?.body)).toContain('Sent mail');
  });

  it('prints the URLs, the mailboxes with passwords and the Tandem environment variables', () => {
    const text = describeSimulators(sims);
    expect(text).toContain(`MICROSOFT_GRAPH_URL=${sims.microsoft.url}/v1.0`);
    expect(text).toContain(`MICROSOFT_AUTHORITY_HOST=${sims.microsoft.url}`);
    for (const v of ['GOOGLE_OAUTH_URL', 'GOOGLE_GMAIL_URL', 'GOOGLE_CALENDAR_URL']) expect(text).toContain(`${v}=${sims.google.url}`);
    expect(text).toContain(`${sims.exchange.url}/EWS/Exchange.asmx`);
    for (const m of demoMailboxes) expect(text).toMatch(new RegExp(`${m.address}\\s+${m.password}`));
  });
});

describe('startSimulators failure', () => {
  it('rejects when a fixed port is taken, after stopping the ones that did start', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(startSimulators({ mailboxes: [], ports: { google: port } })).rejects.toThrow();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('starts empty simulators when asked for no mailboxes and closes them', async () => {
    const empty = await startSimulators({ mailboxes: [] });
    expect(empty.microsoft.handle.webmail.mailboxes()).toEqual([]);
    await empty.close();
    await expect(fetch(`${empty.google.url}/webmail`)).rejects.toThrow();
  });
});
