/**
 * Capture and send end to end through the Microsoft 365 simulator and the Graph adapter, driven by
 * the engine's AccountSync / OutboxWorker: drop → activity on the right contacts → message in
 * Processed, cheaply ($batch); crash between store and move; a send that times out after Graph
 * accepted it lands in Sent Items once. PGlite store (the store paths are covered on both drivers
 * by the Dovecot suites).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedMessages } from '../../sim/common/seed';
import { ProviderError } from '../../src/providers/errors';
import { microsoftProviderFactory } from '../../src/providers/microsoft';
import { connect, startMicrosoftTestEnv, type MicrosoftTestEnv } from '../../src/providers/microsoft/microsoft-test-harness';
import type { MailAbility, ProviderFactory } from '../../src/providers/provider';
import { captureFeature } from '../../src/sync/capture/capture-feature';
import { queueEmail, sendMailHandler } from '../../src/sync/send/send-mail';
import { createTestCompany, createTestDb, type TestDb } from '../support/test-db';
import { connectMicrosoftAccount, rawMessage, testEngine, testVault } from './capture-harness';

const MAILBOX = 'ava@contoso.example';

/** The Graph provider with one injected failure in markProcessed or send (after really sending). */
function faulty(fault: { move?: number; sendTimeout?: number }): ProviderFactory {
  let moveFailures = fault.move ?? 0;
  let sendTimeouts = fault.sendTimeout ?? 0;
  return {
    kind: 'microsoft',
    create(ctx) {
      const provider = microsoftProviderFactory.create(ctx);
      const mail = provider.mail;
      if (!mail) throw new Error('graph provider without mail');
      const wrapped: MailAbility = {
        ...mail,
        async markProcessed(folders, refs) {
          if (moveFailures-- > 0) throw new ProviderError('transient', 'injected: worker died before the move', { code: 'injected' });
          return mail.markProcessed(folders, refs);
        },
        async send(m) {
          const sent = await mail.send(m);
          if (sendTimeouts-- > 0) throw new ProviderError('transient', 'injected: timeout after Graph accepted', { code: 'ETIMEDOUT', ambiguous: true });
          return sent;
        },
      };
      return { ...provider, mail: wrapped };
    },
  };
}

describe('capture and send on the Microsoft 365 simulator', () => {
  let env: MicrosoftTestEnv;
  let t: TestDb;
  beforeEach(async () => {
    env = await startMicrosoftTestEnv();
    t = await createTestDb('pglite');
  });
  afterEach(async () => {
    await t?.cleanup();
    await env?.close();
  });

  async function world(fault: { move?: number; sendTimeout?: number } = {}) {
    const { scope, userId } = await createTestCompany(t.db);
    const vault = testVault();
    const engine = testEngine(t.db, vault, { features: [captureFeature()], handlers: [sendMailHandler], factory: faulty(fault), clock: env.clock, oauth: env.oauth });
    const account = await connectMicrosoftAccount(t.db, vault, scope, userId, MAILBOX, await connect(env), env.endpoints, env.clock.now());
    expect(await engine.sync(account)).toMatchObject({ outcome: 'succeeded' }); // creates Tandem and Processed
    return { scope, userId, engine, account };
  }
  const requests = () => env.sim.handle.counters.count(MAILBOX) - env.sim.handle.counters.count(MAILBOX, 'batch.item');

  it('files dropped mail on every matching contact, moves it to Processed, in few requests', async () => {
    const w = await world();
    const contacts = ['Margaret Ellis <margaret.ellis@oakridge-hoa.example>', 'Tom <tom@obrien-properties.example>'];
    const ids = [];
    for (const c of contacts) ids.push((await t.db.repos.contacts.create(w.scope, { name: c, emails: [c.replace(/.*<|>$/g, '')] })).id);
    const seeded = seedMessages({ seed: 5, count: 99, mailbox: MAILBOX, contacts, profile: 'mixed' });
    for (const m of seeded) await env.sim.handle.placeMessage(MAILBOX, 'Tandem', m.raw);
    await env.sim.handle.placeMessage(MAILBOX, 'Tandem', rawMessage({ id: 'both@x.example', from: 'margaret.ellis@oakridge-hoa.example', to: MAILBOX, cc: 'tom@obrien-properties.example' }));

    const before = requests();
    expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: 100, errors: 0 });
    // Folder lookups, one listing, five $batch GETs of $value and five $batch moves.
    expect((requests() - before) / 100).toBeLessThanOrEqual(0.15);
    expect(env.sim.handle.listFolderMessages(MAILBOX, 'Tandem')).toEqual([]);
    expect(env.sim.handle.listFolderMessages(MAILBOX, 'Processed')).toHaveLength(100);
    expect((await t.db.repos.activities.findByDedupeKey(w.scope, '<both@x.example>'))?.contactIds).toEqual([...ids].sort());
    const onMargaret = (await t.db.repos.activities.listForContact(w.scope, ids[0] ?? '', { limit: 200 })).items.length;
    const onTom = (await t.db.repos.activities.listForContact(w.scope, ids[1] ?? '', { limit: 200 })).items.length;
    expect(onMargaret + onTom).toBeGreaterThanOrEqual(100);
  });

  it('after a crash between store and move the rerun only moves', async () => {
    const w = await world({ move: 1 });
    await t.db.repos.contacts.create(w.scope, { name: 'C', emails: ['c@client.example'] });
    for (let i = 0; i < 3; i++) await env.sim.handle.placeMessage(MAILBOX, 'Tandem', rawMessage({ id: `ms-crash-${i}@client.example`, from: 'c@client.example', to: MAILBOX }));
    expect(await w.engine.sync(w.account)).toMatchObject({ outcome: 'failed', kind: 'transient' });
    env.clock.advance(60 * 60_000);
    expect(await w.engine.sync(w.account)).toEqual({ outcome: 'succeeded', items: 3, errors: 0 });
    expect(env.sim.handle.listFolderMessages(MAILBOX, 'Processed')).toHaveLength(3);
    const contact = await t.db.repos.contacts.findByEmail(w.scope, 'c@client.example');
    expect((await t.db.repos.activities.listForContact(w.scope, contact?.id ?? '')).items).toHaveLength(3);
  });

  it('a send that times out after Graph accepted it lands in Sent Items once', async () => {
    const w = await world({ sendTimeout: 1 });
    const q = await queueEmail(t.db, w.scope, { id: w.userId }, { to: [{ address: 'margaret@oakridge.example' }], bcc: [{ address: 'boss@contoso.example' }], subject: 'Quote', text: 'Attached.' }, { clock: env.clock });
    expect(await w.engine.outbox.drain()).toEqual(['retry']);
    env.clock.advance(10 * 60_000);
    expect(await w.engine.outbox.drain()).toEqual(['already_delivered']);
    expect(env.sim.handle.sentItems(MAILBOX).filter((m) => m.internetMessageId === q.messageId)).toHaveLength(1);
    expect(await t.db.repos.activities.get(w.scope, q.activity.id)).toMatchObject({ status: 'sent' });
  });
});
