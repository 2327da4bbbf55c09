/**
 * The product as `tandem start` composes it (boot(): API, engine, push), against the Microsoft 365
 * simulator: the subscriptions are made at start, and a message dropped into Tandem becomes an
 * activity through the mounted webhook without any scheduled run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { simDefaultApp } from '../../sim/microsoft/index';
import { boot, type Runtime } from '../../src/boot';
import { loadConfig } from '../../src/config';
import { microsoftProviderFactory } from '../../src/providers/microsoft';
import { connect, startMicrosoftTestEnv, testMailbox, type MicrosoftTestEnv } from '../../src/providers/microsoft/microsoft-test-harness';
import { openVault } from '../../src/store/vault';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { connectMicrosoftAccount, rawMessage, silent, testEngine } from '../capture/capture-harness';
import { createTestCompany, createTestDb, type TestDb } from '../support/test-db';
import { contactAddress, publicUrl } from './push-harness';

let env: MicrosoftTestEnv | undefined;
let t: TestDb | undefined;
let runtime: Runtime | undefined;
let dataDir = '';
afterEach(async () => {
  await runtime?.close();
  await env?.sim.handle.flushNotifications();
  await t?.cleanup();
  await env?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('boot() subscribes at start and a drop becomes an activity through the mounted webhook', async () => {
  let appUrl: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (appUrl = resolve));
  env = await startMicrosoftTestEnv({ notificationFetch: async (input, init) => fetch(String(input).replace(publicUrl, await listening), init) });
  env.clock.set(new Date());
  t = await createTestDb('pglite');
  dataDir = mkdtempSync(join(tmpdir(), 'tandem-push-boot-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    TANDEM_DATA_DIR: dataDir,
    TANDEM_PUBLIC_URL: publicUrl,
    MICROSOFT_CLIENT_ID: simDefaultApp.clientId,
    MICROSOFT_CLIENT_SECRET: simDefaultApp.clientSecret,
    MICROSOFT_GRAPH_URL: `${env.sim.url}/v1.0`,
    MICROSOFT_AUTHORITY_HOST: env.sim.url,
  });
  // A connected mailbox whose first run already made the Tandem folder (the state after connecting).
  const vault = openVault({ dataDir });
  const { scope, userId } = await createTestCompany(t.db);
  const contact = await t.db.repos.contacts.create(scope, { name: 'Margaret Ellis', emails: [contactAddress] });
  const account = await connectMicrosoftAccount(t.db, vault, scope, userId, testMailbox, await connect(env), env.endpoints, env.clock.now());
  const hand = testEngine(t.db, vault, { features: [captureFeature()], factory: microsoftProviderFactory, clock: env.clock, oauth: env.oauth });
  expect(await hand.sync(account)).toMatchObject({ outcome: 'succeeded' });

  runtime = await boot({ config, logger: silent, workers: true, api: true, db: t.db, clock: env.clock, factories: { microsoft: microsoftProviderFactory }, queue: { pollingIntervalSeconds: 30 } });
  const address = runtime.app?.server.address();
  appUrl(typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '');
  const sim = env.sim.handle;
  await vi.waitFor(async () => expect((await t!.db.repos.pushSubscriptions.list(scope, account.id)).map((r) => r.resource).sort()).toEqual(['calendar', 'capture']), { timeout: 15_000, interval: 25 });
  expect(sim.subscriptions(testMailbox).map((s) => s.notificationUrl)).toEqual([`${publicUrl}/api/webhooks/microsoft`, `${publicUrl}/api/webhooks/microsoft`]);

  const runsBefore = (await t.db.repos.syncState.listRuns(scope, account.id)).length;
  await sim.placeMessage(testMailbox, 'Tandem', rawMessage({ id: 'boot-push@test.example', from: contactAddress, to: testMailbox }));
  await vi.waitFor(async () => expect((await t!.db.repos.activities.listForContact(scope, contact.id)).items).toHaveLength(1), { timeout: 10_000, interval: 25 });
  const runs = await t.db.repos.syncState.listRuns(scope, account.id);
  expect(runs.length).toBeGreaterThan(runsBefore);
  // The schedule's next run is still minutes away: the push did it.
  expect((await t.db.repos.accounts.get(scope, account.id))?.nextRunAt?.getTime() ?? 0).toBeGreaterThan(Date.now() + 60_000);
}, 40_000);
